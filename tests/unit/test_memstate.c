/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include <stdio.h>

#include "state/store.h"

static struct store_message msg(const char *key)
{
	struct store_message m = {
		.key = key, .message_id = "", .commit = key, .subject = "", .author = "a@x.org"};

	return m;
}

/* First seen is new; seen again from another message is a duplicate;
 * seen again from the same message (a re-run) is still new. */
static void test_first_elsewhere(void **state)
{
	struct store *s = memstate_new();
	struct store_message m1 = msg("c1"), m2 = msg("c2");
	bool dup = true;

	(void)state;
	assert_int_equal(store_record_patch(s, "id-a", &m1, &dup), 0);
	assert_false(dup);
	assert_int_equal(store_record_patch(s, "id-a", &m2, &dup), 0);
	assert_true(dup);
	assert_int_equal(store_record_patch(s, "id-a", &m1, &dup), 0);
	assert_false(dup);
	assert_int_equal(store_record_patch(s, "id-b", &m2, &dup), 0);
	assert_false(dup);
	store_free(s);
}

/* Many identities: the table grows (from 1024 slots) and its slots leave
 * memory (a pagefile); each is still found, with the key it was first
 * seen in. */
static void test_many(void **state)
{
	struct store *s = memstate_new();
	char id[32], key[32], other[32];
	bool dup;
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		struct store_message m;

		snprintf(id, sizeof(id), "id-%d", i);
		snprintf(key, sizeof(key), "k%d", i);
		m = msg(key);
		assert_int_equal(store_record_patch(s, id, &m, &dup), 0);
		assert_false(dup);
	}
	for (i = 20000; i-- > 0;) {
		struct store_message m;

		snprintf(id, sizeof(id), "id-%d", i);
		snprintf(key, sizeof(key), "k%d", i);
		snprintf(other, sizeof(other), "k%d", i + 1);
		m = msg(key);
		assert_int_equal(store_record_patch(s, id, &m, &dup), 0);
		assert_false(dup); /* the same message again */
		m = msg(other);
		assert_int_equal(store_record_patch(s, id, &m, &dup), 0);
		assert_true(dup);
	}
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_elsewhere),
	    cmocka_unit_test(test_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
