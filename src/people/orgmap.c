/* SPDX-License-Identifier: GPL-2.0-or-later */
/* gitdm's domain map: domain -> organisation, with end dates. */
#include "people/orgmap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "people/readfile.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/text.h"

struct orgmap_mapping {
	char *organisation;
	bool has_until;
	int64_t until; /* the mapping holds for mail sent before this */
};

struct orgmap_domain {
	struct orgmap_mapping *mappings;
	size_t n;
};

struct orgmap {
	struct strmap by_domain; /* lower-cased domain -> struct orgmap_domain */
};

static void domain_free(void *p)
{
	struct orgmap_domain *d = p;
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->mappings[i].organisation);
	free(d->mappings);
	free(d);
}

void orgmap_free(struct orgmap *map)
{
	if (!map)
		return;
	strmap_release(&map->by_domain, domain_free);
	free(map);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int parse_line(struct orgmap *map, const char *s, const char *end, const char **why)
{
	const char *domain = s, *org, *org_end = end, *lt;
	struct orgmap_mapping m = {0};
	struct orgmap_domain *d;
	struct strmap_entry *slot;
	struct buf key = BUF_INIT;
	size_t domain_len;
	int inserted;

	while (s < end && !is_blank(*s))
		s++;
	domain_len = (size_t)(s - domain);
	while (s < end && is_blank(*s))
		s++;
	org = s;
	while (org_end > org && is_blank(org_end[-1]))
		org_end--;
	lt = org_end;
	while (lt > org && lt[-1] != '<')
		lt--;
	if (lt > org) { /* "Organisation < YYYY-MM-DD" */
		char *date = xmemdupz(lt, (size_t)(org_end - lt));
		char *d0 = date;

		while (is_blank(*d0))
			d0++;
		if (date_parse_iso8601(d0, &m.until) < 0) {
			free(date);
			*why = "the date after '<' is not YYYY-MM-DD";
			return -1;
		}
		free(date);
		m.has_until = true;
		org_end = lt - 1;
		while (org_end > org && is_blank(org_end[-1]))
			org_end--;
	}
	if (org_end <= org) {
		*why = "a domain without an organisation";
		return -1;
	}
	m.organisation = xmemdupz(org, (size_t)(org_end - org));
	text_append_lower(&key, domain, domain_len);
	slot = strmap_put(&map->by_domain, key.data, &inserted);
	buf_release(&key);
	if (inserted)
		slot->value = xcalloc(1, sizeof(struct orgmap_domain));
	d = slot->value;
	d->mappings = xrealloc(d->mappings, (d->n + 1) * sizeof(*d->mappings));
	d->mappings[d->n++] = m;
	return 0;
}

int orgmap_parse(struct orgmap **out, const char *s, size_t len, const char *name)
{
	struct orgmap *map = xcalloc(1, sizeof(*map));
	const char *end = s + len, *line = s, *eol, *start;
	const char *why = NULL;
	unsigned long lineno = 0;

	strmap_init(&map->by_domain);
	for (; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		lineno++;
		for (start = line; start < eol && is_blank(*start); start++)
			;
		if (start == eol || *start == '#')
			continue;
		if (memchr(start, '\0', (size_t)(eol - start)))
			why = "a NUL byte";
		else if (parse_line(map, start, eol, &why) == 0)
			continue;
		orgmap_free(map);
		return error_set(MD_ERR_INPUT, "cannot read orgmap '%s': line %lu: %s", name,
				 lineno, why);
	}
	*out = map;
	return 0;
}

int orgmap_read(struct orgmap **out, const char *path)
{
	char *data;
	size_t len;
	int error;

	if ((error = people_read_file("orgmap", path, &data, &len)) < 0)
		return error;
	error = orgmap_parse(out, data, len, path);
	free(data);
	return error;
}

/* The mapping of one domain in force at `date`: the earliest end after it, else the open one. */
static const char *pick(const struct orgmap_domain *d, int64_t date)
{
	const struct orgmap_mapping *best = NULL;
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct orgmap_mapping *m = &d->mappings[i];

		if (m->has_until && date >= m->until)
			continue;
		if (!best || (m->has_until && (!best->has_until || m->until < best->until)))
			best = m;
	}
	return best ? best->organisation : NULL;
}

const char *orgmap_find(const struct orgmap *map, const char *domain, int64_t date)
{
	struct buf key = BUF_INIT;
	const char *s, *found = NULL;

	if (!map)
		return NULL;
	text_append_lower(&key, domain, strlen(domain));
	/* Longest first: a.b.example.com, b.example.com, example.com, com. */
	for (s = key.data; *s && !found;) {
		const struct orgmap_domain *d = strmap_get(&map->by_domain, s);

		if (d)
			found = pick(d, date);
		s = strchr(s, '.');
		if (!s)
			break;
		s++;
	}
	buf_release(&key);
	return found;
}
