#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile strings in the richer formats: subjects, names, Message-IDs,
# bodies, trailers, notices and map files holding <script>, "onload=,
# </details>, javascript: links, fences and control characters.  None may
# come out live: the HTML has only the renderer's own tags, attributes and
# links; the Markdown's fences hold and its text is escaped; the JSON
# carries the strings as they were (less control characters).
. "$(dirname "$0")/lib.sh"
CHECK="python3 $(dirname "$0")/formatcheck.py"
SCHEMA=$(dirname "$0")/../../docs/digest.schema.json
URL=https://lore.kernel.org/kvm/
M=$TMP/hostile.mbox
ESC=$(printf '\033')
BEL=$(printf '\007')

{
	printf 'From mboxrd@z Thu Jan  1 00:00:00 1970\n'
	printf 'From: "<script>alert(1)</script>" <evil@example.org>\n'
	printf 'Subject: [PATCH 0/2] <script>alert(%s)</script> "onload=alert(2) x %s[31mred%s\n' "'t'" "$ESC" "$BEL"
	printf 'Message-ID: <x"onload=alert(3)&y@evil>\n'
	printf 'Date: Tue, 27 Jan 2026 08:00:00 +0000\n\n'
	printf '</details><script>alert(4)</script>\n'
	printf '<a href="javascript:alert(5)">click</a> javascript:alert(6)\n'
	printf '```\nthis would end a three-backtick fence\n````\n'
	printf '%s[2J cleared?\n' "$ESC"
	printf ' 1 file changed, 1 insertion(+)\n'
	printf '\n'
	printf 'From mboxrd@z Thu Jan  1 00:00:00 1970\n'
	printf 'From: Evil <evil@example.org>\n'
	printf 'Subject: [PATCH 1/2] <img src=x onerror=alert(7)> [x](javascript:alert(8))\n'
	printf 'Message-ID: <p1@evil>\nIn-Reply-To: <x"onload=alert(3)&y@evil>\n'
	printf 'References: <x"onload=alert(3)&y@evil>\n'
	printf 'Date: Tue, 27 Jan 2026 08:01:00 +0000\n\n'
	printf '[link](javascript:alert(9)) <iframe src=//x>\n---\n a | 1 +\n 1 file changed, 1 insertion(+)\n'
	printf '\n'
	printf 'From mboxrd@z Thu Jan  1 00:00:00 1970\n'
	printf 'From: "Rev\\" onmouseover=alert(10) x" <rev@example.org>\n'
	printf 'Subject: Re: [PATCH 1/2] <img src=x onerror=alert(7)>\n'
	printf 'Message-ID: <r1@evil>\nIn-Reply-To: <p1@evil>\nReferences: <p1@evil>\n'
	printf 'Date: Tue, 27 Jan 2026 08:02:00 +0000\n\n'
	printf 'Reviewed-by: Rev" onload=alert(11) & co <rev@example.org>\n'
	printf '\n'
	printf 'From mboxrd@z Thu Jan  1 00:00:00 1970\n'
	printf 'From: Maintainer <m@example.org>\n'
	printf 'Subject: Re: [PATCH 0/2] <script>\n'
	printf 'Message-ID: <a1@evil>\nIn-Reply-To: <x"onload=alert(3)&y@evil>\n'
	printf 'Date: Tue, 27 Jan 2026 08:03:00 +0000\n\n'
	printf 'Applied to <b onmouseover=alert(12)>next</b>, thanks!\n'
} >"$M"
printf 'Mal" onload=alert(13) <evil@example.org>\n' >"$TMP/mailmap"
# ('<' starts the end date in gitdm's format: an organisation cannot hold one)
printf 'example.org Evil" onmouseover=alert(14) & '"'Co'"'\n' >"$TMP/orgmap"
MAPS=(--mailmap "$TMP/mailmap" --orgmap "$TMP/orgmap")

for format in html markdown json text; do
	run_md --no-state -q --list '<script>alert(15)</script>' --format "$format" --archive-url "$URL" "${MAPS[@]}" "$M"
	check "$format: exits 0" [ "$status" -eq 0 ]
	check "$format: no control characters" bash -c "! LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]' '$TMP/out'"
	cp "$TMP/out" "$TMP/hostile.$format"
done
H=$TMP/hostile.html
check "html: only our tags, attributes and links" $CHECK html-safe "$H" "$URL"
check "html: the subject is there, escaped" grep -qF '&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &quot;onload=alert(2) x [31mred' "$H"
check "html: the list name is escaped in the title" grep -qF '<title>&lt;script&gt;alert(15)&lt;/script&gt; mailing list update' "$H"
check "html: </details> in a body stays text" grep -qF '<pre>&lt;/details&gt;&lt;script&gt;alert(4)&lt;/script&gt;' "$H"
check "html: the mailmap's name is escaped" grep -qF 'Mal\&quot; onload=alert(13)' "$H"
check "html: the orgmap's name is escaped" grep -qF 'Evil&quot; onmouseover=alert(14) &amp; &#39;Co&#39;' "$H"
check "html: the trailer is escaped" grep -qF 'Reviewed-by: Rev&quot; onload=alert(11) &amp; co &lt;rev@example.org&gt;' "$H"
check "html: the Message-ID is percent-encoded in links" grep -qF "href=\"${URL}x%22onload=alert%283%29%26y@evil/\"" "$H"
check "html: no javascript: link" bash -c "! grep -qi 'href=\"javascript' '$H'"
check "markdown: fences hold, mail text escaped" $CHECK md-safe "$TMP/hostile.markdown"
check "markdown: a four-backtick body gets a five-backtick fence" grep -qx '`````text' "$TMP/hostile.markdown"
check "markdown: the subject is escaped" grep -qF '\<script\>alert' "$TMP/hostile.markdown"
check "json: the strings as they were, less controls" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["series"][0]
assert s["subject"] == "[PATCH 0/2] <script>alert('"'t'"')</script> \"onload=alert(2) x [31mred", s["subject"]
assert s["message_id"] == "x\"onload=alert(3)&y@evil", s["message_id"]
assert s["author"]["organisation"] == "Evil\" onmouseover=alert(14) & '"'Co'"'", s["author"]
assert d["list"] == "<script>alert(15)</script>"
assert s["lead_body"].startswith("</details><script>alert(4)</script>\n"), s["lead_body"][:80]
' "$TMP/hostile.json"
status=0
$CHECK schema "$TMP/hostile.json" "$SCHEMA" >/dev/null || status=$?
[ "$status" -eq 77 ] || check "json: valid under the schema" [ "$status" -eq 0 ]

# Only http(s) archive URLs become links, whatever the quoting.
for url in 'javascript:alert(1)//' 'data:text/html,x' 'https://x/"onload=alert(1)' "https://x/'x" 'https://x/ y' 'https://x/<script>'; do
	expect_error "--archive-url '$url' is refused" 1 "^mldigest: --archive-url takes an http or https URL" --no-state --format html --archive-url "$url" "$M"
done

finish
