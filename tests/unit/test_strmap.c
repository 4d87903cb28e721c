/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/buf.h"
#include "util/strmap.h"

/* Many keys force the table to grow several times; every key stays found. */
static void test_grow_and_find(void **state)
{
	struct strmap m;
	char key[32];
	int i, inserted;

	(void)state;
	strmap_init(&m);
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		strmap_put(&m, key, &inserted)->value = xstrdup(key);
		assert_true(inserted);
	}
	assert_int_equal(m.size, 10000);
	for (i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		assert_string_equal(strmap_get(&m, key), key);
	}
	assert_null(strmap_get(&m, "key-10000"));
	/* Putting an existing key finds it and inserts nothing. */
	assert_string_equal(strmap_put(&m, "key-7", &inserted)->value, "key-7");
	assert_false(inserted);
	assert_int_equal(m.size, 10000);
	strmap_release(&m, free);
}

/* The empty string is a key like any other. */
static void test_empty_key(void **state)
{
	struct strmap m;
	int inserted;

	(void)state;
	strmap_init(&m);
	assert_null(strmap_get(&m, ""));
	strmap_put(&m, "", &inserted)->value = &m;
	assert_true(inserted);
	assert_ptr_equal(strmap_get(&m, ""), &m);
	strmap_release(&m, NULL);
}

/* A map never given a key holds no table: lookups, iteration and release
 * work on it, and so does a first key after a release (a map reused). */
static void test_no_table_until_first_key(void **state)
{
	struct strmap m;
	size_t i, seen = 0;
	int inserted;

	(void)state;
	strmap_init(&m);
	assert_null(m.slots);
	assert_null(strmap_get(&m, "absent"));
	for (i = 0; i < m.nslots; i++)
		seen += m.slots[i].key != NULL;
	assert_int_equal(seen, 0);
	strmap_release(&m, free);
	strmap_put(&m, "first", &inserted)->value = &m;
	assert_true(inserted);
	assert_non_null(m.slots);
	assert_ptr_equal(strmap_get(&m, "first"), &m);
	assert_int_equal(m.size, 1);
	strmap_release(&m, NULL);
	assert_null(strmap_get(&m, "first"));
}

/* A borrowed map keeps the caller's key itself, and frees none. */
static void test_borrowed_keys(void **state)
{
	struct strmap m;
	char *keys[100];
	char key[32];
	int i, inserted;

	(void)state;
	strmap_init_borrowed(&m);
	for (i = 0; i < 100; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		keys[i] = xstrdup(key);
		assert_ptr_equal(strmap_put(&m, keys[i], &inserted)->key, keys[i]);
		assert_true(inserted);
	}
	/* found by an equal string, not only by the same pointer */
	assert_ptr_equal(strmap_put(&m, "k42", &inserted)->key, keys[42]);
	assert_false(inserted);
	strmap_put(&m, keys[7], &inserted)->value = keys[7];
	assert_ptr_equal(strmap_get(&m, "k7"), keys[7]);
	strmap_release(&m, NULL); /* frees no key: LSan would see them twice */
	for (i = 0; i < 100; i++)
		free(keys[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grow_and_find),
		cmocka_unit_test(test_empty_key),
		cmocka_unit_test(test_no_table_until_first_key),
		cmocka_unit_test(test_borrowed_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
