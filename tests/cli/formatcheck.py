#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks of the richer formats, for the CLI tests.

  formatcheck.py html-safe FILE URLBASE   nothing live from mail in an HTML digest
  formatcheck.py md-safe FILE             fences hold, no raw HTML in a Markdown digest
  formatcheck.py schema FILE SCHEMA       FILE is valid JSON under the JSON Schema
  formatcheck.py png-not-blank FILE       a PNG of more than one colour

Exit 0 when the check passes; else 1, saying why on stdout; 77 when a
Python module it needs is missing.
"""
import html.parser
import json
import re
import struct
import sys
import zlib

# What the HTML renderer writes itself; anything else came from mail.
TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3",
        "p", "code", "ul", "ol", "li", "b", "i", "span", "section", "figure",
        "figcaption", "svg", "g", "text", "rect", "main", "article", "dl", "dt", "dd",
        "details", "summary", "pre", "a", "br", "footer"}
ATTRS = {"lang", "charset", "name", "content", "http-equiv", "class", "id", "href", "rel",
         "viewbox", "role", "aria-label", "x", "y", "width", "height", "rx", "open"}


class Checker(html.parser.HTMLParser):
    def __init__(self, urlbase):
        super().__init__(convert_charrefs=True)
        self.urlbase = urlbase
        self.problems = []
        self.open = {}
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.problems.append(f"a <{tag}> element at line {self.getpos()[0]}")
        for name, value in attrs:
            if name not in ATTRS or name.startswith("on"):
                self.problems.append(f"an attribute {name}= on <{tag}> at line {self.getpos()[0]}")
            if name == "href" and not (value.startswith("#s") or value.startswith(self.urlbase)):
                self.problems.append(f"a link to {value!r} at line {self.getpos()[0]}")
            if name == "href" and value.startswith(self.urlbase):
                rest = value[len(self.urlbase):]
                if not re.fullmatch(r"[A-Za-z0-9._~@!$*+,;=:%-]+/", rest):
                    self.problems.append(f"a link not percent-encoded: {value!r}")
        if tag in ("style",) and self.open.get("style"):
            self.problems.append("a second <style>")
        self.open[tag] = self.open.get(tag, 0) + 1
        if tag not in ("meta", "br", "rect"):
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> at line {self.getpos()[0]} closes "
                                 f"<{self.stack[-1] if self.stack else 'nothing'}>")
            return
        self.stack.pop()


def html_safe(path, urlbase):
    text = open(path, encoding="utf-8").read()
    checker = Checker(urlbase)
    checker.feed(text)
    checker.close()
    if checker.stack:
        checker.problems.append(f"unclosed: {checker.stack}")
    if re.search(r"<\s*/?\s*(script|iframe|object|embed|img|svg\s+onload)", text, re.I):
        checker.problems.append("an active element in the source")
    if checker.open.get("script") or checker.open.get("img") or checker.open.get("iframe"):
        checker.problems.append("active elements")
    for p in checker.problems[:20]:
        print("  " + p)
    return 1 if checker.problems else 0


def md_safe(path):
    problems = []
    fence = None
    for n, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        if fence is None:
            m = re.match(r"^(`{3,})text$", line)
            if m:
                fence = m.group(1)
                continue
            if line.startswith("```"):
                problems.append(f"line {n}: a fence outside a block: {line[:60]!r}")
            # outside blocks: every < > [ ] ( ) ` from mail is backslash-escaped
            bare = re.sub(r"\\.", "", line)
            bare = re.sub(r"\[[^\[\]]*\]\(<https?://[^<> ]*>\)", "", bare)  # our links
            bare = re.sub(r"^#+ |^- |^\s+- |\*\*|^\| .*? \| |\| ---: \| :--- \|| \|$", "", bare)
            for c in "<>`[":
                if c in bare:
                    problems.append(f"line {n}: unescaped {c!r}: {line[:80]!r}")
                    break
        elif line == fence:
            fence = None
        elif re.match(r"^`{3,}\s*$", line) and len(line.strip()) >= len(fence):
            problems.append(f"line {n}: a line that would close the fence")
    if fence is not None:
        problems.append("a fence left open at the end")
    for p in problems[:20]:
        print("  " + p)
    return 1 if problems else 0


def schema(path, schema_path):
    try:
        import jsonschema
    except ImportError:
        print("python3-jsonschema is not installed")
        return 77
    with open(schema_path) as f:
        s = json.load(f)
    with open(path) as f:
        doc = json.load(f)
    cls = jsonschema.Draft202012Validator
    cls.check_schema(s)
    errors = sorted(cls(s).iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:10]:
        print(f"  {'/'.join(map(str, e.path))}: {e.message[:200]}")
    return 1 if errors else 0


def png_not_blank(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        print("  not a PNG")
        return 1
    pos, idat, width, height, depth, ctype = 8, b"", 0, 0, 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    stride = width * channels * depth // 8
    # Filtered rows: a blank page is one colour, so its rows decode to one
    # repeated pattern; count the distinct unfiltered pixel values instead.
    prev = bytearray(stride)
    colours = set()
    bpp = max(1, channels * depth // 8)
    for y in range(height):
        f = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                row[i] = (row[i] + a) & 255
            elif f == 2:
                row[i] = (row[i] + b) & 255
            elif f == 3:
                row[i] = (row[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 8 == 0:
            for x in range(0, stride, bpp * 4):
                colours.add(bytes(row[x:x + bpp]))
        prev = row
    print(f"  {width}x{height}, {len(colours)} colours sampled")
    return 0 if len(colours) > 1 else 1


def main():
    what = sys.argv[1]
    if what == "html-safe":
        return html_safe(sys.argv[2], sys.argv[3])
    if what == "md-safe":
        return md_safe(sys.argv[2])
    if what == "schema":
        return schema(sys.argv[2], sys.argv[3])
    if what == "png-not-blank":
        return png_not_blank(sys.argv[2])
    print(__doc__)
    return 2


sys.exit(main())
