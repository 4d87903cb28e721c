/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include <stdio.h>

#include "patch/author.h"

static const struct {
	const char *body;
	int found;
	const char *line;  /* the bytes the shown body drops */
	const char *value; /* the text after From: */
	const char *why;
} cases[] = {
	{"From: \"Mike Rapoport (Microsoft)\" <rppt@kernel.org>\n\nSplit copying\n", 1,
	 "From: \"Mike Rapoport (Microsoft)\" <rppt@kernel.org>\n",
	 " \"Mike Rapoport (Microsoft)\" <rppt@kernel.org>", "git send-email's in-body From (seed)"},
	{"\n\nFrom: A <a@x.org>\n\nbody\n", 1, "From: A <a@x.org>\n", " A <a@x.org>",
	 "git am skips empty lines before in-body headers"},
	{"Subject: [PATCH] x\nFrom: A <a@x.org>\n\nbody", 1, "From: A <a@x.org>\n",
	 " A <a@x.org>", "From after an in-body Subject"},
	{"from: a@x.org\n\nbody", 1, "from: a@x.org\n", " a@x.org", "any case"},
	{"From: Very Long Name\n <a@x.org>\n\nbody", 1, "From: Very Long Name\n <a@x.org>\n",
	 " Very Long Name\n <a@x.org>", "a folded in-body From"},
	{"From: A <a@x.org>", 1, "From: A <a@x.org>", " A <a@x.org>",
	 "the last line, without a newline"},
	{"Hi,\nFrom: A <a@x.org>\n", 0, NULL, NULL, "not the first line: prose"},
	{" \nFrom: A <a@x.org>\n", 0, NULL, NULL,
	 "a line of spaces is not empty: git am stops there"},
	{"From A <a@x.org>\n", 0, NULL, NULL, "an mbox From_ line is no header"},
	{">From: A <a@x.org>\n", 0, NULL, NULL, "quoted"},
	{"", 0, NULL, NULL, "an empty body"},
	{"\n\n\n", 0, NULL, NULL, "only empty lines"},
};

static void test_inbody_from(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct inbody_from ib;
		const char *body = cases[i].body;
		int found = author_find_inbody_from(body, strlen(body), &ib);

		if (found != cases[i].found)
			fail_msg("case %zu (%s): found %d", i, cases[i].why, found);
		if (!found)
			continue;
		if (strlen(cases[i].line) != ib.line_len ||
		    memcmp(body + ib.line_off, cases[i].line, ib.line_len))
			fail_msg("case %zu (%s): line '%.*s'", i, cases[i].why, (int)ib.line_len,
				 body + ib.line_off);
		if (strlen(cases[i].value) != ib.value_len ||
		    memcmp(body + ib.value_off, cases[i].value, ib.value_len))
			fail_msg("case %zu (%s): value '%.*s'", i, cases[i].why,
				 (int)ib.value_len, body + ib.value_off);
	}
}

/* The scan stops after a bounded number of header lines (hostile mail). */
static void test_bounded(void **state)
{
	static char body[64 * 20 + 32];
	struct inbody_from ib;
	size_t i, len = 0;

	(void)state;
	for (i = 0; i < 64; i++)
		len += (size_t)sprintf(body + len, "Subject: s%zu\n", i);
	len += (size_t)sprintf(body + len, "From: a@x.org\n");
	assert_false(author_find_inbody_from(body, len, &ib));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inbody_from),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
