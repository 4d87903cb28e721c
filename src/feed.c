/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "feed.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "patch/author.h"
#include "patch/body.h"
#include "patch/subject.h"
#include "series/relay.h"
#include "series/series.h"
#include "util/buf.h"

/* A message with its people found and its series data prepared. */
struct feed_prepared {
	struct message *m;
	bool owned; /* m is ours to free */
	struct buf from_name, from_addr; /* the header From:, a relay undone */
	char *ib_name, *ib_addr;	 /* the in-body From: (rule 5), or NULL */
	size_t ib_off, ib_len;		 /* its line, to drop from the shown body */
	const char *sender_name, *sender_addr; /* rule 6: from_name, from_addr or "" */
	const char *author_name, *author_addr; /* rule 5: the in-body From:, else the sender */
	struct buf subject;	 /* cleaned (rule 1), once for the digest and the series */
	struct patch_subject ps; /* subject parsed (spans into it) */
	bool lead;		 /* a lead (patch/subject.h): */
	struct buf shown; /* its shown body, made once for the digest and the series */
	struct series_prepared *series;
};

static struct feed_prepared *prepare(struct message *m, bool owned)
{
	struct feed_prepared *p = xcalloc(1, sizeof(*p));
	struct inbody_from ib;
	struct series_message sm;

	p->m = m;
	p->owned = owned;
	buf_init(&p->from_name);
	buf_init(&p->from_addr);
	buf_init(&p->shown);
	buf_init(&p->subject);
	/* a relay's rewrite of From: counts for the person it relays */
	relay_resolve(m->from_name, m->from_addr, m->original_from, m->reply_to, &p->from_name,
		      &p->from_addr);
	if (author_find_inbody_from(m->body, m->body_len, &ib)) {
		p->ib_off = ib.line_off;
		p->ib_len = ib.line_len;
		if (message_parse_address(m->body + ib.value_off, ib.value_len, &p->ib_name,
					  &p->ib_addr) == 0 &&
		    !*p->ib_addr) {
			free(p->ib_name);
			free(p->ib_addr);
			p->ib_name = p->ib_addr = NULL;
		}
	}
	p->sender_name = p->from_name.len ? p->from_name.data : "";
	p->sender_addr = p->from_addr.len ? p->from_addr.data : "";
	p->author_name = p->ib_addr ? p->ib_name : p->sender_name;
	p->author_addr = p->ib_addr ? p->ib_addr : p->sender_addr;
	subject_clean(m->subject, strlen(m->subject), &p->subject);
	subject_parse(&p->ps, p->subject.data, p->subject.len);
	p->lead = p->ps.is_patch && subject_is_lead(&p->ps);
	if (p->lead)
		body_append_shown(&p->shown, m->body, m->body_len, p->ib_off, p->ib_len);
	memset(&sm, 0, sizeof(sm));
	sm.key = ""; /* set when it is added (feed_add) */
	sm.message_id = m->message_id;
	sm.in_reply_to = m->in_reply_to;
	sm.references = m->references;
	sm.date = m->date;
	sm.subject = p->subject.data;
	sm.parsed = &p->ps;
	sm.sender_name = p->sender_name;
	sm.sender_addr = p->sender_addr;
	sm.author_name = p->author_name;
	sm.author_addr = p->author_addr;
	sm.body = m->body;
	sm.body_len = m->body_len;
	sm.shown_body = p->lead ? p->shown.data : NULL;
	sm.shown_body_len = p->shown.len;
	p->series = series_prepare(&sm);
	return p;
}

struct feed_prepared *feed_prepare(const char *raw, size_t len)
{
	struct message *m = NULL;

	return message_parse(&m, raw, len) < 0 ? NULL : prepare(m, true);
}

const struct message *feed_prepared_message(const struct feed_prepared *p)
{
	return p->m;
}

void feed_prepared_free(struct feed_prepared *p)
{
	if (!p)
		return;
	if (p->owned)
		message_free(p->m);
	buf_release(&p->from_name);
	buf_release(&p->from_addr);
	buf_release(&p->shown);
	buf_release(&p->subject);
	free(p->ib_name);
	free(p->ib_addr);
	series_prepared_free(p->series);
	free(p);
}

int feed_add(struct digest *d, struct store *store, struct feed_prepared *p, const char *key,
	     const char *commit, int64_t date)
{
	const struct message *m = p->m;
	struct digest_message dm;

	memset(&dm, 0, sizeof(dm));
	dm.key = key;
	dm.commit = commit;
	dm.message_id = m->message_id;
	dm.in_reply_to = m->in_reply_to;
	dm.references = m->references;
	dm.date = date;
	dm.subject = m->subject;
	dm.clean_subject = p->subject.data;
	dm.parsed = &p->ps;
	dm.from_name = p->sender_name;
	dm.from_addr = p->sender_addr;
	dm.author_name = p->author_name;
	dm.author_addr = p->author_addr;
	dm.body = m->body;
	dm.body_len = m->body_len;
	dm.inbody_from_off = p->ib_off;
	dm.inbody_from_len = p->ib_len;
	dm.shown_body = p->lead ? p->shown.data : NULL;
	dm.shown_body_len = p->shown.len;
	dm.series = p->series; /* taken by the digest */
	p->series = NULL;
	return digest_add_message(d, store, &dm);
}

int feed_message(struct digest *d, struct store *store, const struct message *m, const char *key,
		 const char *commit, int64_t date)
{
	/* not owned: freed by the caller; prepare() does not change it */
	struct feed_prepared *p = prepare((struct message *)m, false);
	int error = feed_add(d, store, p, key, commit, date);

	feed_prepared_free(p);
	return error;
}

char *feed_list_name(const char *list_id)
{
	const char *lt = strrchr(list_id, '<'), *s, *end;

	s = lt ? lt + 1 : list_id;
	while (*s == ' ')
		s++;
	end = s;
	while (*end && *end != '.' && *end != '>' && *end != ' ')
		end++;
	return end > s ? xmemdupz(s, (size_t)(end - s)) : NULL;
}
