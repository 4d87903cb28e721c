/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_UTIL_STRMAP_H
#define MLDIGEST_UTIL_STRMAP_H

/*
 * A map from strings to pointers: open addressing, linear probing, grown
 * at 3/4 full.  Keys are copied in; values are the caller's.  An empty map
 * holds no table (its first key allocates one).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct strmap_entry {
	char *key; /* NULL in an empty slot */
	void *value;
	uint32_t hash;
};

struct strmap {
	struct strmap_entry *slots;
	size_t nslots; /* a power of two */
	size_t size;   /* keys held */
	bool borrowed; /* keys are the caller's (strmap_init_borrowed) */
};

/* The maps' hash of a string (FNV-1a), for tables of their own (series.c, memstate.c). */
uint32_t strmap_hash(const char *s);

void strmap_init(struct strmap *m);
/*
 * A map whose keys are not copied (nor freed): each key given to
 * strmap_put() must stay unchanged as long as the map holds it.  For an
 * index over strings the caller keeps anyway.
 */
void strmap_init_borrowed(struct strmap *m);
/* Frees the keys and the table; calls free_value(value) on each value when non-NULL. */
void strmap_release(struct strmap *m, void (*free_value)(void *));

/* The value of `key`, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);

/*
 * The entry of `key`, inserted (with value NULL) when missing; *inserted
 * says which.  The pointer is valid until the next insertion.
 */
struct strmap_entry *strmap_put(struct strmap *m, const char *key, int *inserted);

/* Iteration: for (i = 0; i < m->nslots; i++) if (m->slots[i].key) ... */

#endif
