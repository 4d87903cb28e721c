/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include "util/text.h"

static const struct {
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *out;
	const char *why;
} printable_cases[] = {
	{"plain ASCII", 0, "plain ASCII", "the common case is kept"},
	{"tab\tand\nnewline", 0, "tab\tand\nnewline", "tab and newline are kept"},
	{"bell\x07 esc\x1b[31mred", 0, "bell esc[31mred", "C0 controls and ESC are dropped"},
	{"cr\r\n", 0, "cr\n", "CR is a control"},
	{"del\x7f", 0, "del", "DEL is a control"},
	{"c1\xc2\x9b" "31m", 0, "c131m", "C1 CSI (U+009B) is dropped"},
	{"bidi\xe2\x80\xae" "evil\xe2\x81\xa6" "x\xe2\x81\xa9", 0, "bidievilx",
	 "bidi overrides and isolates are dropped"},
	{"Ren\xc3\xa9 \xe5\x90\x8d", 0, "Ren\xc3\xa9 \xe5\x90\x8d", "UTF-8 is kept"},
	{"bad\xff\xfe", 0, "bad\xef\xbf\xbd\xef\xbf\xbd", "invalid bytes become U+FFFD"},
	{"over\xc0\xaf", 0, "over\xef\xbf\xbd\xef\xbf\xbd", "overlong encodings are invalid"},
	{"sur\xed\xa0\x80", 0, "sur\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	 "UTF-16 surrogates are invalid"},
	{"cut\xe2\x82", 0, "cut\xef\xbf\xbd\xef\xbf\xbd", "a truncated sequence is invalid"},
	{"nul\0byte", 8, "nulbyte", "NUL is a control"},
	{"lrm\xe2\x80\x8e", 0, "lrm\xe2\x80\x8e", "LRM is not in the dropped ranges"},
};

static void test_printable(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(printable_cases); i++) {
		struct buf b = BUF_INIT;
		const char *in = printable_cases[i].in;
		size_t len = printable_cases[i].len ? printable_cases[i].len : strlen(in);

		text_append_printable(&b, in, len);
		if (strcmp(b.data, printable_cases[i].out))
			fail_msg("case %zu (%s): got '%s'", i, printable_cases[i].why, b.data);
		buf_release(&b);
	}
}

static void test_lower_and_blank(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	text_append_lower(&b, "Mixed CASE \xc3\x89t\xc3\xa9", 16);
	assert_string_equal(b.data, "mixed case \xc3\x89t\xc3\xa9");
	buf_release(&b);
	assert_true(text_is_blank("", 0));
	assert_true(text_is_blank(" \t\r", 3));
	assert_false(text_is_blank(" x", 2));
}

/*
 * Every byte value at every place of a line longer than the words the
 * printable-ASCII and lower-casing fast paths test at once: the words
 * around it must not hide it, nor it them.
 */
static void test_each_byte_in_words(void **state)
{
	static const char line[] = "abcdefghIJKLMNOPqrstuvwxYZ@[`{01";
	size_t at, len = sizeof(line) - 1;
	unsigned v;

	(void)state;
	for (v = 0; v < 256; v++) {
		for (at = 0; at < len; at++) {
			struct buf b = BUF_INIT, want = BUF_INIT;
			char in[sizeof(line)];
			size_t i;

			memcpy(in, line, sizeof(line));
			in[at] = (char)v;
			for (i = 0; i < len; i++) {
				unsigned char c = (unsigned char)in[i];

				if (c >= 0x80)
					buf_addstr(&want, "\xef\xbf\xbd");
				else if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n')
					buf_addch(&want, c);
			}
			text_append_printable(&b, in, len);
			if (b.len != want.len || memcmp(b.data, want.data, b.len))
				fail_msg("printable: byte 0x%02x at %zu: got '%s'", v, at, b.data);
			buf_reset(&b);
			buf_reset(&want);
			for (i = 0; i < len; i++) {
				unsigned char c = (unsigned char)in[i];

				buf_addch(&want, c >= 'A' && c <= 'Z' ? c + 32 : c);
			}
			text_append_lower(&b, in, len);
			if (b.len != want.len || memcmp(b.data, want.data, b.len))
				fail_msg("lower: byte 0x%02x at %zu: got '%s'", v, at, b.data);
			buf_release(&b);
			buf_release(&want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_lower_and_blank),
		cmocka_unit_test(test_each_byte_in_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
