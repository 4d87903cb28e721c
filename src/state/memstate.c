/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state/store.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strmap.h"

struct memstate {
	struct store store;
	/* identity -> key of the first message it was seen in: one block per
	 * identity, "identity\0key\0", which the map borrows as its key */
	struct strmap first_key;
};

static int memstate_record_patch(struct store *s, const char *identity,
				 const struct store_message *msg, bool *first_elsewhere)
{
	struct memstate *m = (struct memstate *)s;
	const char *first = strmap_get(&m->first_key, identity);
	int inserted;

	if (!first) {
		size_t ilen = strlen(identity), klen = strlen(msg->key);
		char *block = xmalloc(ilen + klen + 2);

		memcpy(block, identity, ilen + 1);
		memcpy(block + ilen + 1, msg->key, klen + 1);
		first = block + ilen + 1;
		strmap_put(&m->first_key, block, &inserted)->value = (void *)first;
	}
	*first_elsewhere = strcmp(first, msg->key) != 0;
	return 0;
}

static void memstate_free(struct store *s)
{
	struct memstate *m = (struct memstate *)s;
	size_t i;

	for (i = 0; i < m->first_key.nslots; i++)
		free(m->first_key.slots[i].key); /* the blocks */
	strmap_release(&m->first_key, NULL);
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
	strmap_init_borrowed(&m->first_key);
	return &m->store;
}
