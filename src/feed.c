/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "feed.h"

#include <stdlib.h>
#include <string.h>

#include "patch/author.h"
#include "series/relay.h"
#include "util/buf.h"

int feed_message(struct digest *d, struct store *store, const struct message *m, const char *key,
		 const char *commit, int64_t date)
{
	struct inbody_from ib;
	struct buf from_name = BUF_INIT, from_addr = BUF_INIT;
	char *ib_name = NULL, *ib_addr = NULL;
	struct digest_message dm;
	int error;

	memset(&dm, 0, sizeof(dm));
	dm.key = key;
	dm.commit = commit;
	dm.message_id = m->message_id;
	dm.in_reply_to = m->in_reply_to;
	dm.references = m->references;
	dm.date = date;
	dm.subject = m->subject;
	/* a relay's rewrite of From: counts for the person it relays */
	relay_resolve(m->from_name, m->from_addr, m->original_from, m->reply_to, &from_name,
		      &from_addr);
	dm.from_name = from_name.len ? from_name.data : "";
	dm.from_addr = from_addr.len ? from_addr.data : "";
	dm.author_name = dm.from_name;
	dm.author_addr = dm.from_addr;
	dm.body = m->body;
	dm.body_len = m->body_len;
	if (author_find_inbody_from(m->body, m->body_len, &ib)) {
		dm.inbody_from_off = ib.line_off;
		dm.inbody_from_len = ib.line_len;
		if (message_parse_address(m->body + ib.value_off, ib.value_len, &ib_name,
					  &ib_addr) == 0 &&
		    *ib_addr) {
			dm.author_name = ib_name;
			dm.author_addr = ib_addr;
		}
	}
	error = digest_add_message(d, store, &dm);
	buf_release(&from_name);
	buf_release(&from_addr);
	free(ib_name);
	free(ib_addr);
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
