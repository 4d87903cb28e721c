/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "people/mailmap.h"
#include "util/error.h"

/* One mailmap with every line form (gitmailmap(5)'s examples). */
static const char map_text[] =
	"# a comment, then a blank line\n"
	"\n"
	"Proper Name <commit@example.com>\n"                           /* form 1: the name */
	"<proper@example.com> <OLD@Example.COM>\n"                     /* form 2: the address */
	"Jane Doe <jane@corp.example> <jane@gmail.example>\n"          /* form 3: both */
	"Joe R. Developer <joe@example.com> Joe <bugs@example.com>\n" /* form 4: with the name */
	"Jim <jim@example.com> Jimmy <bugs@example.com>  # trailing comment\n"
	"   Spaced Name   <spaced@example.com>\r\n";                   /* CRLF and blanks */

static const struct {
	const char *name, *addr;         /* in */
	const char *want_name, *want_addr; /* out */
	const char *why;
} vectors[] = {
	{"Whoever", "commit@example.com", "Proper Name", "commit@example.com", "form 1 sets the name"},
	{"Whoever", "COMMIT@example.com", "Proper Name", "COMMIT@example.com", "addresses match without case"},
	{"Old Me", "old@example.com", "Old Me", "proper@example.com", "form 2 keeps the name"},
	{"jd", "jane@gmail.example", "Jane Doe", "jane@corp.example", "form 3 sets both"},
	{"Joe", "bugs@example.com", "Joe R. Developer", "joe@example.com", "form 4 when the name matches"},
	{"JOE", "bugs@example.com", "Joe R. Developer", "joe@example.com", "form 4: names match without case"},
	{"Jimmy", "bugs@example.com", "Jim", "jim@example.com", "a second name for one address"},
	{"Someone", "bugs@example.com", "Someone", "bugs@example.com", "form 4 only for its name"},
	{"S", "spaced@example.com", "Spaced Name", "spaced@example.com", "blanks and CR trimmed"},
	{"Nobody", "nobody@example.com", "Nobody", "nobody@example.com", "unknown: kept"},
};

static void test_forms(void **state)
{
	struct mailmap *map;
	const char *name, *addr;
	size_t i;

	(void)state;
	assert_int_equal(mailmap_parse(&map, map_text, strlen(map_text), "m"), 0);
	assert_int_equal(mailmap_size(map), 6);
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		mailmap_map(map, vectors[i].name, vectors[i].addr, &name, &addr);
		if (strcmp(name, vectors[i].want_name) || strcmp(addr, vectors[i].want_addr))
			fail_msg("%s: got %s <%s>", vectors[i].why, name, addr);
	}
	mailmap_free(map);
	/* no map maps nothing */
	mailmap_map(NULL, "A", "a@b", &name, &addr);
	assert_string_equal(name, "A");
	assert_string_equal(addr, "a@b");
}

/* A later line for the same address wins, as in git. */
static void test_later_wins(void **state)
{
	static const char text[] = "First <a@x>\nSecond <a@x>\n";
	struct mailmap *map;
	const char *name, *addr;

	(void)state;
	assert_int_equal(mailmap_parse(&map, text, strlen(text), "m"), 0);
	mailmap_map(map, "n", "A@X", &name, &addr);
	assert_string_equal(name, "Second");
	mailmap_free(map);
}

static const struct {
	const char *text, *error;
} bad[] = {
	{"Name only\n", "cannot read mailmap 'f.map': line 1: no <address>"},
	{"# ok\nName <unclosed\n", "cannot read mailmap 'f.map': line 2: '<' without '>'"},
	{"<a@x>\n", "cannot read mailmap 'f.map': line 1: one address and no name: nothing to map"},
	{"A <a@x> junk\n", "cannot read mailmap 'f.map': line 1: text after the last address"},
	{"A <a@x> <b@x> <c@x>\n", "cannot read mailmap 'f.map': line 1: text after the last address"},
	{"A <a@x> B <b@x\n", "cannot read mailmap 'f.map': line 1: '<' without '>'"},
};

static void test_bad(void **state)
{
	struct mailmap *map = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		error_clear();
		assert_int_equal(mailmap_parse(&map, bad[i].text, strlen(bad[i].text), "f.map"),
				 MD_ERR_INPUT);
		assert_string_equal(error_message(), bad[i].error);
	}
	/* a NUL byte in a line */
	assert_int_equal(mailmap_parse(&map, "A <a@x>\0\n", 9, "f.map"), MD_ERR_INPUT);
	assert_string_equal(error_message(), "cannot read mailmap 'f.map': line 1: a NUL byte");
	assert_int_equal(mailmap_read(&map, "/nonexistent/mailmap"), MD_ERR_INPUT);
	assert_string_equal(error_message(),
			    "cannot read mailmap '/nonexistent/mailmap': No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_later_wins),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
