/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include "patch/body.h"

static const struct {
	const char *line;
	int summary;
	const char *why;
} summary_cases[] = {
	{" 3 files changed, 35 insertions(+), 21 deletions(-)", 1, "the seed's form"},
	{" 1 file changed, 1 insertion(+)", 1, "singular, no deletions"},
	{" 1 file changed, 2 deletions(-)", 1, "no insertions"},
	{" 2 files changed", 1, "mode changes only"},
	{" 12 files changed, 0 insertions(+), 0 deletions(-)", 1, "old git prints zeros"},
	{"  4 files changed, 10 insertions(+)", 1, "two leading spaces"},
	{" 1 file changed, 1 insertion(+), 1 deletion(-)\r", 1, "a CR left over"},
	{"3 files changed, 35 insertions(+)", 0, "no leading space: prose"},
	{" 3 files changed, I think", 0, "prose after it"},
	{" files changed", 0, "no number"},
	{"", 0, "empty"},
};

static void test_diffstat_summary(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(summary_cases); i++) {
		const char *l = summary_cases[i].line;

		if (body_is_diffstat_summary(l, strlen(l)) != summary_cases[i].summary)
			fail_msg("case %zu (%s)", i, summary_cases[i].why);
	}
}

static const struct {
	const char *body;
	size_t skip_off, skip_len;
	const char *shown;
	const char *why;
} shown_cases[] = {
	{"From: A <a@x.org>\n\nText.\n\nSigned-off-by: A\n---\n a.c | 2 +-\n"
	 " 1 file changed, 1 insertion(+), 1 deletion(-)\n\ndiff --git a/a.c b/a.c\n",
	 0, 18, "\nText.\n\nSigned-off-by: A\n---\n a.c | 2 +-\n"
	 " 1 file changed, 1 insertion(+), 1 deletion(-)",
	 "in-body From dropped, its blank line kept, cut after the diffstat (seed)"},
	{"Text.\n---\ndiff --git a/a b/a\n+x\n", 0, 0, "Text.\n---",
	 "no diffstat: cut before diff --git"},
	{"Cover text.\n\n-- \n2.52.0\n", 0, 0, "Cover text.", "no diffstat: cut at the signature"},
	{"Text.\n \t \n\n", 0, 0, "Text.", "trailing blank lines dropped"},
	{"\n\nText.", 0, 0, "\n\nText.", "leading blank lines kept"},
	{"Red \x1b[31malert\x07\n", 0, 0, "Red [31malert", "terminal controls dropped"},
	{"Tab\tkept\n", 0, 0, "Tab\tkept", "tab kept"},
	{"", 0, 0, "", "empty body"},
	{"a\n 2 files changed\nafter\n", 0, 0, "a\n 2 files changed", "cut right after summary"},
	{"x\n", 5, 9, "x", "a skip range past the end is clamped"},
};

static void test_shown_body(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(shown_cases); i++) {
		struct buf b = BUF_INIT;
		const char *body = shown_cases[i].body;

		buf_addstr(&b, "prefix:");
		body_append_shown(&b, body, strlen(body), shown_cases[i].skip_off,
				  shown_cases[i].skip_len);
		if (strncmp(b.data, "prefix:", 7) || strcmp(b.data + 7, shown_cases[i].shown))
			fail_msg("case %zu (%s): got '%s'", i, shown_cases[i].why, b.data);
		buf_release(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diffstat_summary),
		cmocka_unit_test(test_shown_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
