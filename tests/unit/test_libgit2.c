/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgit2 loaded on first need (src/archive/libgit2.c): every function of
 * the table is the one this test links, and the oid_* functions, which
 * need no library, do what libgit2's do.
 */
#include "unit.h"

#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "archive/libgit2.h"

static void test_table(void **state)
{
	char why[256] = "";

	(void)state;
	assert_int_equal(libgit2_load(why, sizeof(why)), 0);
	assert_string_equal(why, "");
	/* Loaded twice, once. */
	assert_int_equal(libgit2_load(why, sizeof(why)), 0);
#define SAME(name) assert_true(git2.name == git_##name);
	LIBGIT2_FUNCTIONS(SAME)
#undef SAME
}

static void test_oid(void **state)
{
	char want[64], have[64];
	git_oid a, b, c;
	size_t size, i;
	int round;

	(void)state;
	srand(7);
	for (round = 0; round < 200; round++) {
		for (i = 0; i < GIT_OID_RAWSZ; i++) {
			a.id[i] = (unsigned char)rand();
			b.id[i] = round % 2 ? a.id[i] : (unsigned char)rand();
		}
		if (round % 4 == 3)
			b.id[round % GIT_OID_RAWSZ] ^= 0x10; /* one nibble apart */
		for (size = 0; size <= 42; size++) {
			memset(want, 'x', sizeof(want));
			memset(have, 'x', sizeof(have));
			assert_ptr_equal(oid_tostr(have, size, &a), have);
			git_oid_tostr(want, size, &a);
			assert_memory_equal(have, want, sizeof(want));
		}
		assert_int_equal(oid_equal(&a, &b), git_oid_equal(&a, &b));
		assert_true(oid_equal(&a, &a));
		oid_copy(&c, &b);
		assert_true(git_oid_equal(&c, &b));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_oid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
