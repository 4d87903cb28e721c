/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include "stats/stats.h"

/* Count descending, then the shown string in descending byte order (seed). */
static void test_order(void **state)
{
	struct tally *t = tally_new();
	struct tally_row rows[10];
	size_t n;

	(void)state;
	tally_add(t, "linux.ibm.com", "linux.ibm.com");
	tally_add(t, "tu-dortmund.de", "tu-dortmund.de");
	tally_add(t, "redhat.com", "redhat.com");
	tally_add(t, "redhat.com", "redhat.com");
	tally_add(t, "amd.com", "amd.com");
	tally_add(t, "amd.com", "amd.com");
	n = tally_top(t, rows, 10);
	assert_int_equal(n, 4);
	assert_string_equal(rows[0].shown, "redhat.com");
	assert_string_equal(rows[1].shown, "amd.com"); /* tie at 2: 'r' > 'a' */
	assert_string_equal(rows[2].shown, "tu-dortmund.de");
	assert_string_equal(rows[3].shown, "linux.ibm.com");
	assert_int_equal(rows[3].count, 1);
	tally_free(t);
}

/* The latest shown string of a key wins: a person keeps their latest name. */
static void test_latest_name(void **state)
{
	struct tally *t = tally_new();
	struct tally_row rows[2];

	(void)state;
	tally_add(t, "rppt@kernel.org", "Mike Rapoport <rppt@kernel.org>");
	tally_add(t, "rppt@kernel.org", "\"Mike Rapoport (Microsoft)\" <rppt@kernel.org>");
	assert_int_equal(tally_top(t, rows, 2), 1);
	assert_string_equal(rows[0].shown, "\"Mike Rapoport (Microsoft)\" <rppt@kernel.org>");
	assert_int_equal(rows[0].count, 2);
	tally_free(t);
}

/* --top cuts the list; --top 0 prints no rows; UTF-8 sorts by bytes. */
static void test_cut(void **state)
{
	struct tally *t = tally_new();
	struct tally_row rows[2];

	(void)state;
	tally_add(t, "a", "A");
	tally_add(t, "b", "\xc3\x89mile");
	tally_add(t, "c", "Zed");
	assert_int_equal(tally_top(t, rows, 2), 2);
	assert_string_equal(rows[0].shown, "\xc3\x89mile"); /* 0xc3 > 'Z' */
	assert_string_equal(rows[1].shown, "Zed");
	assert_int_equal(tally_top(t, rows, 0), 0);
	assert_int_equal(tally_size(t), 3);
	tally_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_latest_name),
		cmocka_unit_test(test_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
