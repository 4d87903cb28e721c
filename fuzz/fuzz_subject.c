/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: subject_clean() and subject_parse() (src/patch/subject.h).
 * The input is one raw subject, as a decoded Subject: header gives it.
 *
 * Checked, besides memory safety (the parser sees a heap copy of exactly
 * the input, without a NUL after it):
 *  - subject_clean(): at most SUBJECT_MAX_LEN bytes; no C0 control, DEL or
 *    C1 control (C2 80-C2 9F) in it; no leading, trailing or double space;
 *    valid UTF-8 when the input was; cleaning it again changes nothing.
 *  - subject_parse(), on the cleaned subject and on the raw input: every
 *    span inside the string and inside SUBJECT_MAX_LEN; at most
 *    SUBJECT_MAX_TAGS tags; the title trimmed; a reply is neither a patch nor
 *    a pull request, and a patch is not a pull request; no index without
 *    has_index; a lead is a patch.
 */
#include "fuzz.h"

#include "patch/subject.h"
#include "util/buf.h"

static bool is_valid_utf8(const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		if (!(n = fuzz_utf8_next(s + i, len - i, &cp)))
			return false;
		i += n;
	}
	return true;
}

static void check_span(const char *what, const struct subject_span *sp, size_t len)
{
	FUZZ_CHECK(sp->off <= len, what, NULL, 0, 0);
	FUZZ_CHECK(sp->len <= len - sp->off, what, NULL, 0, 0);
	FUZZ_CHECK(sp->off + sp->len <= SUBJECT_MAX_LEN, what, NULL, 0, 0);
}

static void check_parse(const char *s, size_t len)
{
	struct patch_subject ps;
	size_t i;

	subject_parse(&ps, s, len);
	check_span("title span", &ps.title, len);
	FUZZ_CHECK(ps.ntags <= SUBJECT_MAX_TAGS, "tag count", NULL, 0, 0);
	for (i = 0; i < ps.ntags; i++)
		check_span("tag span", &ps.tags[i], len);
	if (ps.title.len) {
		FUZZ_CHECK(s[ps.title.off] != ' ' && s[ps.title.off] != '\t',
			   "title starts with a blank", s, len, ps.title.off);
		FUZZ_CHECK(s[ps.title.off + ps.title.len - 1] != ' ' &&
			       s[ps.title.off + ps.title.len - 1] != '\t',
			   "title ends with a blank", s, len, ps.title.off + ps.title.len - 1);
	}
	FUZZ_CHECK(!(ps.is_patch && ps.is_reply), "a reply is never a patch", NULL, 0, 0);
	FUZZ_CHECK(!(ps.is_pull_request && ps.is_reply), "a reply is no pull request", NULL, 0, 0);
	FUZZ_CHECK(!(ps.is_pull_request && ps.is_patch), "a pull request is no patch", NULL, 0, 0);
	FUZZ_CHECK(ps.has_index || (ps.index == 0 && ps.total == 0), "index without has_index",
		   NULL, 0, 0);
	FUZZ_CHECK(!subject_is_lead(&ps) || ps.is_patch, "a lead is a patch", NULL, 0, 0);
}

static void check_clean(const char *in, size_t in_len, const char *s, size_t len)
{
	struct buf again = BUF_INIT;
	size_t i;

	FUZZ_CHECK(len <= SUBJECT_MAX_LEN, "cleaned length", s, len, 0);
	FUZZ_CHECK(len <= in_len, "cleaning never adds", s, len, 0);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		FUZZ_CHECK(c >= 0x20 && c != 0x7f, "C0 or DEL left", s, len, i);
		FUZZ_CHECK(!(c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] < 0xa0 &&
			     (unsigned char)s[i + 1] >= 0x80),
			   "C1 left", s, len, i);
		FUZZ_CHECK(c != ' ' || (i > 0 && i + 1 < len && s[i + 1] != ' '),
			   "leading, trailing or double space", s, len, i);
	}
	if (is_valid_utf8(in, in_len))
		FUZZ_CHECK(is_valid_utf8(s, len), "valid UTF-8 in, invalid out", s, len, 0);

	subject_clean(s, len, &again);
	FUZZ_CHECK(again.len == len && !memcmp(again.data, s, len), "cleaning twice changes it",
		   again.data, again.len, 0);
	buf_release(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf clean = BUF_INIT;
	char *raw = fuzz_copy(data, size), *exact;

	subject_clean(raw, size, &clean);
	exact = fuzz_copy((const uint8_t *)clean.data, clean.len);
	check_clean(raw, size, exact, clean.len);
	check_parse(exact, clean.len);
	check_parse(raw, size);

	free(exact);
	buf_release(&clean);
	free(raw);
	return 0;
}
