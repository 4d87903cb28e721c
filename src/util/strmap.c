/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

uint32_t strmap_hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* The table a map gets on its first key (none before: a set of many small
 * maps, one per series, most of them never used, costs nothing). */
#define STRMAP_FIRST_SLOTS 64

void strmap_init(struct strmap *m)
{
	m->slots = NULL;
	m->nslots = m->size = 0;
	m->borrowed = false;
}

void strmap_init_borrowed(struct strmap *m)
{
	strmap_init(m);
	m->borrowed = true;
}

void strmap_release(struct strmap *m, void (*free_value)(void *))
{
	size_t i;

	for (i = 0; i < m->nslots; i++) {
		if (!m->slots[i].key)
			continue;
		if (!m->borrowed)
			free(m->slots[i].key);
		if (free_value)
			free_value(m->slots[i].value);
	}
	free(m->slots);
	m->slots = NULL;
	m->nslots = m->size = 0;
}

static struct strmap_entry *find_slot(struct strmap_entry *slots, size_t nslots, const char *key,
				      uint32_t hash)
{
	size_t i = hash & (nslots - 1);

	while (slots[i].key && (slots[i].hash != hash || strcmp(slots[i].key, key)))
		i = (i + 1) & (nslots - 1);
	return &slots[i];
}

void *strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_entry *e;

	if (!m->nslots)
		return NULL;
	e = find_slot(m->slots, m->nslots, key, strmap_hash(key));

	return e->key ? e->value : NULL;
}

static void grow(struct strmap *m)
{
	size_t i, nslots = m->nslots ? m->nslots * 2 : STRMAP_FIRST_SLOTS;
	struct strmap_entry *slots = xcalloc(nslots, sizeof(*slots));

	for (i = 0; i < m->nslots; i++)
		if (m->slots[i].key)
			*find_slot(slots, nslots, m->slots[i].key, m->slots[i].hash) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
}

struct strmap_entry *strmap_put(struct strmap *m, const char *key, int *inserted)
{
	uint32_t hash = strmap_hash(key);
	struct strmap_entry *e;

	*inserted = 0;
	if (!m->nslots)
		grow(m);
	e = find_slot(m->slots, m->nslots, key, hash);
	if (e->key)
		return e;
	if ((m->size + 1) * 4 > m->nslots * 3) {
		grow(m);
		e = find_slot(m->slots, m->nslots, key, hash);
	}
	e->key = m->borrowed ? (char *)key : xstrdup(key);
	e->hash = hash;
	e->value = NULL;
	m->size++;
	*inserted = 1;
	return e;
}
