/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state/store.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/pagefile.h"
#include "util/spool.h"
#include "util/strmap.h"

/*
 * identity -> key of the first message it was seen in, for every patch of
 * the window: the pairs ("identity\0key\0") go to a spool, outside the
 * heap; the table keeps a 32-bit hash of each identity and where its pair
 * is (16 bytes a slot), in a pagefile: outside the heap too.  A hash found
 * is checked against the identity read back, so a collision changes
 * nothing; only a patch seen again (or a collision) reads the spool.
 */
struct identity_slot {
	uint64_t off; /* the pair in the spool */
	uint32_t len; /* 0: an empty slot (a pair has two NULs at least) */
	uint32_t hash;
};

/* The table's cache: read at random, so small pages (util/pagefile.h). */
#define SLOTS_PAGE  (4 * 1024)
#define SLOTS_PAGES 512 /* 2 MiB */

struct memstate {
	struct store store;
	struct spool *pairs;
	struct pagefile *slots; /* nslots struct identity_slot */
	size_t nslots, size;	/* nslots: a power of two */
	struct buf pair;	/* one pair read back */
};

static struct identity_slot slot_get(struct pagefile *slots, size_t i)
{
	struct identity_slot slot;

	pagefile_read(slots, (uint64_t)i * sizeof(slot), &slot, sizeof(slot));
	return slot;
}

static void slot_put(struct pagefile *slots, size_t i, const struct identity_slot *slot)
{
	pagefile_write(slots, (uint64_t)i * sizeof(*slot), slot, sizeof(*slot));
}

/* Twice the slots: a new table, the old one's slots put in it in order. */
static void grow_slots(struct memstate *m)
{
	size_t nslots = m->nslots ? m->nslots * 2 : 1024;
	struct pagefile *slots = pagefile_new(SLOTS_PAGE, SLOTS_PAGES);

	pagefile_rehash(slots, nslots, m->slots, m->nslots, sizeof(struct identity_slot),
			offsetof(struct identity_slot, hash));
	pagefile_free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
}

/* The pair of `slot` read back into m->pair: the identity, then the key. */
static const char *read_pair(struct memstate *m, const struct identity_slot *slot)
{
	struct spool_text t = {slot->off, slot->len};

	buf_reset(&m->pair);
	spool_append(&m->pair, m->pairs, t);
	return m->pair.data;
}

/* Adds the pair (identity, key) at the empty slot number `at`. */
static void add_pair(struct memstate *m, size_t at, uint32_t hash, const char *identity,
		     const char *key)
{
	size_t ilen = strlen(identity), klen = strlen(key);
	struct identity_slot slot;
	struct spool_text t;

	buf_reset(&m->pair);
	buf_add(&m->pair, identity, ilen + 1);
	buf_add(&m->pair, key, klen + 1);
	t = spool_add(m->pairs, m->pair.data, m->pair.len);
	if (t.len > UINT32_MAX) { /* a pair of 4 GiB: identities are printable subjects */
		fprintf(stderr, "mldigest: patch identity too long (%zu bytes)\n", t.len);
		abort();
	}
	slot.hash = hash;
	slot.off = t.off;
	slot.len = (uint32_t)t.len;
	slot_put(m->slots, at, &slot);
	m->size++;
}

static int memstate_record_patch(struct store *s, const char *identity,
				 const struct store_message *msg, bool *first_elsewhere)
{
	struct memstate *m = (struct memstate *)s;
	uint32_t hash = strmap_hash(identity);
	size_t i;

	if ((m->size + 1) * 4 > m->nslots * 3)
		grow_slots(m);
	for (i = hash & (m->nslots - 1);; i = (i + 1) & (m->nslots - 1)) {
		struct identity_slot slot = slot_get(m->slots, i);
		const char *pair;

		if (!slot.len)
			break;
		if (slot.hash != hash)
			continue;
		pair = read_pair(m, &slot);
		if (strcmp(pair, identity))
			continue; /* a collision */
		*first_elsewhere = strcmp(pair + strlen(pair) + 1, msg->key) != 0;
		return 0;
	}
	add_pair(m, i, hash, identity, msg->key);
	*first_elsewhere = false;
	return 0;
}

static void memstate_free(struct store *s)
{
	struct memstate *m = (struct memstate *)s;

	spool_free(m->pairs);
	pagefile_free(m->slots);
	buf_release(&m->pair);
	free(m);
}

static const struct store_ops memstate_ops = {
	.record_patch = memstate_record_patch,
	.free = memstate_free,
};

struct store *memstate_new(void)
{
	struct memstate *m = xcalloc(1, sizeof(*m));

	m->store.ops = &memstate_ops;
	m->pairs = spool_new();
	buf_init(&m->pair);
	return &m->store;
}
