/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "state/store.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strmap.h"

struct memstate {
	struct store store;
	struct strmap first_key; /* identity -> key of the first message it was seen in */
};

static int memstate_record_patch(struct store *s, const char *identity,
				 const struct store_message *msg, bool *first_elsewhere)
{
	struct memstate *m = (struct memstate *)s;
	int inserted;
	struct strmap_entry *e = strmap_put(&m->first_key, identity, &inserted);

	if (inserted)
		e->value = xstrdup(msg->key);
	*first_elsewhere = strcmp(e->value, msg->key) != 0;
	return 0;
}

static void memstate_free(struct store *s)
{
	struct memstate *m = (struct memstate *)s;

	strmap_release(&m->first_key, free);
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
	strmap_init(&m->first_key);
	return &m->store;
}
