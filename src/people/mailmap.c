/* SPDX-License-Identifier: GPL-2.0-or-later */
/* git's .mailmap, as git's mailmap.c reads and applies it. */
#include "people/mailmap.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "people/readfile.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/text.h"

/* What an address (and, for an alias, a name with it) maps to; NULL keeps. */
struct mailmap_target {
	char *name;
	char *addr;
};

struct mailmap_alias {
	char *old_name; /* the commit name it applies to */
	struct mailmap_target to;
};

struct mailmap_entry {
	struct mailmap_target to; /* for any name */
	struct mailmap_alias *aliases;
	size_t naliases;
};

struct mailmap {
	struct strmap by_addr; /* lower-cased commit address -> struct mailmap_entry */
	size_t size;
};

static void set_string(char **field, const char *s, size_t len)
{
	free(*field);
	*field = xmemdupz(s, len);
}

static void entry_free(void *p)
{
	struct mailmap_entry *e = p;
	size_t i;

	for (i = 0; i < e->naliases; i++) {
		free(e->aliases[i].old_name);
		free(e->aliases[i].to.name);
		free(e->aliases[i].to.addr);
	}
	free(e->aliases);
	free(e->to.name);
	free(e->to.addr);
	free(e);
}

void mailmap_free(struct mailmap *map)
{
	if (!map)
		return;
	strmap_release(&map->by_addr, entry_free);
	free(map);
}

size_t mailmap_size(const struct mailmap *map)
{
	return map ? map->size : 0;
}

/* One "Name <addr>" of a line: offsets into the line. */
struct mailmap_part {
	const char *name;
	size_t name_len;
	const char *addr;
	size_t addr_len;
};

static const char *trim(const char *s, const char *end, size_t *len)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*len = (size_t)(end - s);
	return s;
}

/* Reads "[name] <addr>" from s; returns the text after '>', or NULL with *why set. */
static const char *parse_part(const char *s, const char *end, struct mailmap_part *part,
			      const char **why)
{
	const char *open = memchr(s, '<', (size_t)(end - s)), *close;

	if (!open) {
		*why = "no <address>";
		return NULL;
	}
	close = memchr(open, '>', (size_t)(end - open));
	if (!close) {
		*why = "'<' without '>'";
		return NULL;
	}
	part->name = trim(s, open, &part->name_len);
	part->addr = trim(open + 1, close, &part->addr_len);
	return close + 1;
}

static struct mailmap_entry *entry_for(struct mailmap *map, const char *addr, size_t len)
{
	struct buf key = BUF_INIT;
	struct strmap_entry *slot;
	int inserted;

	text_append_lower(&key, addr, len);
	slot = strmap_put(&map->by_addr, key.data, &inserted);
	if (inserted)
		slot->value = xcalloc(1, sizeof(struct mailmap_entry));
	buf_release(&key);
	return slot->value;
}

static void add_mapping(struct mailmap *map, const struct mailmap_part *proper,
			const struct mailmap_part *commit)
{
	struct mailmap_entry *e = entry_for(map, commit->addr, commit->addr_len);
	struct mailmap_target *to = &e->to;
	size_t i;

	if (commit != proper && commit->name_len) {
		for (i = 0; i < e->naliases; i++)
			if (strlen(e->aliases[i].old_name) == commit->name_len &&
			    !strncasecmp(e->aliases[i].old_name, commit->name, commit->name_len))
				break;
		if (i == e->naliases) {
			e->aliases = xrealloc(e->aliases, (i + 1) * sizeof(*e->aliases));
			memset(&e->aliases[i], 0, sizeof(e->aliases[i]));
			e->aliases[i].old_name = xmemdupz(commit->name, commit->name_len);
			e->naliases++;
		}
		to = &e->aliases[i].to;
	}
	if (proper->name_len)
		set_string(&to->name, proper->name, proper->name_len);
	if (commit != proper)
		set_string(&to->addr, proper->addr, proper->addr_len);
	map->size++;
}

/* The rest of a line after its last '>': blanks, then nothing or a comment. */
static int rest_is_empty(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++;
	return s == end || *s == '#';
}

static int parse_line(struct mailmap *map, const char *s, const char *end, const char **why)
{
	struct mailmap_part first, second;
	const char *rest;

	if (!(rest = parse_part(s, end, &first, why)))
		return -1;
	if (!memchr(rest, '<', (size_t)(end - rest))) {
		if (!rest_is_empty(rest, end)) {
			*why = "text after the last address";
			return -1;
		}
		if (!first.name_len) {
			*why = "one address and no name: nothing to map";
			return -1;
		}
		add_mapping(map, &first, &first);
		return 0;
	}
	if (!(rest = parse_part(rest, end, &second, why)))
		return -1;
	if (!rest_is_empty(rest, end)) {
		*why = "text after the last address";
		return -1;
	}
	add_mapping(map, &first, &second);
	return 0;
}

int mailmap_parse(struct mailmap **out, const char *s, size_t len, const char *name)
{
	struct mailmap *map = xcalloc(1, sizeof(*map));
	const char *end = s + len, *line = s, *eol, *start;
	const char *why = NULL;
	unsigned long lineno = 0;

	strmap_init(&map->by_addr);
	for (; line < end; line = eol + 1) {
		eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		lineno++;
		for (start = line; start < eol && (*start == ' ' || *start == '\t'); start++)
			;
		if (start == eol || *start == '#' || *start == '\r')
			continue;
		if (memchr(start, '\0', (size_t)(eol - start)))
			why = "a NUL byte";
		else if (parse_line(map, start, eol, &why) == 0)
			continue;
		mailmap_free(map);
		return error_set(MD_ERR_INPUT, "cannot read mailmap '%s': line %lu: %s", name,
				 lineno, why);
	}
	*out = map;
	return 0;
}

int mailmap_read(struct mailmap **out, const char *path)
{
	char *data;
	size_t len;
	int error;

	if ((error = people_read_file("mailmap", path, &data, &len)) < 0)
		return error;
	error = mailmap_parse(out, data, len, path);
	free(data);
	return error;
}

void mailmap_map(const struct mailmap *map, const char *name, const char *addr,
		 const char **name_out, const char **addr_out)
{
	const struct mailmap_entry *e = NULL;
	const struct mailmap_target *to;
	struct buf key = BUF_INIT;
	size_t i;

	*name_out = name;
	*addr_out = addr;
	if (!map || !map->size)
		return;
	text_append_lower(&key, addr, strlen(addr));
	e = strmap_get(&map->by_addr, key.data);
	buf_release(&key);
	if (!e)
		return;
	to = &e->to;
	for (i = 0; i < e->naliases; i++)
		if (!strcasecmp(e->aliases[i].old_name, name)) {
			to = &e->aliases[i].to;
			break;
		}
	if (to->name)
		*name_out = to->name;
	if (to->addr)
		*addr_out = to->addr;
}
