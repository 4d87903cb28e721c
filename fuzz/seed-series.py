#!/usr/bin/env python3
# Builds the seed corpus of fuzz_series (see fuzz/README.md) from the tests:
# the messages of each struct msg array of tests/unit/test_series.c, the
# bodies of tests/unit/test_applied.c and test_trailers.c (as replies to a
# patch), and the mails of tests/data/mail.
#   fuzz/seed-series.py . fuzz/corpus/series
import codecs, hashlib, os, re, sys

root, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)

def tokens(text):
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            i = text.index('*/', i) + 2
        elif text.startswith('//', i):
            i = text.index('\n', i)
        elif c == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            yield ('str', text[i + 1:j])
            i = j + 1
        elif c in '{},;':
            yield (c, c)
            i += 1
        elif c.isspace():
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '{},;"':
                j += 1
            yield ('word', text[i:j])
            i = j

def cstr(parts):
    raw = ''.join(parts).encode('utf-8')
    return codecs.escape_decode(raw)[0]

def fields(tok_iter):
    """The fields of one {...} initializer, strings merged; nested braces skipped."""
    out, cur, depth = [], None, 1
    for kind, val in tok_iter:
        if kind == '{':
            depth += 1
        elif kind == '}':
            depth -= 1
            if depth == 0:
                if cur is not None:
                    out.append(cur)
                return out
        elif kind == ',' and depth == 1:
            out.append(cur)
            cur = None
        elif kind == 'str' and depth == 1:
            cur = (cur or []) + [val] if isinstance(cur, list) or cur is None else cur
        elif depth == 1:
            cur = val
    return out

def arrays(path, struct):
    text = open(path, encoding='utf-8').read()
    for m in re.finditer(r'static const struct %s (\w+)\[\] = \{' % struct, text):
        it = tokens(text[m.end():])
        entries = []
        for kind, val in it:
            if kind == '{':
                f = fields(it)
                entries.append([cstr(x) if isinstance(x, list) else x for x in f])
            elif kind == '}':
                break
        yield m.group(1), entries

def hdr(name, value):
    return b'%s: %s\n' % (name.encode(), value) if value else b''

def mail(e):
    key, mid, irt, refs, date, subject, name, addr, body = e[:9]
    ib_name, ib_addr = (e[9], e[10]) if len(e) > 10 else (b'NULL', b'NULL')
    s = hdr('Subject', subject) + hdr('Message-ID', b'<' + mid + b'>' if mid else b'')
    s += hdr('In-Reply-To', irt) + hdr('References', refs)
    s += hdr('From', (name + b' <' + addr + b'>') if name else addr)
    if isinstance(date, str) and date.isdigit():
        import email.utils
        s += hdr('Date', email.utils.formatdate(int(date)).encode())
    if isinstance(ib_addr, bytes) and ib_addr != b'NULL' and isinstance(ib_name, bytes):
        body = b'From: ' + ib_name + b' <' + ib_addr + b'>\n\n' + body
    return s + b'\n' + body

def save(data):
    data = data[:60000]
    name = hashlib.sha1(data).hexdigest()
    open(os.path.join(out, name), 'wb').write(data)

t = os.path.join(root, 'tests/unit')
for name, entries in arrays(os.path.join(t, 'test_series.c'), 'msg'):
    msgs = [mail(e) for e in entries if len(e) >= 9 and all(isinstance(x, bytes) for x in e[:4])]
    if msgs:
        save(b'\xff'.join(msgs))

patch = (b'Subject: [PATCH 1/2] KVM: PPC: fix the thing\nMessage-ID: <p1@example.org>\n'
         b'From: Ann Author <ann@example.org>\nDate: Tue, 27 Jan 2026 07:00:00 +0000\n\n'
         b'The thing is broken.\n\nSigned-off-by: Ann Author <ann@example.org>\n---\n'
         b' a.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n')
reply = (b'Subject: Re: [PATCH 1/2] KVM: PPC: fix the thing\nMessage-ID: <r1@example.org>\n'
         b'In-Reply-To: <p1@example.org>\nReferences: <p1@example.org>\n'
         b'From: Mike Maintainer <mike@example.org>\nDate: Wed, 28 Jan 2026 07:00:00 +0000\n\n')
for f, struct in (('test_applied.c', 'notice_vector'), ('test_trailers.c', 'trailer_vector'),
                  ('test_trailers.c', 'own_vector')):
    for name, entries in arrays(os.path.join(t, f), struct):
        for e in entries:
            if len(e) > 1 and isinstance(e[1], bytes):
                save(patch + b'\xff' + reply + e[1])

mails = sorted(os.listdir(os.path.join(root, 'tests/data/mail')))
joined = [open(os.path.join(root, 'tests/data/mail', m), 'rb').read() for m in mails]
save(b'\xff'.join(joined))
