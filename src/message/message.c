/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One parsed mail: SPEC "Reading a message", rules 1 and 2.  GMime 3 does
 * the MIME work; this file is the only one that includes gmime.h, and every
 * string it hands out is copied into our own malloc'd memory, valid UTF-8.
 *
 * Decisions (each one has a vector in tests/unit/test_message.c):
 *
 * - Speed: before GMime sees the mail, the top-level header block is cut
 *   down to the fields we read (kept_headers[]); Received:, DKIM, To:, Cc:
 *   and the like are never turned into GMime objects.  Only well-formed
 *   fields are dropped; at the first line that is not one, the rest of the
 *   mail goes to GMime as it is.  An mbox "From " line at the very start is
 *   skipped; a mail whose first line is not a header field has no headers
 *   (all of it is the body).  At most MESSAGE_MAX_SIZE bytes are read.
 * - Headers: the first occurrence of each field counts.  Subject and
 *   List-Id are unfolded and RFC 2047-decoded by GMime in loose mode
 *   (encoded words inside words, unknown charsets, raw 8-bit text tried as
 *   UTF-8, then windows-1252, then ISO-8859-1).  GMime 3.2.13 loses the text
 *   after a padded B-encoded word that is followed by another one in the same
 *   charset (gmime issue #133); rfc2047_unpad() rewrites such headers first.
 *   Message-ID, In-Reply-To and References are read from the raw value.
 * - Hostile mail (docs/limits.md): the work is linear in the mail's size.
 *   GMime's RFC 2047 decoder is not: for each encoded-word start without
 *   its "?=" it searches the rest of the value.  So a start with no "?="
 *   within MESSAGE_MAX_ENCODED_WORD bytes, in a value that goes on past
 *   them, is made plain text first (rfc2047_defuse): in the top-level header
 *   block, in what may be a MIME part's header block (after a line starting
 *   "--"), and in an in-body From: value.
 * - From: the first mailbox (groups are looked into), its name without
 *   quotes, white space runs made one space.  Comments around the phrase
 *   stay in the name, as git mailinfo keeps them (GMime drops them):
 *   `Aneesh Kumar K.V (IBM) <a@k.org>` is named "Aneesh Kumar K.V (IBM)",
 *   `a@k.org (Aneesh)` "Aneesh".  When GMime finds no mailbox,
 *   address_guess() keeps what can be had: an address is `<...>` holding
 *   '@', or a word holding '@'; without one the whole value is the name and
 *   the address is "".  message_parse_address() wants an '@'.
 * - Body (rule 2): depth-first, the first text/plain part that is not
 *   Content-Disposition: attachment.  A message without multipart (or with
 *   no Content-Type, or a Content-Type without '/', which RFC 2045 reads as
 *   text/plain) is its body when text/plain, whatever its disposition; a
 *   single text/html or other part gives "".  message/rfc822 parts are not
 *   looked into (git am does not either).  Multiparts deeper than
 *   MESSAGE_MAX_DEPTH are not looked into (GMime itself stops nesting at
 *   1024 levels).  A top-level multipart in which GMime found no part at all
 *   (no boundary parameter, or a boundary that never comes) is read as its
 *   text: the body is everything after the headers.
 * - Charsets: none, us-ascii and utf-8 are read as UTF-8 (many mailers say
 *   us-ascii and send UTF-8); iso-8859-1 and windows-1252 as windows-1252,
 *   as browsers do (bytes 0x80-0x9F are never C1 controls in mail); any
 *   other through iconv, each byte iconv cannot read becoming U+FFFD; a
 *   charset iconv does not know is read as UTF-8.  Then every byte sequence
 *   that is not valid UTF-8 becomes one U+FFFD per maximal invalid subpart
 *   (Unicode 15, 3.9), and so does a NUL byte, so strlen(body) == body_len.
 * - Line ends: CR LF and any run of CRs before LF become LF; CRs at the very
 *   end are dropped; a CR inside a line is kept (it is a control character,
 *   dropped when printed).
 */
#include "message/message.h"

#include <assert.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include <gmime/gmime.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"

/* Multiparts nested deeper than this are not searched for the body. */
#define MESSAGE_MAX_DEPTH 64
/* Only this much of a mail is read (GMime's buffers count in guint). */
#define MESSAGE_MAX_SIZE ((size_t)1 << 30)
/*
 * An encoded word whose "?=" is further than this from its "=?cs?B?" is not
 * one (rfc2047_defuse): RFC 2047 allows 75 characters; mailers that ignore
 * that still stay far below.
 */
#define MESSAGE_MAX_ENCODED_WORD 1024

static GMimeParserOptions *parser_options;

/* ---- UTF-8 ---------------------------------------------------------- */

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

static void utf8_add_codepoint(struct buf *out, unsigned cp)
{
	char s[4];
	size_t n;

	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | cp >> 6);
		s[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else {
		s[0] = (char)(0xe0 | cp >> 12);
		s[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	}
	buf_add(out, s, n);
}

/*
 * Length of the valid UTF-8 sequence at s (n > 0, s[0] >= 0x80), or 0 when
 * it is invalid; then *bad is the length of its maximal invalid subpart
 * (Unicode 15, table 3-7), at least 1.
 */
static size_t utf8_sequence(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t need, i;

	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need;
}

#define ALL_BYTES(b) (UINT64_C(0x0101010101010101) * (b))

/* Has the 0x80 bit of some byte set iff some byte of w is zero. */
static uint64_t has_zero_byte(uint64_t w)
{
	return (w - ALL_BYTES(1)) & ~w;
}

/*
 * s[0..32) holds no NUL, CR or byte >= 0x80: SSE2 (every x86-64) compares
 * 16 bytes at once, else one test for four words.
 */
#if defined(__SSE2__)
static bool plain_ascii32(const unsigned char *s)
{
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + 16));
	__m128i zero = _mm_setzero_si128(), cr = _mm_set1_epi8('\r');
	__m128i nul = _mm_or_si128(_mm_cmpeq_epi8(a, zero), _mm_cmpeq_epi8(b, zero));
	__m128i crs = _mm_or_si128(_mm_cmpeq_epi8(a, cr), _mm_cmpeq_epi8(b, cr));

	/* the high bit of each byte: set by a match, or by the byte itself */
	return !_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(a, b), _mm_or_si128(nul, crs)));
}
#else
static bool plain_ascii32(const unsigned char *s)
{
	uint64_t w[4], m = 0;
	int k;

	memcpy(w, s, sizeof(w));
	for (k = 0; k < 4; k++)
		m |= w[k] | has_zero_byte(w[k]) | has_zero_byte(w[k] ^ ALL_BYTES(0x0d));
	return !(m & ALL_BYTES(0x80));
}
#endif

/*
 * Appends s[0..n) as valid UTF-8: NUL and each maximal invalid subpart
 * become U+FFFD.  With `lines`, CR LF (any run of CRs before LF) becomes LF
 * and CRs at the end are dropped.
 */
static void utf8_append(struct buf *out, const char *str, size_t n, bool lines)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0, len, bad, j;

	if (!n)
		return; /* str may be NULL (GMime's empty byte array): no s + 0 */
	buf_grow(out, n);
	while (i < n) {
		unsigned char c = s[i];
		uint64_t w;

		/* 32, then 8 bytes at a time while there is no NUL, CR or byte >= 0x80 */
		if (n - i >= 32 && plain_ascii32(s + i)) {
			for (i += 32; n - i >= 32 && plain_ascii32(s + i); i += 32)
				;
			continue;
		}
		if (n - i >= 8) {
			memcpy(&w, s + i, 8);
			if (!((w | has_zero_byte(w) | has_zero_byte(w ^ ALL_BYTES(0x0d))) &
			      ALL_BYTES(0x80))) {
				i += 8;
				continue;
			}
		}
		if (c == 0) {
			buf_add(out, s + start, i - start);
			buf_add(out, replacement, 3);
			start = ++i;
			continue;
		}
		if (c == '\r' && lines) {
			for (j = i; j < n && s[j] == '\r'; j++)
				;
			if (j == n || s[j] == '\n') {
				buf_add(out, s + start, i - start);
				start = i = j;
			} else {
				i = j;
			}
			continue;
		}
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((len = utf8_sequence(s + i, n - i, &bad))) {
			i += len;
			continue;
		}
		buf_add(out, s + start, i - start);
		buf_add(out, replacement, 3);
		start = i += bad;
	}
	buf_add(out, s + start, n - start);
}

/* A malloc'd valid UTF-8 copy of s; NULL gives "". */
static char *utf8_dup(const char *s)
{
	struct buf b = BUF_INIT;

	if (s)
		utf8_append(&b, s, strlen(s), false);
	return buf_detach(&b, NULL);
}

/* ---- charsets -------------------------------------------------------- */

enum charset_kind {
	CHARSET_UTF8,	/* none, UTF-8, US-ASCII: read as UTF-8 */
	CHARSET_CP1252, /* ISO-8859-1 and windows-1252 */
	CHARSET_ICONV,	/* anything else */
};

static bool name_in(const char *name, const char *const *list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (!g_ascii_strcasecmp(name, list[i]))
			return true;
	return false;
}

static enum charset_kind charset_classify(const char *charset)
{
	/* clang-format off */
	static const char *const utf8[] = {
		"utf-8", "utf8", "us-ascii", "ascii", "us", "ansi_x3.4-1968", "iso646-us",
	};
	static const char *const cp1252[] = {
		"iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1", "latin-1",
		"l1", "cp819", "ibm819", "iso-ir-100", "windows-1252", "cp1252", "x-cp1252",
		"windows1252",
	};
	/* clang-format on */

	if (!charset || !*charset || name_in(charset, utf8, G_N_ELEMENTS(utf8)))
		return CHARSET_UTF8;
	if (name_in(charset, cp1252, G_N_ELEMENTS(cp1252)))
		return CHARSET_CP1252;
	return CHARSET_ICONV;
}

/* windows-1252 0x80-0x9F as WHATWG maps them (the five holes stay C1). */
/* clang-format off */
static const unsigned short cp1252_high[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};
/* clang-format on */

static void cp1252_append(struct buf *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, start = 0;

	if (!n)
		return; /* str may be NULL (GMime's empty byte array): no s + 0 */
	buf_grow(out, n + n / 2);
	for (i = 0; i < n; i++) {
		if (s[i] < 0x80)
			continue;
		buf_add(out, s + start, i - start);
		utf8_add_codepoint(out, s[i] < 0xa0 ? cp1252_high[s[i] - 0x80] : s[i]);
		start = i + 1;
	}
	buf_add(out, s + start, n - start);
}

/*
 * Converts s[0..n) from `charset` to UTF-8 with iconv, appending to out;
 * each byte iconv cannot convert becomes U+FFFD.  Returns -1 (out
 * untouched) when iconv does not know the charset.
 */
static int iconv_append(struct buf *out, const char *charset, const char *s, size_t n)
{
	char *in = (char *)s, *outp;
	size_t inleft = n, outleft, r;
	iconv_t cd;

	if ((cd = g_mime_iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return -1;
	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		buf_grow(out, inleft * 2 + 16);
		outp = out->data + out->len;
		outleft = out->alloc - out->len - 1;
		r = iconv(cd, &in, &inleft, &outp, &outleft);
		out->len = (size_t)(outp - out->data);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		buf_add(out, replacement, 3);
		if (errno == EINVAL) /* a sequence cut by the end of the text */
			break;
		in++; /* EILSEQ: skip one byte and go on */
		inleft--;
	}
	buf_grow(out, 16);
	outp = out->data + out->len;
	outleft = out->alloc - out->len - 1;
	iconv(cd, NULL, NULL, &outp, &outleft); /* back to the initial shift state */
	out->len = (size_t)(outp - out->data);
	out->data[out->len] = '\0';
	g_mime_iconv_close(cd);
	return 0;
}

/* Appends text in `charset` to out as UTF-8 with LF line ends (see top). */
static void text_append(struct buf *out, const char *charset, const char *s, size_t n)
{
	struct buf tmp = BUF_INIT;
	enum charset_kind kind = charset_classify(charset);

	if (kind == CHARSET_CP1252)
		cp1252_append(&tmp, s, n);
	else if (kind == CHARSET_ICONV && iconv_append(&tmp, charset, s, n) < 0)
		kind = CHARSET_UTF8;
	if (kind == CHARSET_UTF8) {
		utf8_append(out, s, n, true);
	} else {
		utf8_append(out, tmp.data, tmp.len, true);
		buf_release(&tmp);
	}
}

/* ---- the header block ------------------------------------------------- */

/* The top-level fields GMime gets to see; Content-* are kept as well. */
/* clang-format off */
#define KEPT(name) {name, sizeof(name) - 1}
static const struct {
	const char *name;
	size_t len;
} kept_headers[] = {
	KEPT("From"), KEPT("Subject"), KEPT("Date"), KEPT("Message-ID"), KEPT("In-Reply-To"),
	KEPT("References"), KEPT("List-Id"), KEPT("MIME-Version"), KEPT("X-Original-From"),
	KEPT("Reply-To"),
};
#undef KEPT
/* clang-format on */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* s[0..n) and t[0..n) are equal, ASCII case ignored (n bytes, no NUL in t). */
static bool same_nocase(const char *s, const char *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char a = s[i], b = t[i];

		if (a >= 'A' && a <= 'Z')
			a = (char)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (char)(b + 32);
		if (a != b)
			return false;
	}
	return true;
}

/* RFC 5322 ftext: printable ASCII but the colon. */
static bool is_field_name_char(char c)
{
	return c > ' ' && c < 0x7f && c != ':';
}

/*
 * The length of the run of field-name characters at p[0..n): 16 bytes at a
 * time with SSE2 (a busy list's mail has some 70 header lines each, most of
 * them dropped, every name looked at).
 */
static size_t field_name_length(const char *p, size_t n)
{
	size_t i = 0;

#if defined(__SSE2__)
	while (n - i >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		/* signed: below '!' is a control, the space, or a byte >= 0x80 */
		__m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8('!')),
					   _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)),
							_mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
		unsigned mask = (unsigned)_mm_movemask_epi8(bad);

		if (mask)
			return i + (size_t)__builtin_ctz(mask);
		i += 16;
	}
#endif
	while (i < n && is_field_name_char(p[i]))
		i++;
	return i;
}

/*
 * Every field of every mail is looked up here: the first letter, which
 * rules out most fields (Received, DKIM-Signature, X-..., To), then the
 * length, are looked at before any comparison (and no call is made for
 * them: a million fields a year of a busy list).
 */
static bool header_is_kept(const char *name, size_t len)
{
	size_t i;
	char c;

	if (!len)
		return false;
	c = (char)(name[0] >= 'A' && name[0] <= 'Z' ? name[0] + 32 : name[0]);
	if (c != 'c' && c != 'd' && c != 'f' && c != 'i' && c != 'l' && c != 'm' && c != 'r' &&
	    c != 's' && c != 'x')
		return false;
	if (c == 'c')
		return len >= 8 && same_nocase(name, "Content-", 8);
	for (i = 0; i < G_N_ELEMENTS(kept_headers); i++)
		if (kept_headers[i].len == len && (kept_headers[i].name[0] | 0x20) == c &&
		    same_nocase(name, kept_headers[i].name, len))
			return true;
	return false;
}

/*
 * The first "ab" in s[0..n), or NULL (memmem() is not in C11 or POSIX); a
 * or b is '?', the one looked for: in mail it is far rarer than '=' (the
 * newest 1,000 messages of kvm-ppc: 10,395 against 70,405, the patches'
 * code), and looking for '=' called memchr() about 100 times a message.
 */
static const char *find_pair(const char *s, size_t n, char a, char b)
{
	const char *p;

	assert(a == '?' || b == '?');
	if (b == '?') {
		while (n >= 2 && (p = memchr(s + 1, '?', n - 1))) {
			if (p[-1] == a)
				return p - 1;
			n -= (size_t)(p - s);
			s = p;
		}
		return NULL;
	}
	while (n >= 2 && (p = memchr(s, '?', n - 1))) {
		if (p[1] == b)
			return p;
		n -= (size_t)(p + 1 - s);
		s = p + 1;
	}
	return NULL;
}

/*
 * GMime 3.2.13's RFC 2047 decoder (header text, phrases, parameter values,
 * in loose mode) looks for the "?=" of each encoded-word start "=?cs?B?" or
 * "=?cs?Q?" up to the end of the value: "=?a?B?A" repeated over 1 MB takes
 * minutes.  So in s[0..n), a header block, every such start whose "?=" is not
 * within MESSAGE_MAX_ENCODED_WORD bytes, in a block that goes on past them,
 * is made plain text by changing its encoding letter to 'X' (an encoding
 * GMime does not know, so it copies the word as it is).  Short values keep
 * an unterminated word as GMime reads it.  Linear: the next "?=" is found
 * once for all the starts before it.
 */
static void rfc2047_defuse(char *s, size_t n)
{
	size_t i = 0, q, text, close = 0;
	bool found = false, none = false; /* `close`: the first "?=" at or after a start's '?' */

	while (i + 1 < n) {
		const char *p = find_pair(s + i, n - i, '=', '?');

		if (!p)
			break;
		i = (size_t)(p - s) + 2;
		for (q = i; q < n && s[q] != '?' && !is_space(s[q]); q++)
			;
		if (q == i || q + 2 >= n || s[q] != '?' || s[q + 2] != '?' ||
		    !strchr("BbQq", s[q + 1]))
			continue;
		text = q + 2; /* "=?cs?B?=" is an empty word */
		if (n - text <= MESSAGE_MAX_ENCODED_WORD)
			break; /* this start and every later one is near the end */
		if (!none && (!found || close < text)) {
			const char *c = find_pair(s + text, n - text, '?', '=');

			found = c != NULL;
			none = c == NULL;
			close = c ? (size_t)(c - s) : 0;
		}
		if (found && close - text <= MESSAGE_MAX_ENCODED_WORD)
			continue;
		s[q + 1] = 'X';
	}
}

/* The length of the header block at s[0..n): up to its empty line, or all. */
static size_t header_block_length(const char *s, size_t n)
{
	const char *p = s, *end = s + n, *nl;

	while (p < end) {
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n'))
			return (size_t)(p - s);
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	return n;
}

/*
 * Defuses (rfc2047_defuse) the header blocks of MIME parts in s[0..n): the
 * lines after each line that starts with "--" (a boundary, or what looks like
 * one) up to the next empty line.  Body text after a "-- " signature or a
 * "--- a/file" line is looked at too; only an encoded-word start without its
 * end can change there.
 */
static void part_headers_defuse(char *s, size_t n)
{
	size_t i = 0, len;
	char *nl;

	if (!find_pair(s, n, '=', '?'))
		return; /* no encoded-word start to defuse (most bodies) */
	while (i < n) {
		nl = memchr(s + i, '\n', n - i);
		if (!nl)
			break;
		if (n - i >= 2 && s[i] == '-' && s[i + 1] == '-') {
			i = (size_t)(nl - s) + 1;
			len = header_block_length(s + i, n - i);
			rfc2047_defuse(s + i, len);
			i += len;
			continue;
		}
		i = (size_t)(nl - s) + 1;
	}
}

/*
 * The bytes GMime parses: `raw` without a leading mbox "From " line and
 * without the top-level header fields we do not read.  A field is dropped
 * only when it is well formed (`name:` then continuation lines); at the
 * first line that is not, filtering stops and the rest is copied as it is,
 * so GMime decides about it exactly as it would have.  When the very first
 * line is not a field, the mail has no header block: an empty line is put
 * in front, so that all of it is the body (GMime would drop it).  Then the
 * header blocks, top-level and of what may be MIME parts, are defused
 * (rfc2047_defuse).  *well_formed is set when every line of the header
 * block was a field (the block holds the kept fields only).
 */
struct filter_rest {
	const char *p, *end; /* what follows the kept fields: the empty line on */
	bool block_goes_on;  /* the header block goes on at p (not a field) */
};

static GByteArray *header_block_filter(const char *raw, size_t len, bool *well_formed,
				       struct filter_rest *rest)
{
	const char *p = raw, *end = raw + len, *nl, *next, *q, *nul;
	GByteArray *bytes = g_byte_array_sized_new(len + 2 < 8192 ? (guint)len + 2 : 8192);
	bool first = true, keep = false, no_headers = false, block_goes_on = false;

	if (len >= 5 && !memcmp(p, "From ", 5)) {
		nl = memchr(p, '\n', len);
		p = nl ? nl + 1 : end;
	}
	nul = memchr(p, '\0', (size_t)(end - p)); /* the first NUL, looked for once */
	for (; p < end; p = next, first = false) {
		nl = memchr(p, '\n', (size_t)(end - p));
		next = nl ? nl + 1 : end;
		if (*p == '\n' || (*p == '\r' && next - p == 2))
			break; /* the empty line after the headers */
		if (nul && nul < next) {
			block_goes_on = true;
			break;
		}
		if (*p != ' ' && *p != '\t') {
			q = p + field_name_length(p, (size_t)(next - p));
			keep = header_is_kept(p, (size_t)(q - p));
			while (q < next && (*q == ' ' || *q == '\t'))
				q++;
			if (q == p || q == next || *q != ':') {
				if (first)
					g_byte_array_append(bytes, (const guint8 *)"\n", 1);
				no_headers = first;
				block_goes_on = !first;
				break;
			}
		} else if (first) {
			g_byte_array_append(bytes, (const guint8 *)"\n", 1);
			no_headers = true;
			break;
		}
		if (keep)
			g_byte_array_append(bytes, (const guint8 *)p, (guint)(next - p));
	}
	if (!no_headers)
		rfc2047_defuse((char *)bytes->data, bytes->len);
	rest->p = p;
	rest->end = end;
	rest->block_goes_on = block_goes_on;
	*well_formed = !no_headers && !block_goes_on;
	return bytes;
}

/*
 * The second half of header_block_filter(): appends the rest of the mail
 * (its first `done` bytes are in `bytes` already), then defuses the rest of
 * the header block when it goes on, and what may be MIME parts' header
 * blocks.
 */
static void header_block_rest(GByteArray *bytes, const struct filter_rest *rest, size_t done)
{
	size_t start = bytes->len - done, n;

	g_byte_array_append(bytes, (const guint8 *)rest->p + done,
			    (guint)(rest->end - rest->p - done));
	if (rest->block_goes_on) { /* the rest of the header block, as it is */
		n = header_block_length((char *)bytes->data + start, bytes->len - start);
		rfc2047_defuse((char *)bytes->data + start, n);
		start += n;
	}
	part_headers_defuse((char *)bytes->data + start, bytes->len - start);
}

/* ---- header values ------------------------------------------------------ */

/*
 * Finds the next B-encoded word in p[0..s_end): sets *charset_end to its
 * second '?', *text and *text_end around its encoded text, and returns its
 * start, or NULL when there is none.  Lengths, not strstr(): under ASan,
 * strstr() and strchr() measure the whole string at each call.
 */
static const char *b_word_find(const char *p, const char *s_end, const char **charset_end,
			       const char **text, const char **text_end)
{
	const char *q, *end;

	while (p < s_end && (p = find_pair(p, (size_t)(s_end - p), '=', '?'))) {
		for (q = p + 2; q < s_end && *q != '?' && !is_space(*q); q++)
			;
		if (s_end - q < 3 || *q != '?' || q == p + 2 || (q[1] != 'B' && q[1] != 'b') ||
		    q[2] != '?') {
			p += 2;
			continue;
		}
		for (end = q + 3;
		     end < s_end && !(end[0] == '?' && end[1] == '=') && !is_space(*end); end++)
			;
		if (end == s_end || end[0] != '?') {
			/*
			 * No "?=" up to this space (or the end), so none for a word
			 * starting before it either: go on from here, not from p + 2,
			 * or "=?a?B?A" repeated takes quadratic time.
			 */
			p = end;
			continue;
		}
		*charset_end = q;
		*text = q + 3;
		*text_end = end;
		return p;
	}
	return NULL;
}

/*
 * GMime 3.2.13 decodes adjacent B-encoded words of one charset as one
 * base64 stream, so after a padded word ("=?UTF-8?B?SGVsbG8=?= =?UTF-8?B?
 * IHdvcmxk?=") the rest of the run is lost (gmime issue #133, fixed after
 * 3.2.13).  When s holds a B-encoded word with '=' in its text, this
 * returns a malloc'd copy with every B-encoded word rewritten as the same
 * bytes Q-encoded (which GMime joins correctly); otherwise NULL.
 */
static char *rfc2047_unpad(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *p, *charset_end, *text, *text_end, *s_end = s + strlen(s);
	struct buf out = BUF_INIT, bytes = BUF_INIT;
	size_t done = 0, i, n;
	int state;
	guint32 save;

	for (p = s; (p = b_word_find(p, s_end, &charset_end, &text, &text_end)); p = text_end + 2)
		if (memchr(text, '=', (size_t)(text_end - text)))
			break;
	if (!p)
		return NULL;
	for (p = s; (p = b_word_find(p, s_end, &charset_end, &text, &text_end)); p = text_end + 2) {
		buf_add(&out, s + done, (size_t)(charset_end - (s + done)));
		buf_add(&out, "?Q?", 3);
		buf_reset(&bytes);
		buf_grow(&bytes, (size_t)(text_end - text));
		state = 0;
		save = 0;
		n = g_mime_encoding_base64_decode_step((const unsigned char *)text,
						       (size_t)(text_end - text),
						       (unsigned char *)bytes.data, &state, &save);
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)bytes.data[i];
			char encoded[3] = {'=', hex[c >> 4], hex[c & 15]};

			buf_add(&out, encoded, 3);
		}
		buf_add(&out, "?=", 2);
		done = (size_t)(text_end + 2 - s);
	}
	buf_addstr(&out, s + done);
	buf_release(&bytes);
	return buf_detach(&out, NULL);
}

/* The fast path's switch (declared with it, below). */
int message_fast_path = 1;

/*
 * Printable ASCII and single spaces only, and no "=?": text that GMime's
 * RFC 2047 decoder (g_mime_utils_header_decode_text) gives back as it is,
 * so header_text() need not call it (cli-fastpath compares the two on
 * every test mail).  Tabs and runs of spaces are left to GMime.
 */
static bool text_is_plain_ascii(const char *s)
{
	for (; *s; s++) {
		if (*s < ' ' || *s >= 0x7f || (*s == ' ' && s[1] == ' ') ||
		    (*s == '=' && s[1] == '?'))
			return false;
	}
	return true;
}

/*
 * The header readers below take a field's raw value, as GMime's parser keeps
 * it (folded, NUL-terminated), or NULL when the field is absent: the same
 * value whether it came from GMime's header list or from the fast path
 * (header_fields_scan).
 */

/*
 * The field's unfolded, RFC 2047-decoded value, malloc'd ("" when none):
 * what g_mime_header_get_value() gives, decode_text(unfold(raw)).
 */
static char *header_unfolded(const char *raw);

static char *header_text(const char *raw)
{
	char *fixed, *unfolded, *decoded, *s;

	if (!raw)
		return xstrdup("");
	fixed = rfc2047_unpad(raw);
	unfolded = header_unfolded(fixed ? fixed : raw);
	if (message_fast_path && text_is_plain_ascii(unfolded)) {
		free(fixed);
		return unfolded; /* what decode_text gives for it */
	}
	decoded = g_mime_utils_header_decode_text(parser_options, unfolded);
	s = utf8_dup(decoded);
	g_free(decoded);
	free(unfolded);
	free(fixed);
	return s;
}

/*
 * The raw value unfolded, malloc'd, or NULL: what g_mime_utils_header_unfold()
 * gives, the value without the spaces, tabs, CRs and LFs at either end and
 * without its CRs and LFs.  On the fast path that is done here, in one
 * pass and one copy; cli-fastpath compares the two on every test mail.
 */
static char *header_unfolded(const char *raw)
{
	const char *s = raw, *end;
	char *unfolded, *copy, *out;

	if (!raw)
		return NULL;
	if (message_fast_path) {
		while (is_space(*s))
			s++;
		end = s + strlen(s);
		while (end > s && is_space(end[-1]))
			end--;
		if (!memchr(s, '\n', (size_t)(end - s)) && !memchr(s, '\r', (size_t)(end - s)))
			return xmemdupz(s, (size_t)(end - s)); /* one line (most are) */
		out = copy = xmalloc((size_t)(end - s) + 1);
		for (; s < end; s++)
			if (*s != '\r' && *s != '\n')
				*out++ = *s;
		*out = '\0';
		return copy;
	}
	unfolded = g_mime_utils_header_unfold(raw);
	copy = xstrdup(unfolded);
	g_free(unfolded);
	return copy;
}

static bool is_id_local_char(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	switch (c) {
	case '.':
	case '_':
	case '+':
	case '=':
	case '-':
	case '$':
	case '%':
	case '/':
		return true;
	default:
		return false;
	}
}

/*
 * The fast path's Message-ID: an unfolded value that is only `<local@domain>`,
 * its local part letters, digits and ._+=-$%/ and its domain letters, digits
 * and '-' in dot-separated labels (no empty one, no trailing dot: GMime
 * drops what follows those), gives `local@domain`, what
 * g_mime_utils_decode_message_id() and g_mime_references_parse() give for
 * it.  NULL (nothing allocated) for any other value.  cli-fastpath compares
 * the two ways on every test mail.
 */
static char *message_id_simple(const char *value)
{
	const char *p = value, *at;
	bool label = false;

	if (!message_fast_path || *p++ != '<' || !is_id_local_char(*p))
		return NULL;
	while (is_id_local_char(*p))
		p++;
	if (*p != '@')
		return NULL;
	at = p++;
	for (; *p && *p != '>'; p++) {
		if (*p == '.' && label)
			label = false;
		else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			 (*p >= '0' && *p <= '9') || *p == '-')
			label = true;
		else
			return NULL;
	}
	if (!label || *p != '>' || p[1] || p - at < 2)
		return NULL;
	return xmemdupz(value + 1, (size_t)(p - value - 1));
}

static char *message_id_read(const char *raw)
{
	char *value = header_unfolded(raw), *id, *s;

	if (!value)
		return xstrdup("");
	if ((s = message_id_simple(value))) {
		free(value);
		return s;
	}
	id = g_mime_utils_decode_message_id(value);
	s = utf8_dup(id);
	g_free(id);
	free(value);
	return s;
}

static char *in_reply_to_read(const char *raw)
{
	char *value = header_unfolded(raw), *s;
	GMimeReferences *refs;

	if (!value)
		return xstrdup("");
	if ((s = message_id_simple(value))) {
		free(value);
		return s;
	}
	refs = g_mime_references_parse(parser_options, value);
	if (refs && g_mime_references_length(refs) > 0) {
		s = utf8_dup(g_mime_references_get_message_id(refs, 0));
	} else {
		char *id = g_mime_utils_decode_message_id(value); /* a bare a@b */

		s = utf8_dup(id);
		g_free(id);
	}
	if (refs)
		g_mime_references_free(refs);
	free(value);
	return s;
}

static char *references_read(const char *raw)
{
	char *value = header_unfolded(raw), *s;
	const char *p;

	if (!value)
		return NULL;
	for (p = value; *p && !(*p & 0x80); p++) /* ASCII (most are): valid UTF-8 as it is */
		;
	if (!*p)
		return value;
	s = utf8_dup(value);
	free(value);
	return s;
}

/*
 * The Date, read by util/date.c, not GMime's parser: Maildir order and the
 * message's date then agree on every date (docs/QUIRKS.md, "Dates").
 */
static int64_t date_read(const char *raw)
{
	char *value = header_unfolded(raw);
	int64_t t = 0;

	if (!value)
		return 0;
	if (date_parse_rfc5322(value, strlen(value), &t) < 0)
		t = 0;
	free(value);
	return t;
}

/* ---- addresses --------------------------------------------------------- */

static InternetAddressMailbox *mailbox_first(InternetAddressList *list, int depth)
{
	InternetAddressMailbox *mailbox;
	InternetAddress *ia;
	int i, n;

	if (!list || depth > 1)
		return NULL;
	n = internet_address_list_length(list);
	for (i = 0; i < n; i++) {
		ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return (InternetAddressMailbox *)ia;
		if (INTERNET_ADDRESS_IS_GROUP(ia) &&
		    (mailbox = mailbox_first(
			 internet_address_group_get_members((InternetAddressGroup *)ia),
			 depth + 1)))
			return mailbox;
	}
	return NULL;
}

/* True when s[0..end) is one quoted string or one (nested) comment. */
static bool span_is_enclosed(const char *s, const char *end)
{
	const char *p;
	int depth = 0;

	if (end - s < 2 || !((*s == '"' && end[-1] == '"') || (*s == '(' && end[-1] == ')')))
		return false;
	for (p = s + 1; p < end - 1; p++) {
		if (*p == '\\') {
			p++;
		} else if (*s == '"') {
			if (*p == '"')
				return false;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth < 0) {
			return false;
		}
	}
	return p == end - 1 && depth == 0;
}

/* Trims white space, then a pair of quotes or parentheses around it all. */
static void span_trim(const char **s, const char **end)
{
	while (*s < *end && is_space(**s))
		(*s)++;
	while (*end > *s && is_space((*end)[-1]))
		(*end)--;
	if (span_is_enclosed(*s, *end)) {
		(*s)++;
		(*end)--;
		while (*s < *end && is_space(**s))
			(*s)++;
		while (*end > *s && is_space((*end)[-1]))
			(*end)--;
	}
}

/* A malloc'd valid UTF-8 copy of s[0..end). */
static char *span_dup(const char *s, const char *end)
{
	struct buf b = BUF_INIT;

	utf8_append(&b, s, (size_t)(end - s), false);
	return buf_detach(&b, NULL);
}

/*
 * A malloc'd copy of a display name: valid UTF-8, each run of white space
 * made one space (GMime keeps the line breaks of a folded phrase), trimmed.
 */
static char *name_dup(const char *s)
{
	struct buf b = BUF_INIT;
	size_t i, start;

	if (!s)
		return xstrdup("");
	while (is_space(*s))
		s++;
	for (i = start = 0; s[i]; i++) {
		if (!is_space(s[i]) || (s[i] == ' ' && s[i + 1] && !is_space(s[i + 1])))
			continue;
		utf8_append(&b, s + start, i - start, false);
		while (is_space(s[i + 1]))
			i++;
		if (s[i + 1])
			buf_addch(&b, ' ');
		start = i + 1;
	}
	utf8_append(&b, s + start, i - start, false);
	return buf_detach(&b, NULL);
}

/* A decoded, trimmed name from the phrase s[0..end), malloc'd. */
static char *name_decode(const char *s, const char *end)
{
	char *phrase, *fixed, *decoded, *span, *name;
	const char *d, *dend;

	span_trim(&s, &end);
	phrase = xmemdupz(s, (size_t)(end - s));
	fixed = rfc2047_unpad(phrase);
	decoded = g_mime_utils_header_decode_text(parser_options, fixed ? fixed : phrase);
	d = decoded ? decoded : "";
	dend = d + strlen(d);
	span_trim(&d, &dend);
	span = xmemdupz(d, (size_t)(dend - d));
	name = name_dup(span);
	free(span);
	g_free(decoded);
	free(fixed);
	free(phrase);
	return name;
}

/*
 * What can be had from a value GMime finds no mailbox in, e.g.
 * `Joe Bloggs joe@x.org`: the address is the inside of `<...>` holding '@',
 * else the first word holding '@' (without the <>()"',; around it); the
 * name is what comes before `<...>`, or the rest of the value around the
 * word.  Returns false, setting nothing, when there is no '@'.
 */
static bool address_guess(const char *s, char **name, char **addr)
{
	const char *lt, *gt, *w, *wend, *a, *aend, *end = s + strlen(s);
	struct buf rest = BUF_INIT;

	/*
	 * Every '<' up to the next '>' ends at that '>', inside the first one's
	 * span: when that has no '@', neither do theirs, so the search goes on
	 * after the '>' (else "<<<<..." takes quadratic time).
	 */
	for (lt = memchr(s, '<', (size_t)(end - s)); lt; lt = memchr(gt, '<', (size_t)(end - gt))) {
		gt = memchr(lt, '>', (size_t)(end - lt));
		if (!gt)
			gt = end;
		a = lt + 1;
		aend = gt;
		span_trim(&a, &aend);
		if (memchr(a, '@', (size_t)(aend - a))) {
			*addr = span_dup(a, aend);
			*name = name_decode(s, lt);
			return true;
		}
	}
	for (w = s; *w;) {
		while (*w && (is_space(*w) || *w == ','))
			w++;
		for (wend = w; *wend && !is_space(*wend) && *wend != ','; wend++)
			;
		if (wend > w && memchr(w, '@', (size_t)(wend - w))) {
			a = w;
			aend = wend;
			while (a < aend && strchr("<>()\"';", *a))
				a++;
			while (aend > a && strchr("<>()\"';", aend[-1]))
				aend--;
			*addr = span_dup(a, aend);
			buf_add(&rest, s, (size_t)(w - s));
			buf_addch(&rest, ' ');
			buf_addstr(&rest, wend);
			*name = name_decode(rest.data, rest.data + rest.len);
			buf_release(&rest);
			return true;
		}
		w = wend;
	}
	return false;
}

/*
 * The display name of the first mailbox of `value`, which GMime parsed into
 * `mailbox`, the way git mailinfo keeps it.  GMime drops a comment before or
 * after the phrase: `Aneesh Kumar K.V (IBM) <a@k.org>` gives "Aneesh Kumar
 * K.V"; git keeps "Aneesh Kumar K.V (IBM)".  So when `value` starts with
 * `phrase <` and the phrase holds a comment, the name is the phrase, its
 * quoted strings unquoted and its comments kept; otherwise it is GMime's.
 */
static char *mailbox_name(const char *value, InternetAddressMailbox *mailbox)
{
	const char *p, *phrase_end = NULL;
	struct buf b = BUF_INIT;
	bool comment = false;
	char *name;
	int depth;

	for (p = value; *p && !phrase_end; p++) {
		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1])
					p++;
			if (!*p)
				break;
		} else if (*p == '(') {
			comment = true;
			for (depth = 1, p++; *p && depth; p++) {
				if (*p == '\\' && p[1])
					p++;
				else if (*p == '(')
					depth++;
				else if (*p == ')')
					depth--;
			}
			p--;
			if (depth)
				break;
		} else if (*p == '<') {
			phrase_end = p;
		} else if (strchr(",;:@", *p)) {
			break;
		}
	}
	if (!phrase_end || !comment)
		return name_dup(internet_address_get_name((InternetAddress *)mailbox));
	for (p = value; p < phrase_end; p++) {
		if (*p == '"') { /* the quotes go, escaped characters stay */
			for (p++; p < phrase_end && *p != '"'; p++) {
				if (*p == '\\' && p + 1 < phrase_end)
					p++;
				buf_addch(&b, *p);
			}
			continue;
		}
		if (*p == '\\' && p + 1 < phrase_end)
			p++;
		buf_addch(&b, *p);
	}
	name = name_decode(b.data, b.data + b.len);
	buf_release(&b);
	return name;
}

static bool is_ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * s[0..end) is an address GMime gives back as it is: a local part of
 * letters, digits, '_', '+' and '-' in dot-separated runs, '@', and a domain
 * of letters, digits and '-' in dot-separated labels (no empty one, no
 * trailing dot, which GMime drops) without "xn--" (GMime decodes IDNA).
 */
static bool address_is_simple(const char *s, const char *end)
{
	const char *at = memchr(s, '@', (size_t)(end - s)), *p;
	bool run = false;

	if (!at)
		return false;
	for (p = s; p < at; p++) {
		if (*p == '.' && run)
			run = false;
		else if (is_ascii_alnum(*p) || *p == '_' || *p == '+' || *p == '-')
			run = true;
		else
			return false;
	}
	if (!run)
		return false; /* empty, or a dot at the end */
	run = false;
	for (p = at + 1; p < end; p++) {
		if (*p == '.' && run)
			run = false;
		else if (is_ascii_alnum(*p) || *p == '-')
			run = true;
		else
			return false;
		if ((*p == 'x' || *p == 'X') && end - p >= 4 && (p[1] == 'n' || p[1] == 'N') &&
		    p[2] == '-' && p[3] == '-')
			return false;
	}
	return run;
}

/*
 * The fast path of from_read(): an unfolded From: value `addr`, `<addr>` or
 * `Name <addr>` whose name is letters, digits, spaces, '.' (not first),
 * '_', '\'' and '-' and whose address is simple (address_is_simple) is
 * read here as GMime reads it (the name as it is, the address as it is),
 * without building its address list.  Returns false for anything else.
 * cli-fastpath compares the two ways on every test mail.
 */
static bool from_read_simple(struct message *m, const char *value)
{
	const char *lt = strchr(value, '<'), *end = value + strlen(value), *p;
	char *phrase;

	if (!lt) {
		if (!address_is_simple(value, end))
			return false;
		m->from_name = xstrdup("");
		m->from_addr = xmemdupz(value, (size_t)(end - value));
		return true;
	}
	if (*value == '.' || end - lt < 2 || end[-1] != '>' || !address_is_simple(lt + 1, end - 1))
		return false;
	for (p = value; p < lt; p++)
		if (!is_ascii_alnum(*p) && *p != ' ' && *p != '.' && *p != '_' && *p != '\'' &&
		    *p != '-')
			return false;
	phrase = xmemdupz(value, (size_t)(lt - value));
	m->from_name = name_dup(phrase);
	m->from_addr = xmemdupz(lt + 1, (size_t)(end - 1 - (lt + 1)));
	free(phrase);
	return true;
}

static void from_read(struct message *m, const char *raw)
{
	char *value = header_unfolded(raw), *fixed;
	InternetAddressList *list;
	InternetAddressMailbox *mailbox;

	if (!value)
		return;
	if (message_fast_path && from_read_simple(m, value)) {
		free(value);
		return;
	}
	fixed = rfc2047_unpad(value);
	list = internet_address_list_parse(parser_options, fixed ? fixed : value);
	if ((mailbox = mailbox_first(list, 0))) {
		m->from_name = mailbox_name(value, mailbox);
		m->from_addr = utf8_dup(internet_address_mailbox_get_addr(mailbox));
	} else if (!address_guess(value, &m->from_name, &m->from_addr)) {
		m->from_name = name_decode(value, value + strlen(value));
		m->from_addr = xstrdup("");
	}
	if (list)
		g_object_unref(list);
	free(fixed);
	free(value);
}

int message_parse_address(const char *value, size_t len, char **name, char **addr)
{
	InternetAddressList *list;
	InternetAddressMailbox *mailbox;
	const char *a;
	char *s, *fixed;
	size_t i;
	int ret = -1;

	assert(name && addr && (value || !len));
	s = xmemdupz(value ? value : "", len);
	for (i = 0; i < len; i++) /* continuation lines, and no NUL inside */
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			s[i] = ' ';
	rfc2047_defuse(s, len);
	fixed = rfc2047_unpad(s);
	list = internet_address_list_parse(parser_options, fixed ? fixed : s);
	mailbox = mailbox_first(list, 0);
	if (mailbox && (a = internet_address_mailbox_get_addr(mailbox)) && strchr(a, '@')) {
		*name = mailbox_name(s, mailbox);
		*addr = utf8_dup(a);
		ret = 0;
	} else if (address_guess(s, name, addr)) {
		ret = 0;
	}
	if (list)
		g_object_unref(list);
	free(fixed);
	free(s);
	return ret;
}

/* ---- the body ------------------------------------------------------------ */

static bool part_is_text_plain(GMimeObject *object)
{
	GMimeContentType *type = g_mime_object_get_content_type(object);

	return type && g_mime_content_type_is_type(type, "text", "plain");
}

static bool part_is_attachment(GMimeObject *object)
{
	GMimeContentDisposition *disposition = g_mime_object_get_content_disposition(object);

	return disposition && g_mime_content_disposition_is_attachment(disposition);
}

/* RFC 2045 5.2: a Content-Type that does not parse means text/plain. */
static bool part_type_is_invalid(GMimeObject *object)
{
	const char *value = g_mime_object_get_header(object, "Content-Type");

	return value && !strchr(value, '/');
}

/* Depth-first, the first text/plain part that is not an attachment. */
static GMimeObject *body_part_find(GMimeObject *object, int depth)
{
	GMimeMultipart *multipart;
	GMimeObject *found;
	int i, n;

	if (GMIME_IS_MULTIPART(object)) {
		if (depth >= MESSAGE_MAX_DEPTH)
			return NULL;
		multipart = (GMimeMultipart *)object;
		n = g_mime_multipart_get_count(multipart);
		for (i = 0; i < n; i++)
			if ((found = body_part_find(g_mime_multipart_get_part(multipart, i),
						    depth + 1)))
				return found;
		return NULL;
	}
	if (GMIME_IS_PART(object) && part_is_text_plain(object) && !part_is_attachment(object))
		return object;
	return NULL; /* message/rfc822 is not looked into */
}

/* Appends the part's content, transfer-decoded, as UTF-8 text. */
static void body_append_part(struct buf *out, GMimeObject *object)
{
	GMimeDataWrapper *content = g_mime_part_get_content((GMimePart *)object);
	GMimeStream *stream;
	GByteArray *bytes;

	if (!content)
		return;
	stream = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(content, stream);
	bytes = g_mime_stream_mem_get_byte_array((GMimeStreamMem *)stream);
	text_append(out, g_mime_object_get_content_type_parameter(object, "charset"),
		    (const char *)bytes->data, bytes->len);
	g_object_unref(stream);
}

static void body_read(struct buf *out, GMimeMessage *gm)
{
	GMimeObject *top = g_mime_message_get_mime_part(gm), *part;
	const char *prologue;

	if (!top)
		return;
	if (GMIME_IS_MULTIPART(top)) {
		if ((part = body_part_find(top, 0))) {
			body_append_part(out, part);
		} else if (g_mime_multipart_get_count((GMimeMultipart *)top) == 0 &&
			   (prologue = g_mime_multipart_get_prologue((GMimeMultipart *)top))) {
			utf8_append(out, prologue, strlen(prologue), true);
		}
	} else if (GMIME_IS_PART(top) && (part_is_text_plain(top) || part_type_is_invalid(top))) {
		body_append_part(out, top);
	}
}

/* ---- the fast path -------------------------------------------------------- */

/*
 * The raw values of the top-level fields we read, NUL-terminated, or NULL
 * when absent: from GMime's header list, or from header_fields_scan().
 */
struct header_fields {
	const char *from, *subject, *date, *message_id, *in_reply_to, *references, *list_id,
	    *original_from, *reply_to;
};

/*
 * Mail that GMime would read as one text/plain part (most of a list's mail: patches from git send-email, plain
 * replies) is read without GMime's parser, which builds some 26 objects per
 * mail and took most of the run.  Its header block (already filtered and
 * defused, header_block_filter) is split here into fields; the values are
 * then read by the same functions, with the same GMime utilities, as when
 * GMime parses the mail, and the body is the bytes after the empty line,
 * as GMime's part content is.  Anything else goes to GMime: a header block
 * that is not only well-formed fields ending in an empty line, a field name
 * followed by white space, a second Content-Type or
 * Content-Transfer-Encoding, a Content-Type other than text/plain with
 * plain `name=value` parameters, a transfer encoding other than 7bit, 8bit,
 * binary, quoted-printable or base64 (those two are decoded with GMime's
 * own decoders).  tests/unit/test_message_fast.c checks that both ways give
 * the same fields on every mail of the test corpora.
 */

/* message_fast_path (above): set to 0 to read every mail with GMime. */
atomic_ulong message_fast_path_hits;

static bool is_token_char(char c)
{
	return c > ' ' && c < 0x7f && !strchr("()<>@,;:\\\"/[]?=", c);
}

/* s[0..n) equals the lower-case `word`, in any case. */
static bool span_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && same_nocase(s, word, n);
}

/*
 * Reads a Content-Type value that GMime would read as text/plain with
 * simple parameters; sets *charset (a span of `v`, len 0 when none).
 * Returns false for anything else.
 */
static bool content_type_is_plain(const char *v, size_t n, const char **charset,
				  size_t *charset_len)
{
	const char *p = v, *end = v + n, *name, *value;
	size_t name_len, value_len;

	*charset = NULL;
	*charset_len = 0;
	while (p < end && is_space(*p))
		p++;
	name = p;
	while (p < end && is_token_char(*p))
		p++;
	if (!span_is(name, (size_t)(p - name), "text") || p == end || *p != '/')
		return false;
	name = ++p;
	while (p < end && is_token_char(*p))
		p++;
	if (!span_is(name, (size_t)(p - name), "plain"))
		return false;
	for (;;) {
		while (p < end && is_space(*p))
			p++;
		if (p == end)
			return true;
		if (*p++ != ';')
			return false;
		while (p < end && is_space(*p))
			p++;
		if (p == end)
			return false; /* a trailing ';': GMime's business */
		name = p;
		while (p < end && is_token_char(*p))
			p++;
		name_len = (size_t)(p - name);
		if (!name_len || p == end || *p != '=' || name[name_len - 1] == '*')
			return false;
		p++;
		if (p < end && *p == '"') {
			value = ++p;
			while (p < end && *p != '"' && *p != '\\' && *p >= ' ' && *p < 0x7f)
				p++;
			if (p == end || *p != '"')
				return false;
			value_len = (size_t)(p - value);
			p++;
		} else {
			value = p;
			while (p < end && is_token_char(*p))
				p++;
			value_len = (size_t)(p - value);
		}
		if (!value_len)
			return false;
		if (span_is(name, name_len, "charset")) {
			if (*charset)
				return false; /* twice: GMime's business */
			*charset = value;
			*charset_len = value_len;
		}
	}
}

/*
 * The Content-Transfer-Encoding s[0..n) names, as GMime reads it, when it
 * is one the fast path decodes: none (7bit, 8bit, binary), quoted-printable
 * or base64, alone but for white space.  Returns -1 for anything else.
 */
static int transfer_encoding_read(const char *v, size_t n)
{
	const char *end = v + n;
	size_t len;

	while (v < end && is_space(*v))
		v++;
	while (end > v && is_space(end[-1]))
		end--;
	len = (size_t)(end - v);
	if (span_is(v, len, "7bit") || span_is(v, len, "8bit") || span_is(v, len, "binary"))
		return GMIME_CONTENT_ENCODING_DEFAULT;
	if (span_is(v, len, "quoted-printable"))
		return GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
	if (span_is(v, len, "base64"))
		return GMIME_CONTENT_ENCODING_BASE64;
	return -1;
}

/*
 * Appends the body s[0..n), decoded from `encoding` as GMime's data
 * wrapper does (its decoder, in one step: the decoders carry their state
 * across steps, so one step gives what a stream of them does), then as
 * text in `charset` (text_append).
 */
static void body_append_decoded(struct buf *out, int encoding, const char *charset,
				const char *s, size_t n)
{
	GMimeEncoding state;
	struct buf decoded = BUF_INIT;

	if (encoding == GMIME_CONTENT_ENCODING_DEFAULT || !n) {
		text_append(out, charset, s, n);
		return;
	}
	g_mime_encoding_init_decode(&state, (GMimeContentEncoding)encoding);
	buf_grow(&decoded, g_mime_encoding_outlen(&state, n));
	decoded.len = g_mime_encoding_flush(&state, s, n, decoded.data);
	decoded.data[decoded.len] = '\0';
	text_append(out, charset, decoded.data, decoded.len);
	buf_release(&decoded);
}

/*
 * Splits the header block at s[0..n) (header_block_filter's output) into
 * fields: sets *f (values copied into `values`, NUL-terminated), *charset
 * (malloc'd, or NULL), *encoding and *body.  Returns false when the mail is not for the fast path.
 */
static bool header_fields_scan(struct header_fields *f, struct buf *values, char **charset,
			       int *encoding, const char *s, size_t n, size_t *body)
{
	/* One slot per field we read, then Content-Type and Content-Transfer-Encoding. */
	/* clang-format off */
#define NAME(name) {name, sizeof(name) - 1}
	static const struct {
		const char *name;
		size_t len;
	} names[] = {
		NAME("From"),	     NAME("Subject"),	  NAME("Date"),
		NAME("Message-ID"),  NAME("In-Reply-To"), NAME("References"),
		NAME("List-Id"),     NAME("X-Original-From"), NAME("Reply-To"),
		NAME("Content-Type"), NAME("Content-Transfer-Encoding"),
	};
#undef NAME
	/* clang-format on */
	size_t off[G_N_ELEMENTS(names)], len[G_N_ELEMENTS(names)];
	bool seen[G_N_ELEMENTS(names)] = {false};
	const char *p = s, *end = s + n, *nl, *next, *colon, *value, *cs;
	const char **slots[] = {&f->from,	  &f->subject,	&f->date,	   &f->message_id,
				&f->in_reply_to,  &f->references, &f->list_id, &f->original_from,
				&f->reply_to};
	size_t i, cs_len;

	memset(f, 0, sizeof(*f));
	*charset = NULL;
	for (;;) {
		if (p == end)
			return false; /* no empty line: GMime's business */
		if (*p == '\n' || (*p == '\r' && p + 1 < end && p[1] == '\n')) {
			*body = (size_t)(p - s) + (*p == '\n' ? 1 : 2);
			break;
		}
		if (*p == ' ' || *p == '\t')
			return false; /* not reached: continuations are read with their field */
		colon = memchr(p, ':', (size_t)(end - p));
		if (!colon)
			return false;
		for (nl = p; nl < colon; nl++)
			if (!is_field_name_char(*nl))
				return false; /* white space before the colon, or a line end */
		value = colon + 1;
		/* the field ends before the next line that is not a continuation */
		for (next = value;; next = nl + 1) {
			nl = memchr(next, '\n', (size_t)(end - next));
			if (!nl || nl + 1 == end || (nl[1] != ' ' && nl[1] != '\t'))
				break;
		}
		next = nl ? nl + 1 : end;
		for (i = 0; i < G_N_ELEMENTS(names); i++) {
			if ((size_t)(colon - p) != names[i].len ||
			    !same_nocase(p, names[i].name, names[i].len))
				continue;
			if (seen[i]) {
				if (i >= G_N_ELEMENTS(slots))
					return false; /* a second Content-*: GMime's business */
				break;
			}
			seen[i] = true;
			off[i] = (size_t)(value - s);
			/* GMime's raw value: without the line end closing the field */
			len[i] = (size_t)((nl ? nl : end) - value);
			if (len[i] && value[len[i] - 1] == '\r')
				len[i]--;
			break;
		}
		p = next;
	}
	*encoding = GMIME_CONTENT_ENCODING_DEFAULT;
	if (seen[10] && (*encoding = transfer_encoding_read(s + off[10], len[10])) < 0)
		return false;
	cs = NULL;
	cs_len = 0;
	if (seen[9] && !content_type_is_plain(s + off[9], len[9], &cs, &cs_len))
		return false;

	/* Copy the values, NUL-terminated, into one buffer; then point at them. */
	buf_reset(values);
	for (i = 0; i < G_N_ELEMENTS(slots); i++) {
		if (!seen[i])
			continue;
		buf_add(values, s + off[i], len[i]);
		buf_addch(values, '\0');
		off[i] = values->len - len[i] - 1;
	}
	for (i = 0; i < G_N_ELEMENTS(slots); i++)
		if (seen[i])
			*slots[i] = values->data + off[i];
	if (cs)
		*charset = xmemdupz(cs, cs_len);
	return true;
}

/* ---- the message --------------------------------------------------------- */

static char *or_empty(char *s)
{
	return s ? s : xstrdup("");
}

/* Fills m's header fields from their raw values. */
static void message_fill(struct message *m, const struct header_fields *f)
{
	m->subject = header_text(f->subject);
	m->list_id = header_text(f->list_id);
	m->original_from = header_text(f->original_from);
	m->reply_to = header_text(f->reply_to);
	m->message_id = message_id_read(f->message_id);
	m->in_reply_to = in_reply_to_read(f->in_reply_to);
	m->references = references_read(f->references);
	m->date = date_read(f->date);
	from_read(m, f->from);
}

/* The raw value of GMime's first `name` field, or NULL. */
static const char *header_raw(GMimeObject *object, const char *name)
{
	GMimeHeader *header =
	    g_mime_header_list_get_header(g_mime_object_get_header_list(object), name);

	return header ? g_mime_header_get_raw_value(header) : NULL;
}

/* Reads the mail in `bytes` with GMime's parser. */
static void message_parse_gmime(struct message *m, struct buf *body, GByteArray *bytes)
{
	struct header_fields f;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *gm;

	stream = g_mime_stream_mem_new_with_byte_array(bytes);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	gm = g_mime_parser_construct_message(parser, parser_options);
	if (gm) {
		GMimeObject *object = (GMimeObject *)gm;

		f.from = header_raw(object, "From");
		f.subject = header_raw(object, "Subject");
		f.date = header_raw(object, "Date");
		f.message_id = header_raw(object, "Message-ID");
		f.in_reply_to = header_raw(object, "In-Reply-To");
		f.references = header_raw(object, "References");
		f.list_id = header_raw(object, "List-Id");
		f.original_from = header_raw(object, "X-Original-From");
		f.reply_to = header_raw(object, "Reply-To");
		message_fill(m, &f);
		body_read(body, gm);
		g_object_unref(gm);
	}
	g_object_unref(parser);
	g_object_unref(stream); /* frees bytes */
}

/* Reads a mail on the fast path: its fields f, its body s[0..n). */
static void fast_read(struct message *m, struct buf *body, const struct header_fields *f,
		      int encoding, const char *charset, const char *s, size_t n)
{
	atomic_fetch_add_explicit(&message_fast_path_hits, 1, memory_order_relaxed);
	message_fill(m, f);
	body_append_decoded(body, encoding, charset, s, n);
}

int message_parse(struct message **out, const char *raw, size_t len)
{
	struct message *m;
	struct buf body = BUF_INIT, values = BUF_INIT;
	struct header_fields f;
	struct filter_rest rest;
	GByteArray *bytes;
	char *charset = NULL;
	size_t body_off, done = 0;
	bool well_formed, tried = false;
	int encoding;

	assert(out && (raw || !len) && parser_options);
	if (len > MESSAGE_MAX_SIZE)
		len = MESSAGE_MAX_SIZE;
	m = xcalloc(1, sizeof(*m));
	bytes = header_block_filter(raw ? raw : "", len, &well_formed, &rest);
	if (message_fast_path && well_formed &&
	    !find_pair(rest.p, (size_t)(rest.end - rest.p), '=', '?')) {
		/*
		 * Nothing after the header block to defuse: the body is read
		 * where it is, and only the empty line is copied, for the scan.
		 */
		if (rest.p < rest.end && *rest.p == '\n')
			done = 1;
		else if (rest.end - rest.p >= 2 && rest.p[0] == '\r' && rest.p[1] == '\n')
			done = 2;
		g_byte_array_append(bytes, (const guint8 *)rest.p, (guint)done);
		tried = true;
		if (header_fields_scan(&f, &values, &charset, &encoding, (const char *)bytes->data,
				       bytes->len, &body_off)) {
			assert(body_off == bytes->len);
			fast_read(m, &body, &f, encoding, charset, rest.p + done,
				  (size_t)(rest.end - rest.p) - done);
			g_byte_array_free(bytes, TRUE);
			bytes = NULL;
		}
	}
	if (bytes) {
		header_block_rest(bytes, &rest, done);
		if (!tried && message_fast_path && well_formed &&
		    header_fields_scan(&f, &values, &charset, &encoding, (const char *)bytes->data,
				       bytes->len, &body_off)) {
			fast_read(m, &body, &f, encoding, charset,
				  (const char *)bytes->data + body_off, bytes->len - body_off);
			g_byte_array_free(bytes, TRUE);
		} else {
			message_parse_gmime(m, &body, bytes);
		}
	}
	free(charset);
	buf_release(&values);
	m->subject = or_empty(m->subject);
	m->from_name = or_empty(m->from_name);
	m->from_addr = or_empty(m->from_addr);
	m->message_id = or_empty(m->message_id);
	m->in_reply_to = or_empty(m->in_reply_to);
	m->references = or_empty(m->references);
	m->list_id = or_empty(m->list_id);
	m->original_from = or_empty(m->original_from);
	m->reply_to = or_empty(m->reply_to);
	m->body = buf_detach(&body, &m->body_len);
	*out = m;
	return MD_OK;
}

void message_free(struct message *m)
{
	if (!m)
		return;
	free(m->subject);
	free(m->from_name);
	free(m->from_addr);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->references);
	free(m->list_id);
	free(m->original_from);
	free(m->reply_to);
	free(m->body);
	free(m);
}

void message_library_init(void)
{
	/* raw 8-bit header text: UTF-8 if it is, else windows-1252 as for bodies */
	static const char *fallback_charsets[] = {"utf-8", "windows-1252", "iso-8859-1", NULL};

	if (parser_options)
		return;
	g_mime_init();
	parser_options = g_mime_parser_options_new();
	g_mime_parser_options_set_address_compliance_mode(parser_options,
							  GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(parser_options,
							    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(parser_options,
							  GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_allow_addresses_without_domain(parser_options, TRUE);
	g_mime_parser_options_set_fallback_charsets(parser_options, fallback_charsets);
}

void message_library_shutdown(void)
{
	if (parser_options) {
		g_mime_parser_options_free(parser_options);
		parser_options = NULL;
	}
	g_mime_shutdown();
}
