/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The digest organised by series, written once through a printer.  What
 * each key means is in docs/digest.schema.json; keep the two together.
 */
#include "render/model.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "patch/address.h"
#include "patch/body.h"
#include "people/mailmap.h"
#include "people/orgmap.h"
#include "series/series.h"
#include "stats/stats.h"
#include "util/date.h"
#include "util/pagefile.h"
#include "util/text.h"

void render_append_message_url(struct buf *out, const char *base, const char *message_id)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(base);
	const unsigned char *s;

	if (!len || !*message_id)
		return;
	buf_addstr(out, base);
	if (base[len - 1] != '/')
		buf_addch(out, '/');
	for (s = (const unsigned char *)message_id; *s; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~@!$*+,;=:", *s)) {
			buf_addch(out, *s);
		} else {
			buf_addch(out, '%');
			buf_addch(out, hex[*s >> 4]);
			buf_addch(out, hex[*s & 15]);
		}
	}
	buf_addch(out, '/');
}

int render_url_is_safe(const char *url)
{
	const unsigned char *s;

	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return 0;
	for (s = (const unsigned char *)url; *s; s++)
		if (*s <= ' ' || *s == 0x7f || *s == '"' || *s == '\'' || *s == '<' || *s == '>' ||
		    *s == '\\' || *s == '`')
			return 0;
	return 1;
}

void render_append_diffstat(struct buf *out, const char *body)
{
	size_t len = strlen(body), end = len, start, first;

	/* the last line */
	start = end;
	while (start > 0 && body[start - 1] != '\n')
		start--;
	if (!body_is_diffstat_summary(body + start, end - start))
		return;
	/* the file lines before it: " path | 12 +-" */
	first = start;
	while (first > 0) {
		size_t line_end = first - 1, line = line_end;

		while (line > 0 && body[line - 1] != '\n')
			line--;
		if (line_end == line || body[line] != ' ' ||
		    !memchr(body + line, '|', line_end - line))
			break;
		first = line;
	}
	buf_add(out, body + first, len - first);
}

/* ---- the model ---- */

/*
 * The digest entries of one series, in archive order: a chain of entry
 * numbers (model.next) from `first`.  Kept in pagefiles, as the digest
 * keeps its entries: the model holds none of them in the heap.
 */
struct model_group {
	uint32_t first, last; /* entry numbers plus one; 0: none */
	uint32_t fresh, duplicates;
};

/* No entry: what an entry number is when there is none. */
#define NO_ENTRY ((size_t)-1)

struct model {
	struct printer *p;
	const struct digest *d;
	const struct render_options *o;
	struct buf scratch;
	struct buf entry_text;	 /* one entry's strings (digest_entry_read) */
	struct buf group_text;	 /* another's, read while looking in a group */
	struct pagefile *groups; /* struct model_group by the series' place */
	struct pagefile *next;	 /* uint32_t by entry number: the next of its
				    series, plus one; 0: none */
	size_t fresh;		 /* New entries */
};

static struct model_group group_get(const struct model *m, size_t place)
{
	struct model_group g;

	pagefile_read(m->groups, (uint64_t)place * sizeof(g), &g, sizeof(g));
	return g;
}

/* An entry number kept plus one (0: none): the number, or NO_ENTRY. */
static size_t entry_number(uint32_t one)
{
	return one ? (size_t)one - 1 : NO_ENTRY;
}

/* The entry after entry i in its series, or NO_ENTRY. */
static size_t group_next(const struct model *m, size_t i)
{
	uint32_t next;

	pagefile_read(m->next, (uint64_t)i * sizeof(next), &next, sizeof(next));
	return entry_number(next);
}

/* Chains the digest's entries by the series of their message, in one pass
 * over them. */
static void model_index(struct model *m)
{
	size_t i, place;

	m->groups = pagefile_new(4096, 16);
	m->next = pagefile_new(4096, 16);
	for (i = 0; i < m->d->nentries; i++) {
		struct digest_entry e;
		struct digest_entry_text t;
		struct model_group g;
		uint32_t one = (uint32_t)i + 1;

		digest_entry_get(m->d, i, &e);
		m->fresh += e.kind == DIGEST_NEW;
		digest_entry_read(m->d, &e, &m->entry_text, &t);
		if ((place = series_set_find_key(m->d->series, t.key)) == SERIES_NONE)
			continue;
		g = group_get(m, place); /* zeros where never written */
		if (g.last)
			pagefile_write(m->next, (uint64_t)(g.last - 1) * sizeof(one), &one,
				       sizeof(one));
		else
			g.first = one;
		g.last = one;
		if (e.kind == DIGEST_NEW)
			g.fresh++;
		else
			g.duplicates++;
		pagefile_write(m->groups, (uint64_t)place * sizeof(g), &g, sizeof(g));
	}
}

static void key_string(struct model *m, const char *key, const char *value)
{
	m->p->map_key(m->p, key);
	m->p->string(m->p, value);
}

/* A string, or null when it is empty. */
static void key_string_or_null(struct model *m, const char *key, const char *value)
{
	m->p->map_key(m->p, key);
	if (value && *value)
		m->p->string(m->p, value);
	else
		m->p->null(m->p);
}

static void key_integer(struct model *m, const char *key, long long value)
{
	m->p->map_key(m->p, key);
	m->p->integer(m->p, value);
}

static void key_boolean(struct model *m, const char *key, bool value)
{
	m->p->map_key(m->p, key);
	m->p->boolean(m->p, value);
}

/* "url": the message's link, or null without --archive-url or Message-ID. */
static void key_url(struct model *m, const char *message_id)
{
	buf_reset(&m->scratch);
	if (m->o->archive_url)
		render_append_message_url(&m->scratch, m->o->archive_url, message_id);
	key_string_or_null(m, "url", m->scratch.data);
}

static void key_date(struct model *m, const char *key, int64_t date)
{
	char iso[DATE_ISO8601_MAX];

	if (!date) {
		key_string_or_null(m, key, NULL);
		return;
	}
	date_format_iso8601(date, iso);
	key_string(m, key, iso);
}

/* A window's end: a commit id cut to --abbrev digits; a date as it is. */
static void key_short(struct model *m, const char *key, const char *id)
{
	size_t len = strlen(id);
	int hex = len == 40 && strspn(id, "0123456789abcdef") == 40;
	char *cut = xmemdupz(id, hex && m->o->abbrev < len ? m->o->abbrev : len);

	key_string(m, key, cut);
	free(cut);
}

static void model_top(struct model *m, const char *key, const struct tally *t)
{
	unsigned top = m->o->top;
	struct tally_row *rows = xcalloc(top ? top : 1, sizeof(*rows));
	size_t i, n = tally_top(t, rows, top);

	m->p->map_key(m->p, key);
	m->p->begin_list(m->p);
	for (i = 0; i < n; i++) {
		m->p->begin_map(m->p);
		key_string(m, "name", rows[i].shown);
		key_integer(m, "count", (long long)rows[i].count);
		m->p->end(m->p);
	}
	m->p->end(m->p);
	free(rows);
}

static void model_stats(struct model *m)
{
	const struct digest *d = m->d;
	size_t fresh = m->fresh;

	m->p->map_key(m->p, "stats");
	m->p->begin_map(m->p);
	key_integer(m, "messages", (long long)d->messages);
	key_integer(m, "patches", (long long)d->patches);
	key_integer(m, "replies", (long long)d->replies);
	key_integer(m, "series", (long long)series_set_count(d->series));
	key_integer(m, "leads", (long long)d->nentries);
	key_integer(m, "new", (long long)fresh);
	key_integer(m, "duplicates", (long long)(d->nentries - fresh));
	key_integer(m, "applied", (long long)series_set_applied_count(d->series));
	key_integer(m, "top", (long long)m->o->top);
	model_top(m, "top_domains", d->domains);
	model_top(m, "top_people", d->people);
	if (d->orgmap)
		model_top(m, "top_organisations", d->organisations);
	m->p->end(m->p);
}

/* {name, address, shown, organisation}: a person, the mailmap applied. */
static void model_person(struct model *m, const char *key, const char *name, const char *addr,
			 int64_t date)
{
	struct buf domain = BUF_INIT, person = BUF_INIT, shown = BUF_INIT;
	const char *mapped_name, *mapped_addr, *org;

	mailmap_map(m->d->mailmap, name, addr, &mapped_name, &mapped_addr);
	address_append_domain(&domain, mapped_addr);
	org = orgmap_find(m->d->orgmap, domain.data, date);
	address_append_person(&person, mapped_name, mapped_addr);
	text_append_printable(&shown, person.data, person.len);
	m->p->map_key(m->p, key);
	m->p->begin_map(m->p);
	buf_reset(&person);
	text_append_printable(&person, mapped_name, strlen(mapped_name));
	key_string(m, "name", person.data);
	buf_reset(&person);
	text_append_printable(&person, mapped_addr, strlen(mapped_addr));
	key_string(m, "address", person.data);
	key_string(m, "shown", shown.data);
	buf_reset(&person);
	if (org)
		text_append_printable(&person, org, strlen(org));
	key_string_or_null(m, "organisation", person.data);
	m->p->end(m->p);
	buf_release(&domain);
	buf_release(&person);
	buf_release(&shown);
}

static const char *const applied_kinds[] = {
    [SERIES_APPLIED_REPLY] = "reply",
    [SERIES_APPLIED_LIST] = "list",
    [SERIES_APPLIED_PATCHWORK] = "patchwork",
    [SERIES_APPLIED_MERGED] = "merged",
    [SERIES_APPLIED_PULL_REQUEST] = "pull-request",
};

static void model_applied_one(struct model *m, const struct series_applied *a, bool full)
{
	m->p->begin_map(m->p);
	key_string(m, "kind", applied_kinds[a->kind]);
	key_string(m, "subject", a->subject);
	key_string(m, "verb", a->verb);
	key_string(m, "who", a->who);
	key_string_or_null(m, "where", a->where);
	key_string_or_null(m, "commit", a->commit);
	key_string_or_null(m, "patches", a->patches);
	m->p->map_key(m->p, "patch");
	if (*a->patch_key)
		m->p->integer(m->p, a->patch_index);
	else
		m->p->null(m->p);
	if (full) {
		key_string(m, "notice_key", a->notice_key);
		key_string_or_null(m, "target_key", a->target_key);
		key_string_or_null(m, "series", a->series_root);
	}
	buf_reset(&m->scratch);
	series_append_applied(&m->scratch, a);
	if (m->scratch.len)
		buf_setlen(&m->scratch, m->scratch.len - 1); /* the last newline */
	key_string(m, "text", m->scratch.data);
	m->p->end(m->p);
}

static void model_applied(struct model *m)
{
	size_t i, n = series_set_applied_count(m->d->series);

	m->p->map_key(m->p, "applied");
	m->p->begin_list(m->p);
	for (i = 0; i < n; i++)
		model_applied_one(m, series_set_applied(m->d->series, i), true);
	m->p->end(m->p);
}

static void version_name(struct buf *out, const struct series_info *s)
{
	buf_addf(out, "v%u", s->version_major);
	if (s->version_minor)
		buf_addf(out, ".%u", s->version_minor);
}

static const char *const link_kinds[] = {
    [SERIES_LINK_NONE] = "",
    [SERIES_LINK_SAME_TITLE] = "same-title",
    [SERIES_LINK_CHANGE_ID] = "change-id",
    [SERIES_LINK_REPLY] = "reply",
    [SERIES_LINK_LINK] = "link",
};

static void model_versions(struct model *m, const struct series_info *s)
{
	const struct series_info *chain[SERIES_MAX_CHAIN];
	size_t i, n = series_earlier_versions(s, chain, SERIES_MAX_CHAIN);

	m->p->map_key(m->p, "earlier_versions");
	m->p->begin_list(m->p);
	for (i = 0; i < n; i++) {
		const struct series_info *v = chain[i];
		const struct series_info *newer = i ? chain[i - 1] : s;

		m->p->begin_map(m->p);
		buf_reset(&m->scratch);
		version_name(&m->scratch, v);
		key_string(m, "version", m->scratch.data);
		key_string(m, "title", v->title);
		key_string(m, "id", v->root_id);
		key_string_or_null(m, "message_id", v->lead ? v->lead->message_id : NULL);
		key_url(m, v->lead ? v->lead->message_id : "");
		key_date(m, "date", v->lead ? v->lead->date : 0);
		key_string(m, "found_by", link_kinds[newer->previous_link]);
		key_boolean(m, "in_window", v->in_window);
		m->p->end(m->p);
	}
	m->p->end(m->p);
}

/* The missing ranges, from the series' "2, 5-7, 20-33". */
static void model_missing_ranges(struct model *m, const char *missing)
{
	const char *s = missing;

	m->p->map_key(m->p, "missing_ranges");
	m->p->begin_list(m->p);
	while (*s) {
		char *end;
		unsigned long from = strtoul(s, &end, 10), to = from;

		if (end == s)
			break;
		s = end;
		if (*s == '-') {
			to = strtoul(s + 1, &end, 10);
			s = end;
		}
		m->p->begin_list(m->p);
		m->p->integer(m->p, (long long)from);
		m->p->integer(m->p, (long long)to);
		m->p->end(m->p);
		while (*s == ',' || *s == ' ')
			s++;
	}
	m->p->end(m->p);
}

static bool is_reviewed(const struct series_info *s)
{
	size_t i;

	for (i = 0; i < s->ntrailers; i++)
		if (s->trailers[i].kind == SERIES_REVIEWED_BY ||
		    s->trailers[i].kind == SERIES_ACKED_BY)
			return true;
	return false;
}

static void status_item(struct model *m, const char *kind, const char *text)
{
	m->p->begin_map(m->p);
	key_string(m, "kind", kind);
	key_string(m, "text", text);
	m->p->end(m->p);
}

/*
 * "status": what a reader asks first, each with a kind (a class for html):
 * new or re-sent, new version of vN, complete or "19/33 received, missing
 * 20-33", reviewed, applied.
 */
static void model_status(struct model *m, const struct series_info *s, size_t fresh,
			 size_t duplicates)
{
	struct buf b = BUF_INIT;

	m->p->map_key(m->p, "status");
	m->p->begin_list(m->p);
	if (fresh)
		status_item(m, "new", "new");
	else if (duplicates)
		status_item(m, "resent", "re-sent");
	/* a re-sent version links to the same version: no news there */
	if (s->previous && (s->previous->version_major != s->version_major ||
			    s->previous->version_minor != s->version_minor)) {
		buf_addstr(&b, "new version of ");
		version_name(&b, s->previous);
		status_item(m, "version", b.data);
		buf_reset(&b);
	}
	if (s->total) {
		series_append_completeness(&b, s);
		status_item(m, s->received >= s->total ? "complete" : "incomplete", b.data);
	}
	if (is_reviewed(s))
		status_item(m, "reviewed", "reviewed");
	if (s->napplied)
		status_item(m, "applied", "applied");
	m->p->end(m->p);
	buf_release(&b);
}

static void model_messages(struct model *m, const struct series_info *s)
{
	size_t i;

	m->p->map_key(m->p, "messages");
	m->p->begin_list(m->p);
	for (i = 0; i < s->npatches; i++) {
		const struct series_patch *sp = &s->patches[i];

		m->p->begin_map(m->p);
		key_integer(m, "index", sp->index);
		key_string(m, "subject", sp->subject);
		key_string(m, "title", sp->title);
		key_string_or_null(m, "message_id", sp->message_id);
		key_url(m, sp->message_id);
		key_string(m, "key", sp->key);
		key_date(m, "date", sp->date);
		model_person(m, "author", sp->author_name, sp->author_addr, sp->date);
		key_boolean(m, "earlier", sp->earlier);
		key_boolean(m, "duplicate", sp->duplicate);
		key_integer(m, "replies", (long long)sp->replies);
		m->p->end(m->p);
	}
	m->p->end(m->p);
}

static void model_trailers(struct model *m, const struct series_info *s)
{
	size_t i;

	m->p->map_key(m->p, "trailers");
	m->p->begin_list(m->p);
	for (i = 0; i < s->ntrailers; i++) {
		const struct series_trailer *t = &s->trailers[i];
		const char *name, *addr;

		mailmap_map(m->d->mailmap, t->name, t->addr, &name, &addr);
		m->p->begin_map(m->p);
		key_string(m, "kind", series_trailer_name(t->kind));
		key_string(m, "name", name);
		key_string(m, "address", addr);
		m->p->map_key(m->p, "patch");
		if (t->patch)
			m->p->integer(m->p, t->patch->index);
		else
			m->p->null(m->p);
		key_string(m, "given_by", t->given_by);
		key_string(m, "given_in", t->given_in);
		key_boolean(m, "in_patch", t->in_patch);
		m->p->end(m->p);
	}
	m->p->end(m->p);
}

/* The entry of the message of `key` among those of the series at `place`,
 * or NO_ENTRY; *e is a copy of it. */
static size_t group_find(struct model *m, size_t place, const char *key, struct digest_entry *e)
{
	size_t i;

	for (i = entry_number(group_get(m, place).first); i != NO_ENTRY; i = group_next(m, i)) {
		struct digest_entry_text t;

		digest_entry_get(m->d, i, e);
		digest_entry_read(m->d, e, &m->group_text, &t);
		if (!strcmp(t.key, key))
			return i;
	}
	return NO_ENTRY;
}

/*
 * Patch 1 of the series `s` at `place`, with a cover letter, when the
 * window holds it as a New entry: its entry number (*e a copy), else
 * NO_ENTRY.  An entry is in the group of its message's series.
 */
static size_t first_patch_entry(struct model *m, const struct series_info *s, size_t place,
				struct digest_entry *e)
{
	size_t i, at;

	if (!s->cover)
		return NO_ENTRY;
	for (i = 0; i < s->npatches; i++)
		if (s->patches[i].index == 1 && !s->patches[i].earlier &&
		    (at = group_find(m, place, s->patches[i].key, e)) != NO_ENTRY &&
		    e->kind == DIGEST_NEW)
			return at;
	return NO_ENTRY;
}

static void model_series_one(struct model *m, size_t place, size_t number)
{
	const struct series_info *s = series_set_get(m->d->series, place);
	const struct model_group group = group_get(m, place);
	struct digest_entry first_entry;
	const struct digest_entry *first =
	    first_patch_entry(m, s, place, &first_entry) != NO_ENTRY ? &first_entry : NULL;
	size_t i;
	struct buf b = BUF_INIT, first_body = BUF_INIT, lead_body = BUF_INIT;

	m->p->begin_map(m->p);
	key_integer(m, "number", (long long)number);
	key_string(m, "id", s->root_id);
	key_string(m, "title", s->title);
	key_string(m, "subject", s->lead ? s->lead->subject : s->title);
	key_string_or_null(m, "message_id", s->lead ? s->lead->message_id : NULL);
	key_url(m, s->lead ? s->lead->message_id : "");
	key_date(m, "date", s->lead ? s->lead->date : 0);
	version_name(&b, s);
	key_string(m, "version", b.data);
	key_integer(m, "version_major", s->version_major);
	key_integer(m, "version_minor", s->version_minor);
	key_boolean(m, "rfc", s->rfc);
	key_boolean(m, "resend", s->resend);
	model_status(m, s, group.fresh, group.duplicates);
	model_person(m, "author", s->author_name, s->author_addr, s->lead ? s->lead->date : 0);
	key_string(m, "sender", s->sender);
	key_integer(m, "total", s->total);
	key_integer(m, "received", s->received);
	key_boolean(m, "complete", s->total ? s->received >= s->total : true);
	key_string_or_null(m, "missing", s->missing);
	model_missing_ranges(m, s->missing);
	model_versions(m, s);
	key_string_or_null(m, "change_id", s->change_id);
	key_boolean(m, "cover_letter", s->cover != NULL);
	series_append_lead_body(&lead_body, s);
	key_string(m, "lead_body", lead_body.data);
	if (first)
		digest_append_body(&first_body, m->d, first);
	key_string_or_null(m, "first_patch_body", first ? first_body.data : NULL);
	buf_reset(&b);
	render_append_diffstat(&b, lead_body.data);
	if (!b.len && first)
		render_append_diffstat(&b, first_body.data);
	key_string_or_null(m, "diffstat", b.data);
	model_messages(m, s);
	key_integer(m, "replies", (long long)s->replies);
	model_trailers(m, s);
	m->p->map_key(m->p, "applied");
	m->p->begin_list(m->p);
	for (i = 0; i < s->napplied; i++)
		model_applied_one(m, &s->applied[i], false);
	m->p->end(m->p);
	m->p->map_key(m->p, "duplicates");
	m->p->begin_list(m->p);
	for (i = entry_number(group.first); i != NO_ENTRY; i = group_next(m, i)) {
		struct digest_entry entry, *e = &entry;
		struct digest_entry_text t;

		digest_entry_get(m->d, i, e);
		if (e->kind != DIGEST_DUPLICATE)
			continue;
		digest_entry_read(m->d, e, &m->entry_text, &t);
		m->p->begin_map(m->p);
		key_string(m, "subject", t.subject);
		key_string(m, "sender", t.sender);
		key_string_or_null(m, "message_id", t.message_id);
		key_url(m, t.message_id);
		key_string(m, "key", t.key);
		m->p->end(m->p);
	}
	m->p->end(m->p);
	m->p->end(m->p);
	buf_release(&b);
	buf_release(&first_body);
	buf_release(&lead_body);
}

/*
 * The series the set read back for the model, forgotten every
 * MODEL_SERIES_KEPT series or entries (step i of a walk): the heap holds a
 * few hundred series, not all of them, and a series' earlier versions,
 * mostly read just before it, are read back once a round, not once each.
 */
#define MODEL_SERIES_KEPT 256

static void forget_series(const struct model *m, size_t i)
{
	if (i % MODEL_SERIES_KEPT == MODEL_SERIES_KEPT - 1)
		series_set_forget(m->d->series);
}

static void model_series(struct model *m)
{
	size_t i, n = series_set_count(m->d->series), number = 0;

	m->p->map_key(m->p, "series");
	m->p->begin_list(m->p);
	for (i = 0; i < n; i++) {
		if (series_set_get(m->d->series, i)->in_window)
			model_series_one(m, i, ++number);
		forget_series(m, i);
	}
	m->p->end(m->p);
}

/* Whether the series at `place` (SERIES_NONE: none) carries the body of
 * entry i, of key `key` (as lead_body or first_patch_body). */
static bool body_in_series(struct model *m, size_t place, size_t i, const char *key)
{
	const struct series_info *s;
	struct digest_entry first;

	if (place == SERIES_NONE)
		return false;
	s = series_set_get(m->d->series, place);
	if (s->lead && !strcmp(s->lead->key, key))
		return true;
	return first_patch_entry(m, s, place, &first) == i;
}

static void model_entries(struct model *m)
{
	struct buf body = BUF_INIT;
	size_t i;

	m->p->map_key(m->p, "entries");
	m->p->begin_list(m->p);
	for (i = 0; i < m->d->nentries; i++) {
		struct digest_entry entry, *e = &entry;
		struct digest_entry_text t;
		size_t place;
		bool shown;

		digest_entry_get(m->d, i, e);
		digest_entry_read(m->d, e, &m->entry_text, &t);
		place = series_set_find_key(m->d->series, t.key);
		m->p->begin_map(m->p);
		key_string(m, "kind", e->kind == DIGEST_NEW ? "new" : "duplicate");
		key_string(m, "title", t.title);
		key_string(m, "subject", t.subject);
		key_string(m, "sender", t.sender);
		key_string(m, "author", t.author);
		key_string_or_null(m, "message_id", t.message_id);
		key_url(m, t.message_id);
		key_string_or_null(m, "commit", t.commit);
		key_string(m, "key", t.key);
		key_string_or_null(
		    m, "series",
		    place != SERIES_NONE ? series_set_get(m->d->series, place)->root_id : NULL);
		/* the body once: in its series when the series shows it */
		shown = e->kind == DIGEST_NEW && !body_in_series(m, place, i, t.key);
		buf_reset(&body);
		if (shown)
			digest_append_body(&body, m->d, e);
		key_string_or_null(m, "body", shown ? body.data : NULL);
		m->p->end(m->p);
		forget_series(m, i);
	}
	m->p->end(m->p);
	buf_release(&body);
}

void render_model(struct printer *p, const struct digest *d, const struct render_options *o)
{
	struct model m = {.p = p,
			  .d = d,
			  .o = o,
			  .scratch = BUF_INIT,
			  .entry_text = BUF_INIT,
			  .group_text = BUF_INIT};
	bool by_date = strlen(d->from) != 40 || strspn(d->from, "0123456789abcdef") != 40;

	series_set_load(d->series); /* the patches' strings (series_set_defer_patches) */
	model_index(&m);
	p->begin_map(p);
	key_string(&m, "format", "mldigest-digest");
	key_integer(&m, "version", RENDER_MODEL_VERSION);
	key_string(&m, "list", d->list_name);
	p->map_key(p, "window");
	p->begin_map(p);
	key_string(&m, "from", d->from);
	key_string(&m, "to", d->to);
	key_short(&m, "from_short", d->from);
	key_short(&m, "to_short", d->to);
	key_boolean(&m, "by_date", by_date);
	p->end(p);
	key_string_or_null(&m, "archive_url", o->archive_url);
	model_stats(&m);
	model_applied(&m);
	model_series(&m);
	model_entries(&m);
	p->end(p);
	buf_release(&m.scratch);
	buf_release(&m.entry_text);
	buf_release(&m.group_text);
	pagefile_free(m.groups);
	pagefile_free(m.next);
}
