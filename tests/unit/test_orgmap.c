/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include "people/orgmap.h"
#include "util/date.h"
#include "util/error.h"

static const char map_text[] =
	"# gitdm domain-map\n"
	"redhat.com\tRed Hat\n"
	"ibm.com IBM\n"
	"linux.ibm.com  IBM Linux Technology Center\n"
	"\n"
	"oldco.com Old Company Inc. < 2010-01-01\n"
	"oldco.com Acquirer Ltd. < 2015-06-01\n"
	"oldco.com Newest Owner\n"
	"EXAMPLE.ORG   Example Org  \r\n";

static int64_t day(const char *iso)
{
	int64_t t;

	assert_int_equal(date_parse_iso8601(iso, &t), 0);
	return t;
}

static const struct {
	const char *domain, *date, *want; /* want NULL: not mapped */
	const char *why;
} vectors[] = {
	{"redhat.com", "2026-01-01", "Red Hat", "a tab between domain and name"},
	{"us.redhat.com", "2026-01-01", "Red Hat", "a subdomain matches"},
	{"notredhat.com", "2026-01-01", NULL, "a suffix that is not a subdomain does not"},
	{"linux.ibm.com", "2026-01-01", "IBM Linux Technology Center", "the longest domain wins"},
	{"us.linux.ibm.com", "2026-01-01", "IBM Linux Technology Center", "longest, below it"},
	{"de.ibm.com", "2026-01-01", "IBM", "the shorter one for the rest"},
	{"oldco.com", "2009-12-31", "Old Company Inc.", "before the first end date"},
	{"oldco.com", "2010-01-01", "Acquirer Ltd.", "an end date is not included"},
	{"oldco.com", "2020-01-01", "Newest Owner", "after every end date: the open line"},
	{"Mail.Example.Org", "2026-01-01", "Example Org", "case and trailing blanks ignored"},
	{"example.net", "2026-01-01", NULL, "unknown"},
	{"", "2026-01-01", NULL, "no domain"},
};

static void test_find(void **state)
{
	struct orgmap *map;
	const char *got;
	size_t i;

	(void)state;
	assert_int_equal(orgmap_parse(&map, map_text, strlen(map_text), "m"), 0);
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		got = orgmap_find(map, vectors[i].domain, day(vectors[i].date));
		if (!vectors[i].want ? got != NULL : !got || strcmp(got, vectors[i].want))
			fail_msg("%s: got %s", vectors[i].why, got ? got : "(none)");
	}
	orgmap_free(map);
	assert_null(orgmap_find(NULL, "redhat.com", 0));
}

static const struct {
	const char *text, *error;
} bad[] = {
	{"redhat.com\n", "cannot read orgmap 'd.map': line 1: a domain without an organisation"},
	{"# c\n\nx.com X < someday\n",
	 "cannot read orgmap 'd.map': line 3: the date after '<' is not YYYY-MM-DD"},
	{"x.com < 2010-01-01\n", "cannot read orgmap 'd.map': line 1: a domain without an organisation"},
};

static void test_bad(void **state)
{
	struct orgmap *map = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		error_clear();
		assert_int_equal(orgmap_parse(&map, bad[i].text, strlen(bad[i].text), "d.map"),
				 MD_ERR_INPUT);
		assert_string_equal(error_message(), bad[i].error);
	}
	assert_int_equal(orgmap_read(&map, "/nonexistent/orgmap"), MD_ERR_INPUT);
	assert_string_equal(error_message(),
			    "cannot read orgmap '/nonexistent/orgmap': No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
