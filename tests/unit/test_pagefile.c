/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "util/buf.h"
#include "util/pagefile.h"

#define SIZE (256 * 1024)

/*
 * Writes and reads back SIZE bytes in pieces of every length (from one
 * byte to several pages, across page boundaries), at random places, many
 * more times than the cache holds, against a copy kept in memory: what is
 * read is always what was last written there, zeros where nothing was.
 */
static void against_a_copy(struct pagefile *pf, unsigned seed, bool in_order_first)
{
	unsigned char *copy = xcalloc(SIZE, 1), *got = xmalloc(SIZE);
	uint64_t end = 0;
	size_t round;

	srand(seed);
	if (in_order_first) { /* the file fills from its start, as appends do */
		for (round = 0; round < SIZE; round++)
			copy[round] = (unsigned char)rand();
		for (round = 0; round < SIZE; round += 1000)
			pagefile_write(pf, round, copy + round,
				       SIZE - round < 1000 ? SIZE - round : 1000);
		end = SIZE;
	}
	for (round = 0; round < 20000; round++) {
		size_t len = (size_t)rand() % (round % 50 == 0 ? 9000 : 100) + 1;
		size_t off = (size_t)rand() % (SIZE - len), k;

		if (rand() % 3) {
			for (k = 0; k < len; k++)
				copy[off + k] = (unsigned char)rand();
			pagefile_write(pf, off, copy + off, len);
			if (off + len > end)
				end = off + len;
		} else {
			memset(got, 0xaa, len);
			pagefile_read(pf, off, got, len);
			assert_memory_equal(got, copy + off, len);
		}
		assert_true(pagefile_size(pf) == end);
	}
	pagefile_read(pf, 0, got, SIZE); /* in one piece, through every page */
	assert_memory_equal(got, copy, SIZE);
	free(copy);
	free(got);
}

/* In a temporary file: pages come and go, memory stays at the cache's size. */
static void test_small_cache(void **state)
{
	struct pagefile *pf = pagefile_new(512, 4);

	(void)state;
	against_a_copy(pf, 1, false);
	assert_int_equal(pagefile_memory(pf), 4 * 512);
	pagefile_free(pf);
	pf = pagefile_new(4096, 1); /* a single page: every other access evicts it */
	against_a_copy(pf, 2, false);
	assert_int_equal(pagefile_memory(pf), 4096);
	pagefile_free(pf);
}

/* Records of a size that does not divide the page, written in order and
 * read back in another, as series.c does. */
static void test_records(void **state)
{
	struct pagefile *pf = pagefile_new(1024, 3);
	unsigned char rec[88], got[88];
	size_t i, k;

	(void)state;
	for (i = 0; i < 5000; i++) {
		for (k = 0; k < sizeof(rec); k++)
			rec[k] = (unsigned char)(i * 31 + k);
		pagefile_write(pf, (uint64_t)i * sizeof(rec), rec, sizeof(rec));
	}
	assert_true(pagefile_size(pf) == 5000 * sizeof(rec));
	for (i = 5000; i-- > 0;) {
		size_t at = (i * 7919) % 5000;

		pagefile_read(pf, (uint64_t)at * sizeof(rec), got, sizeof(got));
		for (k = 0; k < sizeof(rec); k++)
			assert_int_equal(got[k], (unsigned char)(at * 31 + k));
	}
	assert_int_equal(pagefile_memory(pf), 3 * 1024);
	pagefile_free(pf);
	pagefile_free(NULL);
}

/* No temporary file can be made: every page stays in memory, the same bytes. */
static void test_no_file(void **state)
{
	const char *old = getenv("TMPDIR");
	char *saved = old ? xstrdup(old) : NULL;
	struct pagefile *pf;

	(void)state;
	setenv("TMPDIR", "/nonexistent/mldigest-test", 1);
	pf = pagefile_new(512, 4);
	against_a_copy(pf, 3, false); /* the file is made when a page leaves memory */
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	assert_true(pagefile_memory(pf) == SIZE); /* every page was touched */
	pagefile_free(pf);
}

/* The disk fills up part way (a file size limit): the pages written stay
 * readable from the file, the others stay in memory. */
static void test_disk_full(void **state)
{
	struct rlimit old, small;
	struct pagefile *pf;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 64 * 1024 + 100; /* not on a page's boundary */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	pf = pagefile_new(512, 4);
	against_a_copy(pf, 4, true);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_true(pagefile_memory(pf) > 4 * 512);
	assert_true(pagefile_memory(pf) < SIZE);
	pagefile_free(pf);
	signal(SIGXFSZ, SIG_DFL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small_cache),
	    cmocka_unit_test(test_records),
	    cmocka_unit_test(test_no_file),
	    cmocka_unit_test(test_disk_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
