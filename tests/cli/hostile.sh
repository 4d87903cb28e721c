#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hostile mail (docs/limits.md): every input is built here, each run must
# exit 0 within `timeout 60`, print no terminal control and no bidirectional
# control, and go on to digest the well-formed patch after the hostile one
# (the "sentinel").  Messages over the 64 MiB cap are skipped with a warning
# naming their place (mbox) or commit (git).
. "$(dirname "$0")/lib.sh"
export LC_ALL=C
echo x | grep -qP 'x' 2>/dev/null || skip "grep -P (PCRE) is needed to look for control characters"

# From_ line of every message (each message ends with "\n", and one blank line
# is written before the next From_ line).
sep() {
	printf 'From mboxrd@z Thu Jan  1 00:00:00 1970\n'
}

# The well-formed patch put after each hostile message.
sentinel() {
	printf '\n'
	sep
	printf 'From: Sentinel <sentinel@example.org>\nSubject: [PATCH] sentinel\n'
	printf 'Message-ID: <sentinel@example.org>\n\nstill here\n'
}

# N bytes of the character C.
bytes() {
	head -c "$1" /dev/zero | tr '\0' "$2"
}

# no_controls FILE: no C0 control but tab and newline, no DEL, no C1 control
# (U+0080-U+009F as UTF-8), no bidirectional control (U+202A-U+202E,
# U+2066-U+2069), and valid UTF-8.
no_controls() {
	if grep -qaP '[\x00-\x08\x0b-\x1f\x7f]' "$1"; then
		echo "  control characters in $1: $(grep -naP '[\x00-\x08\x0b-\x1f\x7f]' "$1" | head -c 200 | od -c | head -5)"
		return 1
	fi
	if grep -qaP '\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$1"; then
		echo "  C1 or bidirectional controls in $1"
		return 1
	fi
	if command -v iconv >/dev/null && ! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then
		echo "  invalid UTF-8 in $1"
		return 1
	fi
	return 0
}

# hostile NAME ARCHIVE [ARGS...]: one run on a hostile archive; the output is
# in $TMP/out, the warnings in $TMP/err.  Passes when it exits 0 in time,
# prints no control and digests the sentinel; stderr must be empty unless
# WARNINGS=1.
hostile() {
	local name=$1 why=""
	shift
	status=0
	timeout 60 "$MLDIGEST" --no-state -q "$@" >"$TMP/out" 2>"$TMP/err" || status=$?
	if [ "$status" -eq 124 ]; then
		why="took more than 60 s"
	elif [ "$status" -ne 0 ]; then
		why="exit $status: $(head -c 300 "$TMP/err")"
	elif ! no_controls "$TMP/out" || ! no_controls "$TMP/err"; then
		why="terminal controls in the output"
	elif ! grep -q '^New:  sentinel$' "$TMP/out"; then
		why="the patch after it was not digested"
	elif [ "${WARNINGS:-0}" != 1 ] && [ -s "$TMP/err" ]; then
		why="unexpected warnings: $(head -c 300 "$TMP/err")"
	fi
	if [ -n "$why" ]; then not_ok "$name: $why"; else ok "$name"; fi
}

# has NAME STRING: the last output holds STRING (a fixed string).
has() {
	check "$1" grep -qF -- "$2" "$TMP/out"
}

# lacks STRING: the last output does not hold STRING.
lacks() {
	! grep -qF -- "$1" "$TMP/out"
}

# ---- size: over the 64 MiB cap (skipped), under it (digested) --------------
# A 100 MB message, then a 30 MB one of one single line, then the sentinel.
{
	sep
	printf 'From: Big <big@example.org>\nSubject: [PATCH] too big\n\n'
	yes 'a line of the body of a 100 MB message' | head -c 100000000
	printf '\n\n'
	sep
	printf 'From: Long <long@example.org>\nSubject: [PATCH] thirty megabytes on one line\n\n'
	bytes 30000000 x
	printf '\n'
	sentinel
} >"$TMP/big.mbox"
WARNINGS=1 hostile "a 100 MB and a 30 MB message (mbox)" "$TMP/big.mbox"
check "the 100 MB message is skipped with one warning" \
	grep -qx "mldigest: warning: skipping message 1 of '$TMP/big.mbox': larger than 65536 KiB" "$TMP/err"
check "... and only that one" [ "$(wc -l <"$TMP/err")" -eq 1 ]
has "the 30 MB message is digested" "New:  thirty megabytes on one line"
check "... with its 30 MB line whole" awk 'length($0) == 30000000 { found = 1 } END { exit !found }' "$TMP/out"
rm -f "$TMP/big.mbox"

# The same in a public-inbox git archive: the 100 MB blob is skipped by its
# size alone (it is never inflated), with a warning naming its commit.
git init -q --bare "$TMP/big.git" || exit 1
{
	small='From: Sentinel <sentinel@example.org>
Subject: [PATCH] sentinel
Message-ID: <sentinel@example.org>

still here
'
	big_head='From: Big <big@example.org>
Subject: [PATCH] too big

'
	printf 'blob\nmark :1\ndata %d\n%s' $((${#big_head} + 100000000)) "$big_head"
	yes 'a line of the body of a 100 MB message' | head -c 100000000
	printf '\nblob\nmark :2\ndata %d\n%s\n' ${#small} "$small"
	printf 'commit refs/heads/master\nmark :3\ncommitter T <t@example.org> 1700000000 +0000\n'
	printf 'data 2\nm\nM 100644 :1 m\n\n'
	printf 'commit refs/heads/master\nmark :4\ncommitter T <t@example.org> 1700000001 +0000\n'
	printf 'data 2\nm\nfrom :3\nM 100644 :2 m\n\n'
} | git -C "$TMP/big.git" fast-import --quiet || exit 1
big_commit=$(git -C "$TMP/big.git" rev-parse HEAD~1)
big_size=$(git -C "$TMP/big.git" cat-file -s HEAD~1:m)
WARNINGS=1 hostile "a 100 MB message (git)" "$TMP/big.git" ..HEAD
check "the 100 MB blob is skipped with a warning naming its commit" grep -qx \
	"mldigest: warning: skipping commit $big_commit in '$TMP/big.git': message of $big_size bytes is over the 64 MiB limit" \
	"$TMP/err"
check "... and only that one" [ "$(wc -l <"$TMP/err")" -eq 1 ]
rm -rf "$TMP/big.git"

# ---- headers ---------------------------------------------------------------
{
	sep
	printf 'From: Many <many@example.org>\nSubject: [PATCH] many header lines\n'
	yes 'X-Junk: 0123456789' | head -n 100000
	printf '\nbody after 100,000 header lines\n\n'
	sep
	printf 'From: Many <many@example.org>\nSubject: [PATCH] many kept header lines\n'
	yes 'Content-Junk: 0123456789' | head -n 100000
	printf '\nbody after 100,000 kept header lines\n\n'
	sep
	printf 'From: Many <many@example.org>\nSubject: [PATCH] many lines after a bad one\n'
	printf 'this line is not a header field\n'
	yes 'X-Junk: 0123456789' | head -n 100000
	printf '\nbody after a bad line\n'
	sentinel
} >"$TMP/headers.mbox"
hostile "100,000 header lines" "$TMP/headers.mbox"
has "... the body after them" "body after 100,000 header lines"
has "... 100,000 kept ones" "body after 100,000 kept header lines"
has "... after a line that is not a field" "body after a bad line"

{
	sep
	printf 'From: Long <long@example.org>\nSubject: [PATCH] a 1 MB header line\nX-Long: '
	bytes 1048576 y
	printf '\n\nbody after a 1 MB header line\n'
	sentinel
} >"$TMP/longheader.mbox"
hostile "a 1 MB header line" "$TMP/longheader.mbox"
has "... the body after it" "body after a 1 MB header line"

# ---- subjects ----------------------------------------------------------------
{
	sep
	printf 'From: Long <long@example.org>\nSubject: [PATCH] '
	bytes 1048576 s
	printf '\n\nbody\n\n'
	sep
	# Encoded-word starts without their end took GMime minutes (docs/limits.md).
	printf 'From: Long <long@example.org>\nSubject: [PATCH v2] '
	yes '=?a?B?A' | head -n 150000 | tr -d '\n'
	printf '\n\nbody\n'
	sentinel
} >"$TMP/subject.mbox"
hostile "a 1 MB subject" "$TMP/subject.mbox"
subject_cut() {
	local n
	n=$(grep -a '^New:  ss' "$TMP/out" | awk '{ print length($0) }' | head -1)
	[ -n "$n" ] && [ "$n" -le 4102 ]
}
check "... printed cut to 4096 bytes" subject_cut
check "... no line holds more of it" [ -z "$(grep -aE 's{4097}' "$TMP/out")" ]
has "a 1 MB subject of unterminated encoded words" "New:  =?a?"

# ---- addresses ---------------------------------------------------------------
{
	sep
	printf 'From: Just A Name\nSubject: [PATCH] from without an address\n\nbody\n\n'
	sep
	printf 'From: \nSubject: [PATCH] empty from\n\nbody\n\n'
	sep
	printf 'From: x '
	bytes 1048576 '<'
	printf '\nSubject: [PATCH] from of 1 MB of angle brackets\n\nbody\n\n'
	sep
	printf 'From: '
	yes '=?a?Q?A' | head -n 150000 | tr -d '\n'
	printf ' <q@example.org>\nSubject: [PATCH] from of 1 MB of encoded-word starts\n\nbody\n\n'
	sep
	printf 'From: Real <real@example.org>\nSubject: [PATCH] in-body from of garbage\n\n'
	printf 'From: <<<>>> @@@ ((( """ \033[2J\n\nbody\n\n'
	sep
	printf 'From: Real <real@example.org>\nSubject: [PATCH] in-body from of 1 MB\n\nFrom: '
	yes '<<("x ' | head -n 170000 | tr -d '\n'
	printf '\n\nbody\n\n'
	sep
	printf 'From: Real <real@example.org>\nSubject: [PATCH] in-body from of encoded-word starts\n\nFrom: '
	yes '=?a?B?A' | head -n 150000 | tr -d '\n'
	printf ' <x@example.org>\n\nbody\n'
	sentinel
} >"$TMP/from.mbox"
hostile "From: without an address, empty, or 1 MB of garbage" "$TMP/from.mbox"
has "... a name without address is the sender" "Author: Just A Name"
has "... garbage in an in-body From: is digested" "New:  in-body from of garbage"

# ---- structure -----------------------------------------------------------------
awk 'BEGIN {
	print "From mboxrd@z Thu Jan  1 00:00:00 1970"
	print "From: Deep <deep@example.org>"
	print "Subject: [PATCH] nested 10,000 deep"
	print "MIME-Version: 1.0"
	print "Content-Type: multipart/mixed; boundary=\"b0\"\n"
	for (i = 1; i < 10000; i++)
		printf "--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", i - 1, i
	printf "--b9999\nContent-Type: text/plain\n\ntoo deep to be read\n"
	for (i = 9999; i >= 0; i--)
		printf "--b%d--\n", i
	print ""
	print "From mboxrd@z Thu Jan  1 00:00:00 1970"
	print "From: Deep <deep@example.org>"
	print "Subject: [PATCH] nested 50 deep"
	print "MIME-Version: 1.0"
	print "Content-Type: multipart/mixed; boundary=\"b0\"\n"
	for (i = 1; i < 50; i++)
		printf "--b%d\nContent-Type: multipart/mixed; boundary=\"b%d\"\n\n", i - 1, i
	printf "--b49\nContent-Type: text/plain\n\ndeep enough to be read\n"
	for (i = 49; i >= 0; i--)
		printf "--b%d--\n", i
}' >"$TMP/nested.mbox"
sentinel >>"$TMP/nested.mbox"
hostile "MIME nested 10,000 deep" "$TMP/nested.mbox"
has "... a part 50 deep is read" "deep enough to be read"
check "... one 10,000 deep is not (the cap is 64)" lacks "too deep to be read"

{
	sep
	printf 'From: No Body <nobody@example.org>\nSubject: [PATCH] no body'
	printf '\n\n'
	sep
	printf 'just text, no header at all\n\n'
	sep
	printf 'From: Empty <empty@example.org>\nSubject: [PATCH] empty body\n\n\n'
	sep
	printf 'From: B <b@example.org>\nSubject: [PATCH] no boundary\nContent-Type: multipart/mixed\n\n'
	printf 'text of a multipart without a boundary\n'
	sentinel
} >"$TMP/empty.mbox"
hostile "no headers, no body, no boundary" "$TMP/empty.mbox"
has "... a message with no body is digested" "New:  no body"
has "... a multipart without a boundary is text" "text of a multipart without a boundary"

# ---- encodings and charsets ---------------------------------------------------------
{
	sep
	printf 'From: C <c@example.org>\nSubject: [PATCH] unknown charset\n'
	printf 'Content-Type: text/plain; charset=x-no-such-charset\n\nunknown caf\351\n\n'
	sep
	printf 'From: C <c@example.org>\nSubject: [PATCH] lying charset\n'
	printf 'Content-Type: text/plain; charset=utf-8\n\nlying caf\351 na\357ve\n\n'
	sep
	printf 'From: C <c@example.org>\nSubject: [PATCH] latin1 with C1 bytes\n'
	printf 'Content-Type: text/plain; charset=iso-8859-1\n\nwait\205 \200 \201 \233[2J\n\n'
	sep
	printf 'From: C <c@example.org>\nSubject: [PATCH] invalid UTF-8\n\n'
	printf 'bad \300\257 \355\240\200 \200 \377 \342\202 \360\220\200 end\n\n'
	sep
	printf 'From: C <c@example.org>\nSubject: [PATCH] iso-2022-jp garbage\n'
	printf 'Content-Type: text/plain; charset=iso-2022-jp\n\n\033$B\200\201\033(Bab\377\n\n'
	sep
	printf 'From: C <c@example.org>\nSubject: [PATCH] base64 garbage\n'
	printf 'Content-Transfer-Encoding: base64\n\n!@#$%%^&*()=-=A\200\377==\nQUJD\n====\n\n'
	sep
	printf 'From: C <c@example.org>\nSubject: [PATCH] quoted-printable garbage\n'
	printf 'Content-Transfer-Encoding: quoted-printable\n\n=ZZ=4=\377==\r=\n=0=1B[2J=00=\n'
	sentinel
} >"$TMP/charset.mbox"
hostile "charsets and transfer encodings" "$TMP/charset.mbox"
has "... an unknown charset is read as UTF-8" $'unknown caf\xef\xbf\xbd'
has "... bytes not valid in the declared charset become U+FFFD" $'lying caf\xef\xbf\xbd na\xef\xbf\xbdve'
has "... iso-8859-1 is read as windows-1252" $'wait\xe2\x80\xa6 \xe2\x82\xac'
has "... invalid UTF-8 is replaced" $'bad \xef\xbf\xbd\xef\xbf\xbd'

# ---- NUL bytes -------------------------------------------------------------------------
{
	sep
	printf 'From: N\000ul <nul@example.org>\nSubject: [PATCH] nul\000in subject\nX-N: a\000b\n\n'
	printf 'nul \000 in \000\000 body\n\n'
	sep
	printf 'From: N <nul@example.org>\nSubject: [PATCH] nul in the body only\n\n'
	printf 'before\000after\n'
	sentinel
} >"$TMP/nul.mbox"
hostile "NUL bytes in headers and body" "$TMP/nul.mbox"
has "... a NUL in the body is U+FFFD" $'before\xef\xbf\xbdafter'

# ---- terminal controls and bidirectional controls ------------------------------------------
# ESC [ 2J (clear the screen), OSC 52 (write the clipboard), OSC 0 (set the
# title), U+202E (right-to-left override), U+2066 (left-to-right isolate), a
# C1 CSI (U+009B) and DEL, raw and RFC 2047-encoded, in names, subjects and
# bodies, in-body From: included.
esc=$'\033[2J\033]52;c;SGVsbG8=\007\033]0;title\007\xe2\x80\xae\xe2\x81\xa6\xc2\x9b\x7f'
{
	sep
	printf 'From: Ev%sil <evil@example.org>\nSubject: [PATCH] sub%sject\n\n' "$esc" "$esc"
	printf 'bo%sdy\n\n' "$esc"
	sep
	# the same, RFC 2047-encoded: "\e[2J\u202e\e]0;t\a" in B and Q words
	printf 'From: =?UTF-8?B?RXYbWzJK4oCuG10wO3QHaWw=?= <evil@example.org>\n'
	printf 'Subject: [PATCH] =?UTF-8?Q?enc=1B[2J=E2=80=AE=E2=81=A6=1B]0;t=07oded?=\n\n'
	printf 'From: In=?UTF-8?B?G1sySuKArg==?=body <inbody@example.org>\n\n'
	printf 'body =E2=80=AE\n\n'
	sep
	printf 'From: Q <q@example.org>\nSubject: [PATCH] qp body\n'
	printf 'Content-Transfer-Encoding: quoted-printable\n\nqp =1B[2J=E2=80=AE=E2=81=A6=C2=9B=7F end\n'
	sentinel
} >"$TMP/controls.mbox"
hostile "terminal and bidirectional controls" "$TMP/controls.mbox"
has "... dropped from a name" "Author: Ev[2J]52;c;SGVsbG8=]0;titleil <evil@example.org>"
has "... dropped from a subject" "New:  sub[2J]52;c;SGVsbG8=]0;titleject"
has "... dropped from a body" "bo[2J]52;c;SGVsbG8=]0;titledy"
has "... dropped from an encoded subject" "New:  enc[2J]0;toded"
has "... dropped from an in-body From:" '"In[2Jbody" <inbody@example.org>'
has "... dropped from a quoted-printable body" "qp [2J end"

# Authors without a domain: a local address, an empty domain, a domain of
# controls.  Each counts under "(no domain)", never as an empty line.
{
	sep
	printf 'From: joe\nSubject: [PATCH] local\n\nb\n\n'
	sep
	printf 'From: Ann <ann@>\nSubject: [PATCH] empty domain\n\nb\n\n'
	sep
	printf 'From: Eve <eve@\x01\x1b>\nSubject: [PATCH] control domain\n\nb\n'
	sentinel
} >"$TMP/nodomain.mbox"
hostile "authors without a domain" "$TMP/nodomain.mbox"
check "... counted under (no domain)" grep -qx '      3 (no domain)' "$TMP/out"
check "... no empty line in the domain list" \
	[ "$(sed -n '/^Top 15 contributor Email domains/,/^Top 15 contributors/p' "$TMP/out" |
		grep -c '^ *[0-9][0-9]* *$')" -eq 0 ]

# The same controls in a git archive's message, and in the archive's name.
git init -q --bare "$TMP/evil.git" || exit 1
{
	m="From: Ev${esc}il <evil@example.org>
Subject: [PATCH] sub${esc}ject

bo${esc}dy
"
	printf 'blob\nmark :1\ndata %d\n%s\n' "$(printf '%s' "$m" | wc -c)" "$m"
	printf 'blob\nmark :2\ndata <<EOF\nFrom: Sentinel <sentinel@example.org>\n'
	printf 'Subject: [PATCH] sentinel\n\nstill here\nEOF\n'
	printf 'commit refs/heads/master\nmark :3\ncommitter T <t@example.org> 1700000000 +0000\n'
	printf 'data 2\nm\nM 100644 :1 m\n\n'
	printf 'commit refs/heads/master\nmark :4\ncommitter T <t@example.org> 1700000001 +0000\n'
	printf 'data 2\nm\nfrom :3\nM 100644 :2 m\n\n'
} | git -C "$TMP/evil.git" fast-import --quiet || exit 1
hostile "terminal controls in a git archive" "$TMP/evil.git" ..HEAD
has "... dropped from a subject" "New:  sub[2J]52;c;SGVsbG8=]0;titleject"

finish
