/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "digest/digest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "patch/address.h"
#include "patch/body.h"
#include "patch/identity.h"
#include "patch/subject.h"
#include "people/mailmap.h"
#include "people/orgmap.h"
#include "series/msgid.h"
#include "series/series.h"
#include "stats/stats.h"
#include "util/buf.h"
#include "util/pagefile.h"
#include "util/text.h"

/* The entries' cache (util/pagefile.h): they are written and read in order. */
#define ENTRIES_PAGE (16 * 1024)
#define ENTRIES_PAGES 8

void digest_init(struct digest *d)
{
	memset(d, 0, sizeof(*d));
	d->domains = tally_new();
	d->people = tally_new();
	d->organisations = tally_new();
	d->series = series_set_new();
	/* the text digest prints no patch of a series: the renderers that do
	 * load them (series_set_load) */
	series_set_defer_patches(d->series);
	d->bodies = spool_new();
	d->entries = pagefile_new(ENTRIES_PAGE, ENTRIES_PAGES);
}

void digest_entry_get(const struct digest *d, size_t i, struct digest_entry *out)
{
	pagefile_read(d->entries, (uint64_t)i * sizeof(*out), out, sizeof(*out));
}

static void entry_put(struct digest *d, size_t i, const struct digest_entry *e)
{
	pagefile_write(d->entries, (uint64_t)i * sizeof(*e), e, sizeof(*e));
}

void digest_append_body(struct buf *out, const struct digest *d, const struct digest_entry *e)
{
	spool_append(out, d->bodies, e->body);
}

/* The strings of an entry in the spool, one after the other, NUL-terminated. */
#define ENTRY_NFIELDS 7

void digest_entry_read(const struct digest *d, const struct digest_entry *e, struct buf *scratch,
		       struct digest_entry_text *out)
{
	const char **fields[ENTRY_NFIELDS] = {&out->title,  &out->subject,    &out->sender,
					      &out->author, &out->message_id, &out->commit,
					      &out->key};
	size_t at = 0, k;

	buf_reset(scratch);
	spool_append(scratch, d->bodies, e->text);
	for (k = 0; k < ENTRY_NFIELDS; k++) {
		/* never past what was read back: the spool holds what add_lead() wrote */
		*fields[k] = at < scratch->len ? scratch->data + at : "";
		at += strlen(*fields[k]) + 1;
	}
}

void digest_release(struct digest *d)
{
	pagefile_free(d->entries);
	free(d->list_name);
	free(d->from);
	free(d->to);
	tally_free(d->domains);
	tally_free(d->people);
	tally_free(d->organisations);
	series_set_free(d->series);
	spool_free(d->bodies);
	memset(d, 0, sizeof(*d));
}

static char *printable(const char *s, size_t len)
{
	struct buf b = BUF_INIT;

	text_append_printable(&b, s, len);
	return buf_detach(&b, NULL);
}

void digest_set_window(struct digest *d, const char *list_name, const char *from,
		       const char *to)
{
	free(d->list_name);
	free(d->from);
	free(d->to);
	d->list_name = printable(list_name, strlen(list_name));
	d->from = printable(from, strlen(from));
	d->to = printable(to, strlen(to));
}

/* Mail whose domain the orgmap does not know counts here (gitdm's name). */
#define DIGEST_UNKNOWN_ORGANISATION "(Unknown)"

static void count_author(struct digest *d, const struct digest_message *m)
{
	struct buf key = BUF_INIT, shown = BUF_INIT, person = BUF_INIT;
	const char *name, *addr, *org;

	if (!*m->author_addr)
		return; /* nobody to count */
	mailmap_map(d->mailmap, m->author_name, m->author_addr, &name, &addr);
	address_append_domain(&key, addr);
	text_append_printable(&shown, key.data, key.len);
	tally_add(d->domains, key.data, shown.data);
	if (d->orgmap) {
		org = orgmap_find(d->orgmap, key.data, m->date);
		if (!org)
			org = DIGEST_UNKNOWN_ORGANISATION;
		buf_reset(&shown);
		text_append_printable(&shown, org, strlen(org));
		tally_add(d->organisations, org, shown.data);
	}

	buf_reset(&key);
	buf_reset(&shown);
	address_append_key(&key, addr);
	address_append_person(&person, name, addr);
	text_append_printable(&shown, person.data, person.len);
	tally_add(d->people, key.data, shown.data);

	buf_release(&key);
	buf_release(&shown);
	buf_release(&person);
}

/* Records the patch's identity; sets *duplicate when it was first seen elsewhere. */
static int record_patch(struct store *store, const struct digest_message *m, const char *subject,
			const struct patch_subject *ps, bool *duplicate)
{
	struct buf identity = BUF_INIT;
	struct store_message sm = {
		.key = m->key,
		.message_id = m->message_id,
		.commit = m->commit,
		.date = m->date,
		.subject = subject,
		.author = m->author_addr,
	};
	int error;

	identity_append_key(&identity, m->author_addr, subject, ps);
	error = store_record_patch(store, identity.data, &sm, duplicate);
	buf_release(&identity);
	return error;
}

static int record_series(struct store *store, const struct digest_message *m,
			 const char *subject, const struct patch_subject *ps)
{
	char *title = xmemdupz(subject + ps->title.off, ps->title.len);
	struct store_series series = {
		.author = m->author_addr,
		.title = title,
		.version = (int)ps->version_major,
		.total = (int)ps->total,
		.message_key = m->key,
	};
	int error = store_record_series(store, &series);

	free(title);
	return error;
}

/* Appends `len` bytes of `s`, printable, and a NUL to `pool`. */
static void pool_add(struct buf *pool, const char *s, size_t len)
{
	text_append_printable(pool, s, len);
	buf_add(pool, "", 1);
}

static void add_lead(struct digest *d, const struct digest_message *m, const char *subject,
		     const struct patch_subject *ps, bool duplicate)
{
	struct digest_entry entry, *e = &entry;
	struct buf b = BUF_INIT, pool = BUF_INIT;

	memset(e, 0, sizeof(*e));
	e->kind = duplicate ? DIGEST_DUPLICATE : DIGEST_NEW;
	/* a digest keeps every lead: its strings go to the spool, in the order
	 * of struct digest_entry_text, until they are printed */
	pool_add(&pool, subject + ps->title.off, ps->title.len);
	pool_add(&pool, subject, strlen(subject));
	address_append_sender(&b, m->from_name, m->from_addr);
	pool_add(&pool, b.data, b.len);
	buf_reset(&b);
	address_append_person(&b, m->author_name, m->author_addr);
	pool_add(&pool, b.data, b.len);
	buf_release(&b);
	pool_add(&pool, m->message_id, strlen(m->message_id));
	pool_add(&pool, m->commit, strlen(m->commit));
	buf_add(&pool, m->key, strlen(m->key) + 1); /* the key as it is */
	e->text = spool_add(d->bodies, pool.data, pool.len);
	buf_release(&pool);
	/* every New entry's body is printed: kept outside the heap until then */
	if (!duplicate && m->shown_body) {
		e->body = spool_add(d->bodies, m->shown_body, m->shown_body_len);
	} else if (!duplicate) {
		body_append_shown(&b, m->body, m->body_len, m->inbody_from_off,
				  m->inbody_from_len);
		e->body = spool_add(d->bodies, b.data, b.len);
		buf_release(&b);
	}
	entry_put(d, d->nentries++, e);
}

/* The first id of a References value (its thread's root), printable; or "". */
static void append_root(struct buf *out, const char *references)
{
	struct msgid_span ids[1];

	if (msgid_parse_ends(references, strlen(references), ids, 1))
		text_append_printable(out, references + ids[0].off, ids[0].len);
}

/*
 * Records a patch so that later windows can continue its series.  The ids
 * and the change-id are kept printable, as the series module compares
 * them (series.h).
 */
static int record_thread(struct store *store, const struct digest_message *m,
			 const char *subject, const struct patch_subject *ps)
{
	struct buf id = BUF_INIT, root = BUF_INIT, title_key = BUF_INIT, change_id = BUF_INIT;
	struct store_thread_message t = {
		.key = m->key,
		.in_reply_to = m->in_reply_to,
		.date = m->date,
		.subject = subject,
		.author_name = m->author_name,
		.author_addr = m->author_addr,
		.sender_name = m->from_name,
		.sender_addr = m->from_addr,
	};
	int error;

	text_append_printable(&id, m->message_id, strlen(m->message_id));
	append_root(&root, m->references);
	if (subject_is_lead(ps)) {
		struct buf raw = BUF_INIT;
		char *title = xmemdupz(subject + ps->title.off, ps->title.len);
		const char *known = m->series ? series_prepared_change_id(m->series) : NULL;

		series_append_title_key(&title_key, m->author_addr, title);
		free(title);
		if (known) /* the series found it already, the same way */
			buf_addstr(&change_id, known);
		else if (msgid_find_change_id(m->body, m->body_len, &raw))
			text_append_printable(&change_id, raw.data, raw.len);
		buf_release(&raw);
	}
	t.message_id = id.len ? id.data : "";
	t.root_id = root.len ? root.data : "";
	t.title_key = title_key.len ? title_key.data : "";
	t.change_id = change_id.len ? change_id.data : "";
	error = store_record_thread(store, &t);
	buf_release(&id);
	buf_release(&root);
	buf_release(&title_key);
	buf_release(&change_id);
	return error;
}

static void add_to_series(struct digest *d, const struct digest_message *m, const char *subject,
			  const struct patch_subject *ps)
{
	struct series_message sm = {
		.key = m->key,
		.message_id = m->message_id,
		.in_reply_to = m->in_reply_to,
		.references = m->references,
		.date = m->date,
		.subject = subject,
		.parsed = ps,
		.author_name = m->author_name,
		.author_addr = m->author_addr,
		.sender_name = m->from_name,
		.sender_addr = m->from_addr,
		.body = m->body,
		.body_len = m->body_len,
	};

	series_add_message(d->series, &sm);
}

int digest_add_message(struct digest *d, struct store *store, const struct digest_message *m)
{
	struct buf cleaned = BUF_INIT;
	struct patch_subject ps;
	const char *subject;
	int error = 0;

	d->messages++;
	if (m->clean_subject && m->parsed) {
		subject = m->clean_subject;
		ps = *m->parsed;
	} else {
		subject_clean(m->subject, strlen(m->subject), &cleaned);
		subject_parse(&ps, cleaned.data, cleaned.len);
		subject = cleaned.data;
	}
	if (ps.is_reply)
		d->replies++;
	if (ps.is_patch) {
		bool duplicate;

		d->patches++;
		count_author(d, m);
		/* Every patch is recorded; only leads get an entry. */
		error = record_patch(store, m, subject, &ps, &duplicate);
		if (!error && store_keeps_threads(store))
			error = record_thread(store, m, subject, &ps);
		if (!error && subject_is_lead(&ps)) {
			error = record_series(store, m, subject, &ps);
			add_lead(d, m, subject, &ps, duplicate);
		}
	}
	if (m->series)
		series_add_prepared(d->series, m->series, m->key, m->date);
	else
		add_to_series(d, m, subject, &ps);
	buf_release(&cleaned);
	return error;
}

/* ---- after the window: what earlier windows add, and what to remember ---- */

struct earlier {
	struct series_set *set;
	size_t added;
};

static int add_earlier(const struct store_thread_message *t, void *data)
{
	struct earlier *e = data;
	struct buf body = BUF_INIT;
	struct series_message sm = {
		.key = t->key,
		.message_id = t->message_id,
		.in_reply_to = t->in_reply_to,
		.references = t->root_id,
		.date = t->date,
		.subject = t->subject,
		.author_name = t->author_name,
		.author_addr = t->author_addr,
		.sender_name = t->sender_name,
		.sender_addr = t->sender_addr,
	};

	/* the change-id is all of the body a version link needs (series.h) */
	if (*t->change_id)
		buf_addf(&body, "change-id: %s\n", t->change_id);
	sm.body = body.len ? body.data : "";
	sm.body_len = body.len;
	series_add_earlier(e->set, &sm);
	e->added++;
	buf_release(&body);
	return 0;
}

/*
 * Asks the store about what the window refers to and does not hold: the
 * messages its replies and patches answer (and their threads), and the
 * earlier versions of its series.
 */
static int add_from_store(struct earlier *e, struct store *store)
{
	struct series_set *set = e->set;
	size_t i, n = series_set_unknown_count(set);
	int error = 0;

	for (i = 0; i < n && !error; i++) {
		const char *id = series_set_unknown_id(set, i);

		error = store_find_thread(store, STORE_BY_MESSAGE_ID, id, add_earlier, e);
		if (!error)
			error = store_find_thread(store, STORE_BY_ROOT, id, add_earlier, e);
	}
	n = series_set_count(set);
	for (i = 0; i < n && !error; i++) {
		struct series_names s;

		series_set_names(set, i, &s);
		error = store_find_thread(store, STORE_BY_TITLE_KEY, s.title_key, add_earlier, e);
		if (!error && *s.change_id)
			error = store_find_thread(store, STORE_BY_CHANGE_ID, s.change_id,
						  add_earlier, e);
	}
	return error;
}

static const char *const link_names[] = {
	[SERIES_LINK_NONE] = "",
	[SERIES_LINK_SAME_TITLE] = "same-title",
	[SERIES_LINK_CHANGE_ID] = "change-id",
	[SERIES_LINK_REPLY] = "reply",
	[SERIES_LINK_LINK] = "link",
};

/* Records the window's series versions and applied notices. */
static int record_outcome(struct digest *d, struct store *store)
{
	size_t i, n = series_set_count(d->series);
	int error = 0;

	for (i = 0; i < n && !error; i++) {
		struct series_names s;
		struct store_version v;

		series_set_names(d->series, i, &s);
		v = (struct store_version){
		    .root_id = s.root_id,
		    .title_key = s.title_key,
		    .version_major = (int)s.version_major,
		    .version_minor = (int)s.version_minor,
		    .total = (int)s.total,
		    .received = (int)s.received,
		    .previous_root = s.previous_root,
		    .link = link_names[s.previous_link],
		};
		error = store_record_version(store, &v);
	}
	n = series_set_applied_count(d->series);
	for (i = 0; i < n && !error; i++) {
		const struct series_applied *a = series_set_applied(d->series, i);
		struct store_applied sa = {
		    .notice_key = a->notice_key,
		    .series_root = a->series_root,
		    .subject = a->subject,
		    .verb = a->verb,
		    .who = a->who,
		    .where = a->where,
		    .commit = a->commit,
		};

		error = store_record_applied(store, &sa);
	}
	return error;
}

int digest_finish(struct digest *d, struct store *store)
{
	struct earlier earlier = {d->series, 0};
	int error;

	series_set_finish(d->series);
	if ((error = add_from_store(&earlier, store)) < 0)
		return error;
	if (earlier.added)
		series_set_finish(d->series);
	return record_outcome(d, store);
}
