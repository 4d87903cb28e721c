/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include <signal.h>
#include <stddef.h>
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

/* A slot of the tables pagefile_rehash() moves: a key, and its hash. */
struct test_slot {
	uint64_t key; /* 0: empty */
	uint32_t hash;
	uint32_t pad;
};

/* The place of `key` in a table of n slots, or n when it is not there. */
static size_t find_slot(struct pagefile *pf, size_t n, uint64_t key, uint32_t hash)
{
	struct test_slot slot;
	size_t i;

	for (i = hash & (n - 1);; i = (i + 1) & (n - 1)) {
		pagefile_read(pf, (uint64_t)i * sizeof(slot), &slot, sizeof(slot));
		if (!slot.key)
			return n;
		if (slot.key == key)
			return i;
	}
}

/* Every slot of a table is found by probing in one twice its size, and
 * only those: hashes that collide and probes that wrap around the end. */
static void test_rehash(void **state)
{
	struct pagefile *from = pagefile_new(512, 2), *to = pagefile_new(512, 2);
	size_t n = 256, i;
	uint64_t key;

	(void)state;
	for (key = 1; key <= 150; key++) {
		/* few distinct hashes, some at the table's end */
		struct test_slot slot = {key, (uint32_t)(key % 7 == 0 ? n - 1 : key % 40), 0};

		i = find_slot(from, n, key, slot.hash);
		assert_int_equal(i, n);
		for (i = slot.hash & (n - 1);; i = (i + 1) & (n - 1)) {
			struct test_slot there;

			pagefile_read(from, (uint64_t)i * sizeof(there), &there, sizeof(there));
			if (!there.key)
				break;
		}
		pagefile_write(from, (uint64_t)i * sizeof(slot), &slot, sizeof(slot));
	}
	pagefile_rehash(to, 2 * n, from, n, sizeof(struct test_slot),
			offsetof(struct test_slot, hash));
	for (key = 1; key <= 150; key++) {
		uint32_t hash = (uint32_t)(key % 7 == 0 ? n - 1 : key % 40);

		assert_true(find_slot(to, 2 * n, key, hash) < 2 * n);
	}
	assert_int_equal(find_slot(to, 2 * n, 151, 3), 2 * n);
	for (i = n; i < 2 * n; i++) { /* what wrapped in the old table is past n now */
		struct test_slot there;

		pagefile_read(to, (uint64_t)i * sizeof(there), &there, sizeof(there));
		if (there.key)
			assert_true(there.hash >= 40 || there.hash == n - 1);
	}
	pagefile_free(from);
	pagefile_free(to);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small_cache),
	    cmocka_unit_test(test_records),
	    cmocka_unit_test(test_no_file),
	    cmocka_unit_test(test_disk_full),
	    cmocka_unit_test(test_rehash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
