/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "digest/digest.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "patch/address.h"
#include "patch/body.h"
#include "patch/identity.h"
#include "patch/subject.h"
#include "stats/stats.h"
#include "util/buf.h"
#include "util/text.h"

void digest_init(struct digest *d)
{
	memset(d, 0, sizeof(*d));
	d->domains = tally_new();
	d->people = tally_new();
}

static void entry_release(struct digest_entry *e)
{
	free(e->title);
	free(e->subject);
	free(e->sender);
	free(e->author);
	free(e->body);
	free(e->message_id);
	free(e->commit);
}

void digest_release(struct digest *d)
{
	size_t i;

	for (i = 0; i < d->nentries; i++)
		entry_release(&d->entries[i]);
	free(d->entries);
	free(d->list_name);
	free(d->from);
	free(d->to);
	tally_free(d->domains);
	tally_free(d->people);
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

static void count_author(struct digest *d, const struct digest_message *m)
{
	struct buf key = BUF_INIT, shown = BUF_INIT, person = BUF_INIT;

	if (!*m->author_addr)
		return; /* nobody to count */
	address_append_domain(&key, m->author_addr);
	text_append_printable(&shown, key.data, key.len);
	tally_add(d->domains, key.data, shown.data);

	buf_reset(&key);
	buf_reset(&shown);
	address_append_key(&key, m->author_addr);
	address_append_person(&person, m->author_name, m->author_addr);
	text_append_printable(&shown, person.data, person.len);
	tally_add(d->people, key.data, shown.data);

	buf_release(&key);
	buf_release(&shown);
	buf_release(&person);
}

static struct digest_entry *new_entry(struct digest *d)
{
	struct digest_entry *e;

	if (d->nentries == d->alloc) {
		d->alloc = d->alloc ? d->alloc * 2 : 16;
		d->entries = xrealloc(d->entries, d->alloc * sizeof(*d->entries));
	}
	e = &d->entries[d->nentries++];
	memset(e, 0, sizeof(*e));
	return e;
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

static void add_lead(struct digest *d, const struct digest_message *m, const char *subject,
		     const struct patch_subject *ps, bool duplicate)
{
	struct digest_entry *e = new_entry(d);
	struct buf b = BUF_INIT;

	e->kind = duplicate ? DIGEST_DUPLICATE : DIGEST_NEW;
	e->title = printable(subject + ps->title.off, ps->title.len);
	e->subject = printable(subject, strlen(subject));
	address_append_sender(&b, m->from_name, m->from_addr);
	e->sender = printable(b.data, b.len);
	buf_reset(&b);
	address_append_person(&b, m->author_name, m->author_addr);
	e->author = printable(b.data, b.len);
	buf_release(&b);
	e->message_id = printable(m->message_id, strlen(m->message_id));
	e->commit = printable(m->commit, strlen(m->commit));
	if (!duplicate) {
		body_append_shown(&b, m->body, m->body_len, m->inbody_from_off,
				  m->inbody_from_len);
		e->body = buf_detach(&b, NULL);
	}
}

int digest_add_message(struct digest *d, struct store *store, const struct digest_message *m)
{
	struct buf subject = BUF_INIT;
	struct patch_subject ps;
	int error = 0;

	d->messages++;
	subject_clean(m->subject, strlen(m->subject), &subject);
	subject_parse(&ps, subject.data, subject.len);
	if (ps.is_reply)
		d->replies++;
	if (ps.is_patch) {
		bool duplicate;

		d->patches++;
		count_author(d, m);
		/* Every patch is recorded; only leads get an entry. */
		error = record_patch(store, m, subject.data, &ps, &duplicate);
		if (!error && subject_is_lead(&ps)) {
			error = record_series(store, m, subject.data, &ps);
			add_lead(d, m, subject.data, &ps, duplicate);
		}
	}
	buf_release(&subject);
	return error;
}
