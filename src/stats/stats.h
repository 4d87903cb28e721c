/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_STATS_STATS_H
#define MLDIGEST_STATS_STATS_H

/*
 * Counting things by key: the top domains and top contributors of the
 * digest.  Pure.  Memory grows with the number of distinct keys only.
 */

#include <stddef.h>

struct tally; /* opaque */

struct tally_row {
	const char *shown; /* borrowed from the tally */
	unsigned long count;
};

/* A new, empty tally; the caller frees it with tally_free(). */
struct tally *tally_new(void);
void tally_free(struct tally *t);

/*
 * Counts one for `key` and makes `shown` its shown string (the latest one
 * given wins: a person is shown with the name of their latest message).
 */
void tally_add(struct tally *t, const char *key, const char *shown);

/* Number of distinct keys. */
size_t tally_size(const struct tally *t);

/*
 * Fills rows[0..n) with the top `n` rows (fewer when the tally is smaller)
 * and returns how many: count descending, then the shown string in
 * descending byte order (how the seed breaks ties).  Rows are valid until
 * the next tally_add or tally_free.
 */
size_t tally_top(const struct tally *t, struct tally_row *rows, size_t n);

#endif
