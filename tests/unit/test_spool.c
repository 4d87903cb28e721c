/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "util/buf.h"
#include "util/spool.h"

#define NTEXTS 3000

/* Text i: its length varies from empty to larger than the cache's pages
 * (16 KiB) many times over, so texts land in the file, in memory and
 * across pages. */
static void make_text(struct buf *out, size_t i)
{
	size_t len = i % 97 == 0 ? 0 : i % 1000 == 1 ? 200 * 1024 + i : (i * 37) % 700;
	size_t k;

	buf_reset(out);
	for (k = 0; k < len; k++)
		buf_addch(out, (int)('a' + (i + k) % 26));
}

/* Adds NTEXTS texts, reading some back at once (before they are written to
 * the file), then reads every one back in another order. */
static void add_and_read_back(struct spool *s)
{
	struct spool_text *where = xcalloc(NTEXTS, sizeof(*where));
	struct buf want = BUF_INIT, got = BUF_INIT;
	size_t i;

	for (i = 0; i < NTEXTS; i++) {
		make_text(&want, i);
		where[i] = spool_add(s, want.data, want.len);
		assert_int_equal(where[i].len, want.len);
		if (i % 10 == 0) {
			buf_reset(&got);
			spool_append(&got, s, where[i]);
			assert_int_equal(got.len, want.len);
			assert_memory_equal(got.data, want.data, want.len);
		}
	}
	for (i = NTEXTS; i-- > 0;) {
		make_text(&want, i);
		buf_reset(&got);
		buf_addstr(&got, "x"); /* appended, not replaced */
		spool_append(&got, s, where[i]);
		assert_int_equal(got.len, want.len + 1);
		assert_memory_equal(got.data + 1, want.data, want.len);
		assert_int_equal(got.data[got.len], '\0');
	}
	buf_release(&want);
	buf_release(&got);
	free(where);
}

/* In a temporary file: what is kept in memory is the cache, 1 MiB, of
 * more than 3 MiB added. */
static void test_file(void **state)
{
	struct spool *s = spool_new();

	(void)state;
	add_and_read_back(s);
	assert_true(spool_memory(s) <= 1024 * 1024);
	spool_free(s);
}

/* No temporary file can be made: everything is kept in memory, the same. */
static void test_no_file(void **state)
{
	const char *old = getenv("TMPDIR");
	char *saved = old ? xstrdup(old) : NULL;
	struct spool *s;

	(void)state;
	/* the file is made when the cache is full: TMPDIR is bad until then */
	setenv("TMPDIR", "/nonexistent/mldigest-test", 1);
	s = spool_new();
	add_and_read_back(s);
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
	assert_true(spool_memory(s) > 1024 * 1024);
	spool_free(s);
}

/* The disk fills up part way (a file size limit): the texts written stay
 * readable, one is split between the file and memory, the rest is kept in
 * memory. */
static void test_disk_full(void **state)
{
	struct rlimit old, small;
	struct spool *s;

	(void)state;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small = old;
	small.rlim_cur = 300 * 1024 + 123; /* not on a text's boundary */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	s = spool_new();
	add_and_read_back(s);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_true(spool_memory(s) > 256 * 1024);
	spool_free(s);
	signal(SIGXFSZ, SIG_DFL);
}

/* The empty text, and a zeroed spool_text, read as nothing. */
static void test_empty(void **state)
{
	struct spool *s = spool_new();
	struct spool_text none = {0, 0}, t;
	struct buf got = BUF_INIT;

	(void)state;
	spool_append(&got, s, none);
	t = spool_add(s, "", 0);
	spool_append(&got, s, t);
	assert_int_equal(got.len, 0);
	t = spool_add(s, "abc", 3);
	spool_append(&got, s, none);
	spool_append(&got, s, t);
	assert_string_equal(got.data, "abc");
	buf_release(&got);
	spool_free(s);
	spool_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_no_file),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
