/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "stats/stats.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/strmap.h"

struct tally_count {
	char *shown;
	unsigned long count;
};

struct tally {
	struct strmap map; /* key -> struct tally_count */
};

struct tally *tally_new(void)
{
	struct tally *t = xcalloc(1, sizeof(*t));

	strmap_init(&t->map);
	return t;
}

static void free_count(void *p)
{
	struct tally_count *c = p;

	free(c->shown);
	free(c);
}

void tally_free(struct tally *t)
{
	if (!t)
		return;
	strmap_release(&t->map, free_count);
	free(t);
}

void tally_add(struct tally *t, const char *key, const char *shown)
{
	int inserted;
	struct strmap_entry *e = strmap_put(&t->map, key, &inserted);
	struct tally_count *c = e->value;

	if (inserted)
		e->value = c = xcalloc(1, sizeof(*c));
	c->count++;
	if (!c->shown || strcmp(c->shown, shown)) {
		free(c->shown);
		c->shown = xstrdup(shown);
	}
}

size_t tally_size(const struct tally *t)
{
	return t->map.size;
}

static int compare_rows(const void *a, const void *b)
{
	const struct tally_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return -strcmp(x->shown, y->shown);
}

size_t tally_top(const struct tally *t, struct tally_row *rows, size_t n)
{
	struct tally_row *all;
	size_t i, k = 0;

	if (!t->map.size || !n)
		return 0;
	all = xmalloc(t->map.size * sizeof(*all));
	for (i = 0; i < t->map.nslots; i++) {
		const struct tally_count *c = t->map.slots[i].value;

		if (!t->map.slots[i].key)
			continue;
		all[k].shown = c->shown;
		all[k].count = c->count;
		k++;
	}
	qsort(all, k, sizeof(*all), compare_rows);
	if (n > k)
		n = k;
	memcpy(rows, all, n * sizeof(*rows));
	free(all);
	return n;
}
