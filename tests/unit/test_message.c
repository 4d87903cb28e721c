/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * message_parse() and message_parse_address(): SPEC "Reading a message",
 * rules 1, 2, 5 and 6, and the decisions listed at the top of message.c.
 * Real mail from the kvm-ppc archive is in tests/data/mail (found through
 * $MLDIGEST_TEST_DATA, "tests/data" by default).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "message/message.h"
#include "util/buf.h"
#include "util/date.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define FFFD	      "\xef\xbf\xbd"
/* A string literal and its length, for those holding NUL bytes. */
#define LIT(s) s, sizeof(s) - 1

/* An independent check that s[0..n) is UTF-8 without NUL. */
static int utf8_is_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, need;
	unsigned cp, min;

	while (i < n) {
		if (s[i] == 0)
			return 0;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			need = 1, cp = s[i] & 0x1f, min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			need = 2, cp = s[i] & 0x0f, min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			need = 3, cp = s[i] & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		for (k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* What every parse must give, whatever the input. */
static void check_invariants(const struct message *m, const char *why)
{
	const char *fields[] = {m->subject,	m->from_name,  m->from_addr, m->message_id,
				m->in_reply_to, m->references, m->list_id,   m->body};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		if (!fields[i])
			fail_msg("%s: field %zu is NULL", why, i);
		if (!utf8_is_valid(fields[i], strlen(fields[i])))
			fail_msg("%s: field %zu is not valid UTF-8", why, i);
	}
	if (strlen(m->body) != m->body_len)
		fail_msg("%s: strlen(body) %zu != body_len %zu", why, strlen(m->body), m->body_len);
}

static struct message *parse(const char *raw, size_t len, const char *why)
{
	struct message *m = NULL;

	assert_int_equal(message_parse(&m, raw, len), 0);
	assert_non_null(m);
	check_invariants(m, why);
	return m;
}

static void check_field(const char *got, const char *want, const char *field, size_t i,
			const char *why)
{
	if (want && strcmp(got, want))
		fail_msg("case %zu (%s): %s is '%s', want '%s'", i, why, field, got, want);
}

/* ---- the body (rule 2) ------------------------------------------------- */

/* clang-format off */
static const struct {
	const char *raw;
	size_t len; /* 0: strlen(raw) */
	const char *body;
	const char *why;
} body_cases[] = {
	{"Subject: x\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
	 "Ren\xc3\xa9 \xe5\x90\x8d\n",
	 0, "Ren\xc3\xa9 \xe5\x90\x8d\n", "plain 8bit UTF-8 is kept as it is"},
	{"Subject: x\n\nno MIME at all\n", 0, "no MIME at all\n",
	 "a message without Content-Type is text/plain"},
	{"Subject: x\nContent-Type: text/plain; charset=\"UTF-8\"\n"
	 "Content-Transfer-Encoding: base64\n\nUmVuw6kK\n",
	 0, "Ren\xc3\xa9\n", "base64 body in UTF-8"},
	{"Subject: x\nContent-Type: text/plain; charset=ISO-8859-1\n"
	 "Content-Transfer-Encoding: base64\n\nUmVu6Qo=\n",
	 0, "Ren\xc3\xa9\n", "base64 body in ISO-8859-1"},
	{"Subject: x\nContent-Type: text/plain; charset=utf-8\n"
	 "Content-Transfer-Encoding: quoted-printable\n\nsoft=\nbreak =C3=A9=3D\nnext line\n",
	 0, "softbreak \xc3\xa9=\nnext line\n", "quoted-printable with a soft line break"},
	{"Subject: x\nContent-Type: text/plain; charset=windows-1252\n\n"
	 "\x80 \x93q\x94 caf\xe9\n",
	 0, "\xe2\x82\xac \xe2\x80\x9cq\xe2\x80\x9d caf\xc3\xa9\n", "windows-1252 body"},
	{"Subject: x\nContent-Type: text/plain; charset=iso-8859-1\n\n\x96 \x81\n", 0,
	 "\xe2\x80\x93 \xc2\x81\n",
	 "ISO-8859-1 is read as windows-1252 (0x96 is a dash), its holes stay C1"},
	{"Subject: x\nContent-Type: text/plain; charset=utf-8\n\na\xff" "b\xc3(c\xe2\x82", 0,
	 "a" FFFD "b" FFFD "(c" FFFD,
	 "invalid UTF-8 becomes U+FFFD, one per maximal invalid subpart"},
	{"Subject: x\nContent-Type: text/plain; charset=utf-8\n\n"
	 "\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80",
	 0, FFFD FFFD " " FFFD FFFD FFFD " " FFFD FFFD FFFD FFFD,
	 "overlongs, surrogates and code points above U+10FFFF are invalid"},
	{"Subject: x\nContent-Type: text/plain; charset=x-bogus\n\ncaf\xc3\xa9 caf\xe9\n", 0,
	 "caf\xc3\xa9 caf" FFFD "\n",
	 "a charset iconv does not know is read as UTF-8"},
	{"Subject: x\nContent-Type: text/plain; charset=us-ascii\n\nJ\xc3\xb6rg\n", 0,
	 "J\xc3\xb6rg\n", "us-ascii that holds UTF-8 is read as UTF-8, as mailers mean it"},
	{"Subject: x\nContent-Type: text/plain; charset=ISO-2022-JP\n\n"
	 "\x1b$B$3$s$K$A$O\x1b(B\n",
	 0, "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\n",
	 "a stateful charset goes through iconv"},
	{"Subject: x\nContent-Type: text/plain; charset=gbk\n\n\xc4\xe3\xba\xc3\xff!\x81", 0,
	 "\xe4\xbd\xa0\xe5\xa5\xbd" FFFD "!" FFFD,
	 "bytes iconv cannot read, and a sequence cut by the end, become U+FFFD"},
	{"Subject: x\nContent-Type: text/plain; charset=windows-1251\n\n\xcf\xf0\xe8\n", 0,
	 "\xd0\x9f\xd1\x80\xd0\xb8\n", "windows-1251 body"},
	{LIT("Subject: x\nContent-Type: text/plain; charset=utf-16le\n\na\0b\0"),
	 "ab", "UTF-16 goes through iconv: its zero bytes are not NULs"},
	{"Subject: x\r\nContent-Type: text/plain\r\n\r\na\r\nb\r\n", 0, "a\nb\n",
	 "a CRLF message gets LF line ends"},
	{"Subject: x\n\na\r\r\nb\rc\r", 0, "a\nb\rc",
	 "CRs before LF and at the end go; a CR inside a line stays"},
	{LIT("Subject: x\n\nnul\0in\0body\n"), "nul" FFFD "in" FFFD "body\n",
	 "NUL bytes become U+FFFD, so strlen(body) == body_len"},
	{"Subject: x\nContent-Type: text/plain; charset=utf-8; format=flowed\n\nflowed \ntext\n", 0,
	 "flowed \ntext\n", "format=flowed is not reflowed (git am does not either)"},
	{"Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\nZm9v!!!YmFy\n",
	 0, "foobar", "garbage in base64 is skipped"},
	{"Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
	 "=ZZ=4\n",
	 0, "=ZZ=4\n", "a broken quoted-printable escape is kept as it is"},
	{"Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: x-unknown\n\nraw\n", 0,
	 "raw\n", "an unknown transfer encoding is read as 8bit"},
	{"Subject: x\nContent-Type: multipart/mixed; boundary=\"b\"\n\nprologue\n"
	 "--b\nContent-Type: text/plain\n\nthe body\n"
	 "--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment\n\n"
	 "\x01\x02\n--b--\n",
	 0, "the body", "multipart/mixed: text/plain first, then an attachment"},
	{"Subject: x\nContent-Type: multipart/alternative; boundary=b\n\n"
	 "--b\nContent-Type: text/html\n\n<p>html</p>\n"
	 "--b\nContent-Type: text/plain; charset=utf-8\n\nplain\n--b--\n",
	 0, "plain", "multipart/alternative: text/html first, text/plain second"},
	{"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
	 "--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename=log.txt\n\nlog\n"
	 "--b\nContent-Type: text/plain\n\nreal body\n--b--\n",
	 0, "real body", "a text/plain attachment before the body is skipped"},
	{"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
	 "--b\nContent-Type: text/plain\nContent-Disposition: inline; filename=0001-fix.patch\n\n"
	 "the patch\n--b--\n",
	 0, "the patch", "an inline part with a file name is not an attachment"},
	{"Subject: x\nContent-Type: multipart/mixed; boundary=o\n\n"
	 "--o\nContent-Type: multipart/alternative; boundary=i\n\n"
	 "--i\nContent-Type: text/html\n\n<p>x</p>\n--i\nContent-Type: text/plain\n\ninner\n--i--\n"
	 "--o\nContent-Type: text/plain\n\nouter\n--o--\n",
	 0, "inner", "depth first: the nested text/plain comes before the later one"},
	{"Subject: x\nContent-Type: multipart/signed; boundary=s;\n"
	 " protocol=\"application/pgp-signature\"\n\n"
	 "--s\nContent-Type: text/plain; charset=iso-8859-1\n"
	 "Content-Transfer-Encoding: quoted-printable\n\n"
	 "C=E9dric\n--s\nContent-Type: application/pgp-signature\n\nsig\n--s--\n",
	 0, "C\xc3\xa9" "dric", "multipart/signed: the signed text"},
	{"Subject: x\nContent-Type: text/html\n\n<p>only html</p>\n", 0, "",
	 "a message whose only text is text/html has an empty body"},
	{"Subject: x\nContent-Type: multipart/alternative; boundary=b\n\n"
	 "--b\nContent-Type: text/html\n\n<p>html</p>\n--b--\n",
	 0, "", "a multipart whose only text is text/html has an empty body"},
	{"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
	 "--b\nContent-Type: message/rfc822\n\nSubject: inner\n\nforwarded text\n--b--\n",
	 0, "", "message/rfc822 parts are not looked into, as git am does not"},
	{"Subject: x\nContent-Type: text/plain\n"
	 "Content-Disposition: attachment; filename=a.patch\n\n"
	 "patch\n",
	 0, "patch\n", "a single-part message is its body, whatever its disposition"},
	{"Subject: x\nContent-Type: text\n\nbody\n", 0, "body\n",
	 "a Content-Type without '/' is text/plain (RFC 2045 5.2)"},
	{"Subject: x\nContent-Type: multipart/mixed\n\nno boundary parameter\n", 0,
	 "no boundary parameter\n", "a multipart without boundary is read as text"},
	{"Subject: x\nContent-Type: multipart/mixed; boundary=zz\n\n"
	 "the boundary\n--never comes\n", 0,
	 "the boundary\n--never comes\n", "a multipart whose boundary never comes is read as text"},
	{"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n"
	 "--b\nContent-Type: text/plain\n\n"
	 "cut in the mid",
	 0, "cut in the mid", "truncated MIME: the part as far as it goes"},
	{"Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\n", 0, "",
	 "truncated MIME: nothing after the first boundary"},
	{"hello world\nsecond line\n", 0, "hello world\nsecond line\n",
	 "a message without headers is all body"},
	{"\n\nafter an empty header block\n", 0, "\nafter an empty header block\n",
	 "an empty line first: no headers, the rest is the body"},
	{"Subject: no body\nFrom: a@b.c", 0, "", "a message without body (no empty line either)"},
	{"Subject: empty body\n\n", 0, "", "a message with an empty body"},
	{"", 0, "", "an empty message"},
	{"From a@b.c Mon Jan  1 00:00:00 2024\nSubject: mbox\n\nbody\n", 0, "body\n",
	 "a leading mbox From line is skipped"},
};
/* clang-format on */

static void test_body(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(body_cases); i++) {
		const char *raw = body_cases[i].raw;
		size_t len = body_cases[i].len ? body_cases[i].len : strlen(raw);
		struct message *m = parse(raw, len, body_cases[i].why);

		if (m->body_len != strlen(body_cases[i].body) ||
		    strcmp(m->body, body_cases[i].body))
			fail_msg("case %zu (%s): body is '%s', want '%s'", i, body_cases[i].why,
				 m->body, body_cases[i].body);
		message_free(m);
	}
}

/* ---- headers (rule 1) ---------------------------------------------------- */

/* NULL: not checked. */
/* clang-format off */
static const struct {
	const char *raw;
	const char *subject, *from_name, *from_addr, *message_id, *in_reply_to, *references,
		*list_id;
	const char *why;
} header_cases[] = {
	{"Subject: [PATCH] a long\n subject line\n\n", "[PATCH] a long subject line", .why =
	 "a folded Subject is unfolded"},
	{"Subject: a\n\tb\n\n", "a\tb", .why = "unfolding keeps the white space (rule 1 cleans)"},
	{"Subject: =?ISO-8859-1?Q?J=F6rg_x?=\n\n", "J\xc3\xb6rg x", .why =
	 "Q-encoded ISO-8859-1, _ is a space"},
	{"Subject: =?UTF-8?B?UmVuw6k=?=\n\n", "Ren\xc3\xa9", .why = "B-encoded UTF-8"},
	{"Subject: =?UTF-8?Q?a?= =?UTF-8?Q?b?=\n\n", "ab", .why =
	 "white space between two adjacent encoded words goes"},
	{"Subject: =?utf-8?q?Hello?=\n =?utf-8?q?_world?=\n\n", "Hello world", .why =
	 "adjacent encoded words across a fold"},
	{"Subject: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=\n\n", "Hello world", .why =
	 "a padded B word followed by another (GMime 3.2.13 lost the second, issue #133)"},
	{"Subject: =?ISO-2022-JP?B?GyRCJCpMZCQkOWckbyQ7PHUbKEI=?= "
	 "=?ISO-2022-JP?B?GyRCSVUkTiQqQ04kaSQ7GyhC?=\n\n",
	 "\xe3\x81\x8a\xe5\x95\x8f\xe3\x81\x84\xe5\x90\x88\xe3\x82\x8f\xe3\x81\x9b\xe5\x8f\x97"
	 "\xe4\xbb\x98\xe3\x81\xae\xe3\x81\x8a\xe7\x9f\xa5\xe3\x82\x89\xe3\x81\x9b",
	 .why = "padded B words in a stateful charset (kvm-ppc spam, same GMime bug)"},
	{"Subject: =?UTF-8?Q?=C3?= =?UTF-8?Q?=A9?=\n\n", "\xc3\xa9", .why =
	 "a character split over two encoded words"},
	{"Subject: foo=?UTF-8?Q?Ren=C3=A9?=bar\n\n", "fooRen\xc3\xa9" "bar", .why =
	 "an encoded word inside a word is decoded (loose mode)"},
	{"Subject: [PATCH] =?UTF-8?Q?Ren=C3=A9?= fix\n\n", "[PATCH] Ren\xc3\xa9 fix", .why =
	 "encoded and plain words mixed"},
	{"Subject: =?x-bogus?Q?caf=C3=A9?=\n\n", "caf\xc3\xa9", .why =
	 "an encoded word in an unknown charset is tried as UTF-8"},
	{"Subject: =?utf-8*en?q?x?=\n\n", "x", .why = "an RFC 2231 language suffix is ignored"},
	{"Subject: =?utf-8?q?broken\n\n", "=?utf-8?q?broken", .why =
	 "an unterminated encoded word stays as it is"},
	{"Subject: caf\xe9\n\n", "caf\xc3\xa9", .why = "raw 8-bit that is not UTF-8: windows-1252"},
	{"Subject: Ren\xc3\xa9\n\n", "Ren\xc3\xa9", .why = "raw UTF-8 in a header"},
	{"Subject: first\nSubject: second\n\n", "first", .why = "the first Subject counts"},
	{"Received: from a\n\tby b; Subject: fake\nX-Junk: 1\nSubject: real\n"
	 "DKIM-Signature: v=1;\n h=From:Subject;\nTo: x@y.z\n\n",
	 "real", .why = "fields around the kept ones are dropped with their continuation lines"},
	{"From: \"Mike Rapoport (Microsoft)\" <rppt@kernel.org>\n\n", NULL,
	 "Mike Rapoport (Microsoft)", "rppt@kernel.org", .why =
	 "a quoted name holding parentheses"},
	{"From: Aneesh Kumar K.V (IBM) <aneesh.kumar@kernel.org>\n\n", NULL,
	 "Aneesh Kumar K.V (IBM)", "aneesh.kumar@kernel.org", .why =
	 "a comment after the name stays, as git keeps it (GMime drops it)"},
	{"From: r@x.org (Comment Name)\n\n", NULL, "Comment Name", "r@x.org", .why =
	 "a comment after the address is the name"},
	{"From: =?UTF-8?B?UmVuw6k=?= =?UTF-8?B?IFg=?= <r@x.org>\n\n", NULL, "Ren\xc3\xa9 X",
	 "r@x.org", .why = "padded B words in a From name"},
	{"From: Foo\n   Bar <fb@x.org>\n\n", NULL, "Foo Bar", "fb@x.org", .why =
	 "a folded name: its white space runs become one space"},
	{"From: a@b.c, d@e.f\n\n", NULL, "", "a@b.c", .why = "the first mailbox counts"},
	{"From: team: g@x.org;\n\n", NULL, "", "g@x.org", .why =
	 "a group: its first member counts"},
	{"From: Joe Bloggs joe@x.org\n\n", NULL, "Joe Bloggs", "joe@x.org", .why =
	 "GMime finds no mailbox: what can be had is kept"},
	{"From: Just A Name\n\n", NULL, "Just A Name", "", .why =
	 "no address at all: the value is the name"},
	{"From: root\n\n", NULL, "", "root", .why = "a local address stays as written"},
	{"From:\n\n", NULL, "", "", .why = "an empty From"},
	{"Subject: x\n\n", NULL, "", "", "", "", "", "", .why = "missing headers are \"\""},
	{"Message-ID: <id@x.org>\n\n", .message_id = "id@x.org", .why =
	 "the Message-ID without brackets"},
	{"Message-ID:\n <folded@x.org> (comment)\n\n", .message_id = "folded@x.org", .why =
	 "a folded Message-ID with a comment"},
	{"Message-ID: bare@x.org\n\n", .message_id = "bare@x.org", .why =
	 "a Message-ID without brackets"},
	{"In-Reply-To: <a@b> <c@d>\n\n", .in_reply_to = "a@b", .why =
	 "In-Reply-To with several ids: the first"},
	{"In-Reply-To: Joe's message of \"Mon, 1 Jan\"\n <x@y>\n\n", .in_reply_to = "x@y", .why =
	 "In-Reply-To with words around the id"},
	{"In-Reply-To: bare@x\n\n", .in_reply_to = "bare@x", .why = "an id without brackets"},
	{"References: <a@b>\n\t<c@d>\n <e@f>\n\n", .references = "<a@b>\t<c@d> <e@f>", .why =
	 "References unfolded"},
	{"List-Id: =?utf-8?q?K=C3=A9?= list\n <kvm.vger.kernel.org>\n\n",
	 .list_id = "K\xc3\xa9 list <kvm.vger.kernel.org>", .why = "List-Id unfolded and decoded"},
	{"LIST-ID: <x.y>\nmessage-id: <m@x>\n\n", .message_id = "m@x", .list_id = "<x.y>", .why =
	 "field names in any case"},
};
/* clang-format on */

static void test_headers(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(header_cases); i++) {
		const char *why = header_cases[i].why;
		struct message *m = parse(header_cases[i].raw, strlen(header_cases[i].raw), why);

		check_field(m->subject, header_cases[i].subject, "subject", i, why);
		check_field(m->from_name, header_cases[i].from_name, "from_name", i, why);
		check_field(m->from_addr, header_cases[i].from_addr, "from_addr", i, why);
		check_field(m->message_id, header_cases[i].message_id, "message_id", i, why);
		check_field(m->in_reply_to, header_cases[i].in_reply_to, "in_reply_to", i, why);
		check_field(m->references, header_cases[i].references, "references", i, why);
		check_field(m->list_id, header_cases[i].list_id, "list_id", i, why);
		message_free(m);
	}
}

/* clang-format off */
static const struct {
	const char *date;
	int64_t want;
	const char *why;
} date_cases[] = {
	{"Mon, 1 Jan 2024 12:00:00 +0200", 1704103200, "an offset east of UTC"},
	{"Mon, 1 Jan 2024 12:00:00 -0700", 1704135600, "an offset west of UTC"},
	{"Mon, 01 Jan 2024 12:00:00 PDT", 1704135600, "an obsolete zone name"},
	{"1 Jan 2024 12:00:00 +0000 (UTC)", 1704110400, "no weekday, a comment"},
	{"Sat, 31 Oct 20 01:21:45 GMT", 1604107305, "a two-digit year (kvm-ppc spam)"},
	{"Mon, 1 Jan 2024 12:00:00", 1704110400, "no zone: UTC"},
	{"garbage", 0, "unparsable: 0"},
	{"", 0, "empty: 0"},
	{NULL, 0, "no Date: 0"},
};
/* clang-format on */

static void test_date(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(date_cases); i++) {
		struct buf raw = BUF_INIT;
		struct message *m;

		buf_addstr(&raw, "Subject: x\n");
		if (date_cases[i].date)
			buf_addf(&raw, "Date: %s\n", date_cases[i].date);
		buf_addstr(&raw, "\nbody\n");
		m = parse(raw.data, raw.len, date_cases[i].why);
		if (m->date != date_cases[i].want)
			fail_msg("case %zu (%s): date %lld, want %lld", i, date_cases[i].why,
				 (long long)m->date, (long long)date_cases[i].want);
		message_free(m);
		buf_release(&raw);
	}
}

/*
 * One parser for both: a message's date (message_parse) and the Maildir
 * order (archive/maildir.c) both come from date_parse_rfc5322().  Odd dates
 * on which GMime's parser (the message dates' until issue 8) and util/date.c
 * disagreed, and some they agreed on: the message's date is the parser's,
 * 0 when it is no date.
 */
static const char *const odd_dates[] = {
    "Tue, 27 Jan 50 07:00:00 +0000",  /* GMime: 2050 */
    "Tue, 27 Jan 69 07:00:00 +0000",  /* GMime: 2069 */
    "Tue, 27 Jan 126 07:00:00 +0000", /* GMime: no date */
    "Tue, 27 Jan 2026 07:00:00 A",    /* GMime: +01:00 */
    "Tue, 27 Jan 2026 07:00:00 N",    /* GMime: -01:00 */
    "Tue, 27 Jan 2026 07:00:00 Y",    /* GMime: +12:00 */
    "Tue, 27 Jan 2026 07:00:00 Z",
    "Tue, 27 Jan 2026 07:00:00 +2500",	       /* date.c was: +25:00 */
    "Tue, 27 Jan 2026 07:00:00 +0060",	       /* date.c was: no date */
    "Tue, 27 Jan 2026 07:00:00 +00",	       /* date.c was: no date */
    "2026-01-27 07:00:00",		       /* date.c was: no date */
    "2026-01-27T07:00:00Z",		       /* GMime: no date */
    "Tue, 27 Jan 1900 07:00:00 +0000",	       /* GMime: no date */
    "Tue, 27 Jan 2026 07:00:60 +0000",	       /* GMime: no date */
    "Tue, 27-Jan-2026 07:00:00 +0000",	       /* date.c was: no date */
    "Tue, 27 Jan 2026 07.00.00 +0000",	       /* GMime: midnight */
    "Jan 27 2026 07:00:00",		       /* date.c was: no date */
    "27 Jan 2026",			       /* date.c was: no date */
    "\xc2\xa0 Wed Feb 26 03:35:21 2020 +1000", /* kvm-ppc; date.c was: no date */
    "Tue, 30 Feb 2026 07:00:00 +0000",	       /* no date for both */
    "Tue, 27 Jan 2026 25:00:00 +0000",
    "Tuesday, 27 January 2026 07:00:00 +0000 (UTC)",
    "(c) Tue, 27 (c) Jan 2026 07:00:00 +0000",
    "garbage",
};

static void test_date_agreement(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(odd_dates); i++) {
		struct buf raw = BUF_INIT;
		struct message *m;
		int64_t want = 0;

		if (date_parse_rfc5322(odd_dates[i], strlen(odd_dates[i]), &want) < 0)
			want = 0;
		buf_addf(&raw, "Subject: x\nDate: %s\n\nbody\n", odd_dates[i]);
		m = parse(raw.data, raw.len, odd_dates[i]);
		if (m->date != want)
			fail_msg("'%s': message date %lld, date_parse_rfc5322 %lld", odd_dates[i],
				 (long long)m->date, (long long)want);
		message_free(m);
		buf_release(&raw);
	}
}

/* Two of them for certain: RFC 5322's reading, not GMime's. */
static void test_date_rfc5322(void **state)
{
	static const char y50[] = "Date: Tue, 27 Jan 50 07:00:00 +0000\n\n";
	static const char mil[] = "Date: Tue, 27 Jan 2026 07:00:00 A\n\n";
	struct message *m;

	(void)state;
	m = parse(y50, sizeof(y50) - 1, "a two-digit year 50");
	assert_int_equal(m->date, -628880400); /* 1950-01-27T07:00Z, not 2050 */
	message_free(m);
	m = parse(mil, sizeof(mil) - 1, "a military zone");
	assert_int_equal(m->date, 1769497200); /* 07:00 UTC, not 06:00 */
	message_free(m);
}

/* ---- message_parse_address (in-body From:, rule 5) ----------------------- */

/* clang-format off */
static const struct {
	const char *value;
	int ret;
	const char *name, *addr;
	const char *why;
} address_cases[] = {
	{"\"Mike Rapoport (Microsoft)\" <rppt@kernel.org>", 0, "Mike Rapoport (Microsoft)",
	 "rppt@kernel.org", "quotes go, the parentheses inside stay"},
	{"Nikita Kalyazin <kalyazin@amazon.com>", 0, "Nikita Kalyazin", "kalyazin@amazon.com",
	 "the common form"},
	{"=?UTF-8?q?Ren=C3=A9?= <r@x.org>", 0, "Ren\xc3\xa9", "r@x.org", "an encoded name"},
	{"r@x.org (Comment Name)", 0, "Comment Name", "r@x.org", "a comment as the name"},
	{"r@x.org", 0, "", "r@x.org", "a bare address: no name"},
	{"<r@x.org>", 0, "", "r@x.org", "an address in brackets"},
	{"Aneesh Kumar K.V (IBM) <aneesh.kumar@kernel.org>", 0, "Aneesh Kumar K.V (IBM)",
	 "aneesh.kumar@kernel.org", "a comment in the name stays, as git mailinfo keeps it"},
	{"\"Joe \\\"J\\\" B\" <joe@x.org>", 0, "Joe \"J\" B", "joe@x.org",
	 "escaped quotes inside a quoted name"},
	{"\"Foo, Bar\" <fb@x.org>", 0, "Foo, Bar", "fb@x.org", "a comma in a quoted name"},
	{"Ren\xc3\xa9 \xe5\x90\x8d <r@x.org>", 0, "Ren\xc3\xa9 \xe5\x90\x8d", "r@x.org",
	 "raw UTF-8 is kept"},
	{"Ren\xe9 <r@x.org>", 0, "Ren\xc3\xa9", "r@x.org", "raw windows-1252 is decoded"},
	{"Colin Ian King\n <colin.king@canonical.com>", 0, "Colin Ian King",
	 "colin.king@canonical.com", "a continuation line"},
	{"Joe Bloggs joe@x.org", 0, "Joe Bloggs", "joe@x.org", "no brackets: the word with '@'"},
	{"Joe", -1, NULL, NULL, "no '@': no address"},
	{"Joe <joe>", -1, NULL, NULL, "an address without '@' is not one"},
	{"", -1, NULL, NULL, "empty"},
	{"<>", -1, NULL, NULL, "empty brackets"},
};
/* clang-format on */

static void test_parse_address(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(address_cases); i++) {
		const char *v = address_cases[i].value, *why = address_cases[i].why;
		char *name = NULL, *addr = NULL;
		int ret = message_parse_address(v, strlen(v), &name, &addr);

		if (ret != address_cases[i].ret)
			fail_msg("case %zu (%s): returned %d", i, why, ret);
		if (ret < 0) {
			assert_null(name);
			assert_null(addr);
			continue;
		}
		check_field(name, address_cases[i].name, "name", i, why);
		check_field(addr, address_cases[i].addr, "addr", i, why);
		free(name);
		free(addr);
	}
}

/* The value is not NUL-terminated: only `len` bytes are read. */
static void test_parse_address_len(void **state)
{
	const char value[] = "Ann <ann@x.org>Bob <bob@x.org>";
	char *name, *addr;

	(void)state;
	assert_int_equal(message_parse_address(value, 15, &name, &addr), 0);
	assert_string_equal(name, "Ann");
	assert_string_equal(addr, "ann@x.org");
	free(name);
	free(addr);
}

/* ---- hostile input --------------------------------------------------------- */

static double now(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

/* `levels` multiparts, one in the other, a text/plain at the bottom. */
static void nested_multipart(struct buf *raw, int levels)
{
	int i;

	buf_addstr(raw, "Subject: deep\nMIME-Version: 1.0\n");
	for (i = 0; i < levels; i++)
		buf_addf(raw, "Content-Type: multipart/mixed; boundary=\"b%d\"\n\n--b%d\n", i, i);
	buf_addstr(raw, "Content-Type: text/plain\n\ndeep body\n");
	for (i = levels - 1; i >= 0; i--)
		buf_addf(raw, "--b%d--\n", i);
}

/*
 * A NUL, a lone CR, a CR LF and an invalid byte at every place of a body
 * longer than the 32 and 8 bytes the body scan tests at once: each is
 * found wherever it falls in those blocks.
 */
static void test_body_each_place(void **state)
{
	static const struct {
		const char *in, *out;
		size_t in_len;
	} specials[] = {
		/* clang-format off */
		{"\0", "\xef\xbf\xbd", 1},
		{"\r", "\r", 1},
		{"\r\n", "\n", 2},
		{"\xff", "\xef\xbf\xbd", 1},
		{"\xc3\xa9", "\xc3\xa9", 2},
		/* clang-format on */
	};
	static const char text[] =
	    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.,";
	size_t k, at, len = sizeof(text) - 1;

	(void)state;
	for (k = 0; k < ARRAY_SIZE(specials); k++) {
		for (at = 0; at <= len; at++) {
			struct buf raw = BUF_INIT, want = BUF_INIT;
			struct message *m;

			buf_addstr(&raw, "Subject: x\n\n");
			buf_add(&raw, text, at);
			buf_add(&raw, specials[k].in, specials[k].in_len);
			buf_add(&raw, text + at, len - at);
			buf_add(&want, text, at);
			if (!(at == len && !strcmp(specials[k].in, "\r")))
				buf_addstr(&want, specials[k].out); /* CRs at the end go */
			buf_add(&want, text + at, len - at);
			m = parse(raw.data, raw.len, "a special byte in a long body");
			if (m->body_len != want.len || memcmp(m->body, want.data, want.len))
				fail_msg("special %zu at %zu: got '%s'", k, at, m->body);
			message_free(m);
			buf_release(&raw);
			buf_release(&want);
		}
	}
}

static void test_nested_shallow(void **state)
{
	struct buf raw = BUF_INIT;
	struct message *m;

	(void)state;
	nested_multipart(&raw, 20);
	m = parse(raw.data, raw.len, "20 nested multiparts");
	assert_string_equal(m->body, "deep body");
	message_free(m);
	buf_release(&raw);
}

static void test_nested_deep(void **state)
{
	struct buf raw = BUF_INIT;
	struct message *m;
	double t;

	(void)state;
	nested_multipart(&raw, 10000);
	t = now();
	m = parse(raw.data, raw.len, "10,000 nested multiparts");
	t = now() - t;
	/* deeper than MESSAGE_MAX_DEPTH (64): not looked into */
	assert_string_equal(m->body, "");
	assert_string_equal(m->subject, "deep");
	if (t > 20)
		fail_msg("10,000 nested multiparts took %.1f s", t);
	message_free(m);
	buf_release(&raw);
}

static void test_huge_headers(void **state)
{
	struct buf raw = BUF_INIT;
	struct message *m;
	size_t i;

	(void)state;
	buf_addstr(&raw, "Subject: ");
	for (i = 0; i < 1024 * 1024; i++)
		buf_addch(&raw, 'a' + i % 26);
	buf_addstr(&raw, "\nTo: ");
	for (i = 0; i < 50000; i++)
		buf_addf(&raw, "u%zu@x.org,\n ", i);
	buf_addstr(&raw, "last@x.org\nReferences:");
	for (i = 0; i < 20000; i++)
		buf_addf(&raw, "\n <r%zu@x.org>", i);
	buf_addstr(&raw, "\nFrom: a@b.c\n\nbody\n");
	m = parse(raw.data, raw.len, "1 MB Subject, huge To and References");
	assert_int_equal(strlen(m->subject), 1024 * 1024);
	assert_string_equal(m->from_addr, "a@b.c");
	assert_string_equal(m->body, "body\n");
	assert_true(strncmp(m->references, "<r0@x.org> <r1@x.org>", 21) == 0);
	message_free(m);
	buf_release(&raw);
}

/*
 * The cap on encoded words (message.c MESSAGE_MAX_ENCODED_WORD, 1024 bytes,
 * docs/limits.md): an encoded word of `text_len` bytes of text, then
 * `after` in the same header block.  A word whose text is longer than the
 * cap, in a block that goes on past the cap, is shown as written with its
 * encoding letter read as 'X'; a shorter one GMime decodes.  Without the
 * cap GMime decodes all of them (and takes quadratic time on "=?a?B?A"
 * repeated, which hostile.sh times).
 */
static const struct {
	size_t text_len;
	const char *after;
	int decoded;
	const char *why;
} encoded_word_cases[] = {
    {1000, " tail\nTo: x@y.z\n", 1, "1000 bytes from start to end: decoded"},
    {1100, " tail\nTo: x@y.z\n", 0, "1100 bytes, the block goes on: not decoded, X"},
    {1023, " tail\nTo: x@y.z\n", 1, "1024 bytes from the third '?' to the '?' of '?=': decoded"},
    {1024, " tail\nTo: x@y.z\n", 0, "1025 bytes from '?' to '?', one past the cap: not decoded"},
    {1000, "", 1, "at the end of the block: decoded"},
    {3000, " tail\nX-Junk: " /* then 1100 bytes of junk */, 0,
     "3000 bytes, junk after: not decoded"},
};

static void test_encoded_word_cap(void **state)
{
	size_t i, j;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(encoded_word_cases); i++) {
		struct buf raw = BUF_INIT, want = BUF_INIT, text = BUF_INIT;
		struct message *m;

		for (j = 0; j < encoded_word_cases[i].text_len; j++)
			buf_addch(&text, 'a' + j % 26);
		buf_addf(&raw, "Subject: =?UTF-8?Q?%s?=%s", text.data, encoded_word_cases[i].after);
		if (strstr(encoded_word_cases[i].after, "X-Junk"))
			for (j = 0; j < 1100; j++)
				buf_addch(&raw, 'j');
		buf_addstr(&raw, "\n\nbody\n");
		if (encoded_word_cases[i].decoded)
			buf_addstr(&want, text.data);
		else
			buf_addf(&want, "=?UTF-8?X?%s?=", text.data);
		if (*encoded_word_cases[i].after)
			buf_addstr(&want, " tail");
		m = parse(raw.data, raw.len, encoded_word_cases[i].why);
		if (strcmp(m->subject, want.data))
			fail_msg("case %zu (%s): subject '%.40s...' (%zu bytes), want '%.40s...' "
				 "(%zu bytes)",
				 i, encoded_word_cases[i].why, m->subject, strlen(m->subject),
				 want.data, want.len);
		message_free(m);
		buf_release(&raw);
		buf_release(&want);
		buf_release(&text);
	}
}

/* Every prefix of a MIME mail, and some bytes flipped: never a crash. */
static void test_truncations(void **state)
{
	const char *mail =
	    "From: \"A (B)\" <a@b.c>\nSubject: =?UTF-8?B?SGVsbG8=?= =?UTF-8?B?IHdvcmxk?=\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\n\npro\n--b\n"
	    "Content-Type: text/plain; charset=iso-2022-jp\n"
	    "Content-Transfer-Encoding: base64\n\nGyRCJDMkcyRLJEEkTxsoQgo=\n"
	    "--b\nContent-Type: text/plain; charset=utf-8\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n=C3=A9=\n=\n--b--\n";
	size_t len = strlen(mail), i;
	char *copy = xmemdupz(mail, len);
	struct message *m;

	(void)state;
	for (i = 0; i <= len; i++) {
		char *prefix = xmemdupz(mail, i); /* no NUL past the end for ASan to see */

		message_free(parse(prefix, i, "a prefix"));
		free(prefix);
	}
	for (i = 0; i < len; i++) {
		char saved = copy[i];

		copy[i] = (char)(i % 3 == 0 ? 0 : i % 3 == 1 ? 0xff : '\n');
		message_free(parse(copy, len, "a flipped byte"));
		copy[i] = saved;
	}
	m = parse(copy, len, "the whole mail");
	assert_string_equal(m->subject, "Hello world");
	assert_string_equal(m->from_name, "A (B)");
	assert_string_equal(m->body,
			    "\xe3\x81\x93\xe3\x82\x93\xe3\x81\xab\xe3\x81\xa1\xe3\x81\xaf\n");
	message_free(m);
	free(copy);
}

/* ---- real mail (kvm-ppc archive) ------------------------------------------ */

static char *read_mail(const char *name, size_t *len)
{
	const char *dir = getenv("MLDIGEST_TEST_DATA");
	struct buf path = BUF_INIT, data = BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f;

	buf_addf(&path, "%s/mail/%s", dir && *dir ? dir : "tests/data", name);
	if (!(f = fopen(path.data, "rb")))
		fail_msg("cannot open '%s' (set MLDIGEST_TEST_DATA to tests/data)", path.data);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&data, chunk, n);
	fclose(f);
	buf_release(&path);
	return buf_detach(&data, len);
}

/* clang-format off */
static const struct {
	const char *file;
	const char *subject, *from_name, *from_addr, *message_id, *in_reply_to;
	int64_t date;
	const char *body_start, *body_has;
	size_t body_len;
	const char *why;
} real_cases[] = {
	/* kvm-ppc f9cba248ef1e1624aea37959589249b2862dc4c1 */
	{"patch-inbody-from.eml",
	 "[PATCH][next] KVM: PPC: Book3S HV: XIVE: fix spelling mistake \"acessing\" -> "
	 "\"accessing\"",
	 "Colin King", "colin.king@canonical.com",
	 "20190502102313.25093-1-colin.king@canonical.com",
	 "", 1556792593, "From: Colin Ian King <colin.king@canonical.com>\n\nThere is a",
	 "-- \n2.20.1\n", 814, "a git send-email patch with an in-body From: line"},
	/* kvm-ppc 4b51b3fd80c50b1b5ea46eda070776878065f07d */
	{"signed-latin1-qp.eml",
	 "Re: [PATCH 0/3] KVM: PPC: Book3S HV: XIVE: assorted fixes on vCPU and RAM limits",
	 "David Gibson", "david@gibson.dropbear.id.au", "20190522233043.GO30423@umbus.fritz.box",
	 "20190520071514.9308-1-clg@kaod.org", 1558567843,
	 "On Mon, May 20, 2019 at 09:15:11AM +0200, C\xc3\xa9" "dric Le Goater wrote:\n",
	 "> C\xc3\xa9" "dric Le Goater (3):\n", 1030,
	 "multipart/signed, quoted-printable ISO-8859-1"},
	/* kvm-ppc f620f3fddf47b27a91e6315d0ab748d91b95c68d */
	{"cyrillic-base64.eml",
	 "\xd0\x9f\xd0\xbe\xd1\x82\xd0\xb2\xd1\x80\xd0\xb4\xd0\xb5\xd1\x82\xd0\xb5 "
	 "\xd0\xb3\xd0\xbe "
	 "\xd0\xb2\xd0\xb0\xd1\x88\xd0\xb8\xd0\xbe\xd1\x82 \xd0\xbf\xd1\x80\xd0\xbe\xd1\x84\xd0\xb8"
	 "\xd0\xbb \xd0\xbd\xd0\xb0 "
	 "\xd0\xa1\xd0\xbb\xd0\xbe\xd0\xb1\xd0\xbe\xd0\xb4\xd0\xb5\xd0\xbd "
	 "\xd0\x9f\xd1\x80\xd0\xb8\xd1\x81\xd1\x82\xd0\xb0\xd0\xbf",
	 "\xd0\xa1\xd0\xbb\xd0\xbe\xd0\xb1\xd0\xbe\xd0\xb4\xd0\xb5\xd0\xbd "
	 "\xd0\x9f\xd1\x80\xd0\xb8\xd1\x81\xd1\x82\xd0\xb0\xd0\xbf",
	 "imateli@slobodenpristap.mk", "620f47ca65704_639192594239544@slobodenpristap.mail", "",
	 1645168586, "\xe2\x9d\xa4\xef\xb8\x8f Vanessa is interested",
	 "\xd0\xa1\xd0\xbe \xd0\xbf\xd0\xbe\xd1\x87\xd0\xb8\xd1\x82,\n", 736,
	 "Q-encoded subject over 5 lines, padded B words in From, base64 UTF-8 body"},
	/* kvm-ppc c74930d3c41c73b63e57babe90ee0a2f502ec813 */
	{"iso-2022-jp.eml",
	 "\xe3\x81\x8a\xe5\x95\x8f\xe3\x81\x84\xe5\x90\x88\xe3\x82\x8f\xe3\x81\x9b\xe5\x8f\x97"
	 "\xe4\xbb\x98\xe3\x81\xae\xe3\x81\x8a\xe7\x9f\xa5\xe3\x82\x89\xe3\x81\x9b",
	 "Visionary Life", "takumanatee.1227@gmail.com",
	 "20211213002739.5DB921009B826@www145.conoha.ne.jp", "", 1639355259, "\n?? Amber",
	 "Visionary Life \xe3\x81\xb8\xe3\x81\x8a\xe5\x95\x8f\xe3\x81\x84\xe5\x90\x88\xe3\x82\x8f"
	 "\xe3\x81\x9b",
	 686, "ISO-2022-JP subject (padded B words) and 7bit body"},
	/* kvm-ppc 54d6c143e4aaf42bc666c9bc855ed4ca0d355403 */
	{"alternative-qp.eml", "November Equity Investment 20-20", "JOHN PHIL",
	 "gerradfinancialplanning@gmail.com", "ir-y$g5-ifk46xo1z0@7eq9ew", "", 1604107305,
	 "How are you doing today I have a proposal which i think may interest you and benefit",
	 "\nThanks.\n\nJohn PHIL\n", 199,
	 "multipart/alternative with one quoted-printable part, a two-digit year"},
};
/* clang-format on */

static void test_real_mail(void **state)
{
	size_t i, len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(real_cases); i++) {
		const char *why = real_cases[i].why;
		char *raw = read_mail(real_cases[i].file, &len);
		struct message *m = parse(raw, len, why);

		check_field(m->subject, real_cases[i].subject, "subject", i, why);
		check_field(m->from_name, real_cases[i].from_name, "from_name", i, why);
		check_field(m->from_addr, real_cases[i].from_addr, "from_addr", i, why);
		check_field(m->message_id, real_cases[i].message_id, "message_id", i, why);
		check_field(m->in_reply_to, real_cases[i].in_reply_to, "in_reply_to", i, why);
		check_field(m->list_id, "<kvm-ppc.vger.kernel.org>", "list_id", i, why);
		if (m->date != real_cases[i].date)
			fail_msg("case %zu (%s): date %lld", i, why, (long long)m->date);
		if (strncmp(m->body, real_cases[i].body_start, strlen(real_cases[i].body_start)))
			fail_msg("case %zu (%s): body starts '%.80s'", i, why, m->body);
		if (!strstr(m->body, real_cases[i].body_has))
			fail_msg("case %zu (%s): body lacks '%s'", i, why, real_cases[i].body_has);
		if (m->body_len != real_cases[i].body_len)
			fail_msg("case %zu (%s): body_len %zu", i, why, m->body_len);
		if (strchr(m->body, '\r'))
			fail_msg("case %zu (%s): CR in the body", i, why);
		message_free(m);
		free(raw);
	}
}

static int setup(void **state)
{
	(void)state;
	message_library_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	message_library_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_body),
	    cmocka_unit_test(test_headers),
	    cmocka_unit_test(test_date),
	    cmocka_unit_test(test_date_agreement),
	    cmocka_unit_test(test_date_rfc5322),
	    cmocka_unit_test(test_parse_address),
	    cmocka_unit_test(test_parse_address_len),
	    cmocka_unit_test(test_body_each_place),
	    cmocka_unit_test(test_nested_shallow),
	    cmocka_unit_test(test_nested_deep),
	    cmocka_unit_test(test_huge_headers),
	    cmocka_unit_test(test_encoded_word_cap),
	    cmocka_unit_test(test_truncations),
	    cmocka_unit_test(test_real_mail),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
