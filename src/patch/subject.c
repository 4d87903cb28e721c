/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Subject lines: SPEC rules 1 (clean-up), 3 (reply) and 4 (patch).
 *
 * Pure code: libc only, no allocation in subject_parse(), every read is
 * bounded by the `len` given (the string need not be NUL-terminated), and
 * the work is linear in `len` whatever the input (hostile mail).
 *
 * Decisions the SPEC leaves open, in one place:
 *
 * Reply prefixes (rule 3).  At the start of the subject (after white space),
 * one of the words below, any ASCII case, then an optional counter "[2]" or
 * "(2)", optional spaces (French "RE :"), then ':' or the full-width colon
 * U+FF1A; repeated as often as it occurs ("Re: Re: AW: ...").  A subject that
 * starts with '[' is never a reply.  Nothing but ':' ends a prefix: "Re;",
 * "Re Thanks.", "RE" are not replies, while "Re:read" is.
 *   SPEC:       Re, Fwd, Fw, Aw, Sv
 *   others:     Antw (nl, de), Odp (pl), Vs (fi), Vl (fi, forward),
 *               Tr (fr, forward), Wg (de, forward), R and Rif (it),
 *               回复 答复 转发 (zh-CN), 回覆 轉寄 轉發 (zh-TW)
 *   left out:   Rv and Res and Enc: "rv:" is a kernel subsystem and the others
 *               are ordinary words; I (it, forward) and other one-letter ones;
 *               Greek and Cyrillic ones (ΑΠ, Отв), too rare here to be worth a
 *               case-folding table.  A false positive costs little: a subject
 *               that does not start with '[' is never a patch anyway.
 *
 * Bracket groups (rule 4).  After the reply prefixes, every "[...]" that
 * follows (white space between groups allowed) is a leading group; a '['
 * without a ']' ends the groups and starts the title.  The first ']' closes a
 * group (no nesting).  Inside a group, words are separated by spaces, tabs
 * and commas.  A word is:
 *   - an index "i/n", also written "i / n" or "01/33" (leading zeros);
 *   - a version "v2", "V2", "v2.1" (major 2, minor 1); "v0" is kept as 0;
 *     "v2.1.3" is not a version but an ordinary word;
 *   - a word starting with PATCH or RFC (any case): a patch marker, RFC sets
 *     the flag.  Such a word is split on '-', '/', '_' so "PATCHv2", "RFCv2",
 *     "PATCH-v2", "RFC/PATCH", "RFC-PATCH", "PATCH-RESEND" say what they hold;
 *   - PULL (any case), and GIT when its group has a PULL;
 *   - RESEND (any case): the flag;
 *   - anything else: a tag (net-next, kvm-unit-tests, AUTOSEL, 6.1, kernel).
 *     A group holding none of the words above ("[Spam]", "[not for merge]",
 *     "[Bug 12345]") is one tag, its whole text.
 * The first version and the first index found win.  Numbers saturate at
 * SUBJECT_NUMBER_MAX (no overflow; v99999999999999999999 is version 999999).
 * The fields describe the groups whatever the verdict: "Re: [PATCH v3 2/5] x"
 * is a reply, not a patch, yet reports version 3 and index 2/5 (the patch
 * it answers), and "[agraf-2.6:kexec-cma 1/2]" (a build-robot report: an
 * index without PATCH or version) reports its index but is not a patch.
 *
 * Verdict: a reply is nothing else.  Otherwise PULL without an index is a
 * pull request ("[GIT PULL]", "[PULL]", "[GIT PULL v2]"); otherwise a patch
 * marker, PULL (with an index: "[PULL 00/12]") or a version together with an
 * index ("[v2 1/5]") makes a patch.  A version alone ("[v2] x") does not.
 *
 * Title: the subject after the reply prefixes and after ALL leading bracket
 * groups, whether or not they make a patch ("[Spam] hello" has the title
 * "hello"), trimmed.  It may be empty ("[PATCH]", "Re:").
 */
#include "patch/subject.h"

#include <string.h>

/* Numbers in versions and indexes saturate here (hostile input). */
#define SUBJECT_NUMBER_MAX 999999u

static bool subject_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool subject_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char subject_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True when s[0..len) starts with `word` (ASCII, any case). */
static bool subject_starts_with(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word), i;

	if (len < n)
		return false;
	for (i = 0; i < n; i++)
		if (subject_lower(s[i]) != subject_lower(word[i]))
			return false;
	return true;
}

/* True when s[0..len) is `word` (ASCII, any case). */
static bool subject_equals(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && subject_starts_with(s, len, word);
}

static size_t subject_skip_blanks(const char *s, size_t pos, size_t len)
{
	while (pos < len && subject_is_blank(s[pos]))
		pos++;
	return pos;
}

/*
 * Reads the digits at s[*pos..len) into *value, saturating at
 * SUBJECT_NUMBER_MAX; returns false when there is no digit.
 */
static bool subject_read_number(const char *s, size_t *pos, size_t len, unsigned *value)
{
	size_t start = *pos;
	unsigned v = 0;

	while (*pos < len && subject_is_digit(s[*pos])) {
		unsigned d = (unsigned)(s[*pos] - '0');

		v = v > (SUBJECT_NUMBER_MAX - d) / 10 ? SUBJECT_NUMBER_MAX : v * 10 + d;
		(*pos)++;
	}
	*value = v;
	return *pos > start;
}

/*
 * Length of the UTF-8 character at s[0..len): 2 to 4 for a well-formed
 * sequence (lead byte and the right number of continuation bytes), else 1
 * (an ASCII byte or a byte of invalid UTF-8, kept on its own).
 */
static size_t subject_utf8_length(const unsigned char *s, size_t len)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 1;
	if (n > len)
		return 1;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

void subject_clean(const char *s, size_t len, struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, kept = 0;
	bool space = false;

	if (!len)
		return;
	/* the output is never longer than this: written in place below */
	buf_grow(out, len < SUBJECT_MAX_LEN ? len : SUBJECT_MAX_LEN);
	while (i < len) {
		size_t n, need;

		if (u[i] == ' ' || u[i] == '\t' || u[i] == '\r' || u[i] == '\n') {
			space = true;
			i++;
			continue;
		}
		if (u[i] < 0x20 || u[i] == 0x7f) { /* C0 and DEL */
			i++;
			continue;
		}
		n = subject_utf8_length(u + i, len - i);
		if (n == 2 && u[i] == 0xc2 && u[i + 1] < 0xa0) { /* C1: U+0080-U+009F */
			i += 2;
			continue;
		}
		/*
		 * A lone 0xC2 (invalid UTF-8, kept) must not meet a lone 0x80-0x9F
		 * once a control character between them is gone: that would make
		 * a C1 control.  Drop the second byte.
		 */
		if (n == 1 && !space && kept && u[i] >= 0x80 && u[i] <= 0x9f &&
		    (unsigned char)out->data[out->len - 1] == 0xc2) {
			i++;
			continue;
		}
		/* A space is only written before a character that fits after it. */
		need = n + (space && kept ? 1 : 0);
		if (need > SUBJECT_MAX_LEN - kept)
			break;
		if (space && kept) {
			out->data[out->len++] = ' ';
			kept++;
		}
		space = false;
		memcpy(out->data + out->len, s + i, n);
		out->len += n;
		kept += n;
		i += n;
	}
	out->data[out->len] = '\0';
}

/* Reply and forward prefixes, see the top of the file. */
/* clang-format off */
static const char *const subject_reply_words[] = {
	"re", "fwd", "fw", "aw", "sv",                     /* SPEC rule 3 */
	"antw", "odp", "vs", "vl", "tr", "wg", "r", "rif", /* European mailers */
	"\xe5\x9b\x9e\xe5\xa4\x8d",                        /* 回复 */
	"\xe7\xad\x94\xe5\xa4\x8d",                        /* 答复 */
	"\xe8\xbd\xac\xe5\x8f\x91",                        /* 转发 */
	"\xe5\x9b\x9e\xe8\xa6\x86",                        /* 回覆 */
	"\xe8\xbd\x89\xe5\xaf\x84",                        /* 轉寄 */
	"\xe8\xbd\x89\xe7\x99\xbc",                        /* 轉發 */
};
/* clang-format on */

/* Length of the reply prefix ("Re:", "AW[2] :") at s[pos..len), 0 if none. */
static size_t subject_reply_prefix(const char *s, size_t pos, size_t len)
{
	size_t w;

	for (w = 0; w < sizeof(subject_reply_words) / sizeof(subject_reply_words[0]); w++) {
		const char *word = subject_reply_words[w];
		size_t p = pos + strlen(word);
		unsigned counter;

		if (!subject_starts_with(s + pos, len - pos, word))
			continue;
		if (p < len && (s[p] == '[' || s[p] == '(')) {
			char close = s[p] == '[' ? ']' : ')';

			p++;
			if (!subject_read_number(s, &p, len, &counter) || p >= len || s[p] != close)
				continue;
			p++;
		}
		p = subject_skip_blanks(s, p, len);
		if (p < len && s[p] == ':')
			return p + 1 - pos;
		if (len - p >= 3 && !memcmp(s + p, "\xef\xbc\x9a", 3)) /* U+FF1A '：' */
			return p + 3 - pos;
	}
	return 0;
}

/* What the leading groups hold, beyond what goes into struct patch_subject. */
struct subject_groups {
	bool marker;  /* a PATCH or RFC word */
	bool pull;    /* a PULL word */
	bool version; /* a version word */
};

enum subject_word {
	SUBJECT_WORD_TAG,
	SUBJECT_WORD_INDEX,
	SUBJECT_WORD_VERSION,
	SUBJECT_WORD_MARKER, /* PATCH, RFC and their compounds */
	SUBJECT_WORD_PULL,
	SUBJECT_WORD_GIT,
	SUBJECT_WORD_RESEND,
};

/* A word of a group, classified; `major`..`total` as the kind says. */
struct subject_word_info {
	enum subject_word kind;
	size_t off, len;
	bool rfc, resend, has_version;
	unsigned major, minor;
	unsigned index, total;
};

static bool subject_is_separator(char c)
{
	return subject_is_blank(c) || c == ',';
}

/* "v2" or "V2.1" filling major and minor; the whole of s[0..len) must match. */
static bool subject_parse_version(const char *s, size_t len, unsigned *major, unsigned *minor)
{
	size_t p = 1;

	if (len < 2 || (s[0] != 'v' && s[0] != 'V'))
		return false;
	if (!subject_read_number(s, &p, len, major))
		return false;
	*minor = 0;
	if (p < len && s[p] == '.') {
		p++;
		if (!subject_read_number(s, &p, len, minor))
			return false;
	}
	return p == len;
}

/*
 * A word starting with PATCH or RFC: split on '-', '/' and '_' and look at
 * each part ("RFC/PATCH", "PATCHv2", "PATCH-RESEND", "RFC-v2").
 */
static void subject_parse_marker(const char *s, size_t len, struct subject_word_info *w)
{
	size_t p = 0;

	w->kind = SUBJECT_WORD_MARKER;
	while (p < len) {
		size_t start = p, end;

		while (p < len && s[p] != '-' && s[p] != '/' && s[p] != '_')
			p++;
		end = p;
		if (p < len)
			p++;
		if (subject_starts_with(s + start, end - start, "patch")) {
			start += 5;
		} else if (subject_starts_with(s + start, end - start, "rfc")) {
			w->rfc = true;
			start += 3;
		} else if (subject_equals(s + start, end - start, "resend")) {
			w->resend = true;
			continue;
		}
		if (!w->has_version &&
		    subject_parse_version(s + start, end - start, &w->major, &w->minor))
			w->has_version = true;
	}
}

/*
 * The word at s[pos..end) (pos past any separator) into *w; returns the
 * position after it.  An index may hold spaces ("1 / 3").
 */
static size_t subject_next_word(const char *s, size_t pos, size_t end, struct subject_word_info *w)
{
	size_t p = pos;

	memset(w, 0, sizeof(*w));
	w->off = pos;
	if (subject_read_number(s, &p, end, &w->index)) {
		p = subject_skip_blanks(s, p, end);
		if (p < end && s[p] == '/') {
			p = subject_skip_blanks(s, p + 1, end);
			if (subject_read_number(s, &p, end, &w->total) &&
			    (p == end || subject_is_separator(s[p]))) {
				w->kind = SUBJECT_WORD_INDEX;
				w->len = p - pos;
				return p;
			}
		}
	}
	p = pos;
	while (p < end && !subject_is_separator(s[p]))
		p++;
	w->len = p - pos;
	if (subject_parse_version(s + pos, w->len, &w->major, &w->minor)) {
		w->kind = SUBJECT_WORD_VERSION;
		w->has_version = true;
	} else if (subject_starts_with(s + pos, w->len, "patch") ||
		   subject_starts_with(s + pos, w->len, "rfc")) {
		subject_parse_marker(s + pos, w->len, w);
	} else if (subject_equals(s + pos, w->len, "pull")) {
		w->kind = SUBJECT_WORD_PULL;
	} else if (subject_equals(s + pos, w->len, "git")) {
		w->kind = SUBJECT_WORD_GIT;
	} else if (subject_equals(s + pos, w->len, "resend")) {
		w->kind = SUBJECT_WORD_RESEND;
		w->resend = true;
	} else {
		w->kind = SUBJECT_WORD_TAG;
	}
	return p;
}

static void subject_add_tag(struct patch_subject *out, size_t off, size_t len)
{
	if (!len || out->ntags >= SUBJECT_MAX_TAGS)
		return;
	out->tags[out->ntags].off = off;
	out->tags[out->ntags].len = len;
	out->ntags++;
}

/* The group s[start..end) (inside the brackets). */
static void subject_parse_group(struct patch_subject *out, struct subject_groups *g, const char *s,
				size_t start, size_t end)
{
	struct subject_word_info w;
	bool known = false, pull = false;
	size_t p = start;

	for (;;) {
		while (p < end && subject_is_separator(s[p]))
			p++;
		if (p >= end)
			break;
		p = subject_next_word(s, p, end, &w);
		if (w.kind == SUBJECT_WORD_TAG || w.kind == SUBJECT_WORD_GIT)
			continue;
		known = true;
		if (w.kind == SUBJECT_WORD_INDEX && !out->has_index) {
			out->has_index = true;
			out->index = w.index;
			out->total = w.total;
		}
		if (w.has_version && !g->version) {
			g->version = true;
			out->version_major = w.major;
			out->version_minor = w.minor;
		}
		if (w.kind == SUBJECT_WORD_MARKER)
			g->marker = true;
		if (w.kind == SUBJECT_WORD_PULL)
			g->pull = pull = true;
		out->rfc |= w.rfc;
		out->resend |= w.resend;
	}

	if (!known) {
		/* "[Spam]", "[not for merge]": the whole group is one tag. */
		p = subject_skip_blanks(s, start, end);
		while (end > p && subject_is_blank(s[end - 1]))
			end--;
		subject_add_tag(out, p, end - p);
		return;
	}
	for (p = start;;) {
		while (p < end && subject_is_separator(s[p]))
			p++;
		if (p >= end)
			break;
		p = subject_next_word(s, p, end, &w);
		if (w.kind == SUBJECT_WORD_TAG || (w.kind == SUBJECT_WORD_GIT && !pull))
			subject_add_tag(out, w.off, w.len);
	}
}

void subject_parse(struct patch_subject *out, const char *s, size_t len)
{
	struct subject_groups g = {false, false, false};
	size_t pos, end;

	memset(out, 0, sizeof(*out));
	out->version_major = 1;

	/* Cap hostile input, stepping back to a UTF-8 character boundary. */
	if (len > SUBJECT_MAX_LEN) {
		size_t back = 0;

		len = SUBJECT_MAX_LEN;
		while (back < 3 && len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80) {
			len--;
			back++;
		}
	}

	pos = subject_skip_blanks(s, 0, len);
	if (pos < len && s[pos] != '[') {
		size_t n;

		while ((n = subject_reply_prefix(s, pos, len)) > 0) {
			out->is_reply = true;
			pos = subject_skip_blanks(s, pos + n, len);
		}
	}

	for (;;) {
		const char *close;

		pos = subject_skip_blanks(s, pos, len);
		if (pos >= len || s[pos] != '[')
			break;
		close = memchr(s + pos + 1, ']', len - pos - 1);
		if (!close)
			break; /* an unclosed '[' is part of the title */
		subject_parse_group(out, &g, s, pos + 1, (size_t)(close - s));
		pos = (size_t)(close - s) + 1;
	}

	end = len;
	while (end > pos && subject_is_blank(s[end - 1]))
		end--;
	out->title.off = pos;
	out->title.len = end - pos;

	if (out->is_reply)
		return;
	if (g.pull && !out->has_index)
		out->is_pull_request = true;
	else if (g.marker || g.pull || (g.version && out->has_index))
		out->is_patch = true;
}

bool subject_is_lead(const struct patch_subject *ps)
{
	return ps->is_patch && (!ps->has_index || ps->index <= 1);
}
