/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_DIGEST_DIGEST_H
#define MLDIGEST_DIGEST_DIGEST_H

/*
 * The digest of a window: what the renderers print.  digest_add_message()
 * takes each message of the window in archive order, classifies it (reply,
 * patch, lead), counts it and keeps an entry for each lead.  Pure: the
 * message comes already parsed and every string handed out is safe to print
 * (terminal controls dropped).
 */

#include <stddef.h>
#include <stdint.h>

#include "state/store.h"
#include "util/buf.h"
#include "util/spool.h"

struct patch_subject;
struct pagefile;

struct tally;
struct series_set;
struct series_info;
struct series_prepared;
struct mailmap;
struct orgmap;

/* One message as the digest needs it.  All strings UTF-8, never NULL. */
struct digest_message {
	const char *key;        /* the commit id, else the Message-ID (see store.h) */
	const char *commit;     /* "" when none */
	const char *message_id; /* "" when none */
	const char *in_reply_to; /* first id of In-Reply-To; "" when none */
	const char *references;  /* the References header as it is; "" */
	int64_t date;
	const char *subject;    /* decoded, not cleaned */
	const char *clean_subject; /* subject cleaned (subject_clean) and parsed */
	const struct patch_subject *parsed; /* (spans into it) when the caller has
					       them (feed.c); NULL: made here */
	const char *from_name;  /* the header From:, a relay undone (series/relay.h) */
	const char *from_addr;
	const char *author_name; /* the in-body From: when there is one, else */
	const char *author_addr; /* the header From: (rule 5) */
	const char *body;        /* the body (rule 2) */
	size_t body_len;
	size_t inbody_from_off; /* the in-body From: line to drop from the */
	size_t inbody_from_len; /* shown body; len 0 for none */
	const char *shown_body; /* a lead's shown body when the caller has made it */
	size_t shown_body_len;	/* (feed.c); NULL: made here from the above */
	struct series_prepared *series; /* series_prepare() of this message, taken
					   by digest_add_message(); NULL: made there */
};

enum digest_entry_kind {
	DIGEST_NEW,       /* a lead seen for the first time */
	DIGEST_DUPLICATE, /* a lead first recorded from another message */
};

/*
 * One lead.  Every string is printable (terminal controls dropped).  A
 * digest keeps every lead until it is printed, outside the heap: the
 * entries in a pagefile (digest_entry_get() gives a copy), their strings
 * in a spool (digest_entry_read()).
 */
struct digest_entry {
	enum digest_entry_kind kind;
	struct spool_text text; /* its strings (struct digest_entry_text) */
	struct spool_text body; /* the shown body (digest_append_body); empty for
				   a duplicate */
};

/* The strings of an entry, as digest_entry_read() gives them. */
struct digest_entry_text {
	const char *title;
	const char *subject;
	const char *sender;     /* rule 6 */
	const char *author;     /* rule 5, in the top list's form */
	const char *message_id;
	const char *commit;
	const char *key;        /* the message's key (store.h), as it is */
};

struct digest {
	char *list_name;  /* for the title */
	char *from;       /* the window's ends: commit ids in hex (or dates) */
	char *to;
	struct tally *domains; /* patch messages by author domain */
	struct tally *people;  /* patch messages by author */
	struct tally *organisations; /* patch messages by the organisation of the
					author's domain (counted when orgmap is set) */
	const struct mailmap *mailmap; /* people merged before counting; NULL:
					  none (borrowed: set after digest_init) */
	const struct orgmap *orgmap;   /* domains to organisations; NULL: none */
	struct series_set *series; /* the window's series, replies and applied
				      notices: complete after digest_finish() */
	struct pagefile *entries; /* nentries struct digest_entry: digest_entry_get() */
	struct spool *bodies; /* the entries' strings and shown bodies */
	size_t nentries;
	unsigned long messages; /* messages read in the window */
	unsigned long patches;  /* of which patches */
	unsigned long replies;  /* of which replies */
};

void digest_init(struct digest *d);
void digest_release(struct digest *d);

/* Entry i (< d->nentries), copied to `out`. */
void digest_entry_get(const struct digest *d, size_t i, struct digest_entry *out);

/*
 * Reads the strings of `e` back into `scratch` (reset first) and points
 * `out` at them: valid until `scratch` changes.
 */
void digest_entry_read(const struct digest *d, const struct digest_entry *e, struct buf *scratch,
		       struct digest_entry_text *out);

/* Appends the shown body of `e` (nothing for a duplicate) to `out`. */
void digest_append_body(struct buf *out, const struct digest *d, const struct digest_entry *e);

/* Sets the title's fields (copied). */
void digest_set_window(struct digest *d, const char *list_name, const char *from,
		       const char *to);

/*
 * Digests one message: counts patches in the top lists; for a lead,
 * records its identity in `store` and adds a New or duplicate entry.
 * Returns 0, or the store's error.
 */
int digest_add_message(struct digest *d, struct store *store, const struct digest_message *m);

/*
 * After the window's last message: decides the series (series/series.h),
 * with what `store` remembers of earlier windows (the patches of a series
 * the window continues, the messages its replies answer, earlier versions),
 * and records the window's series messages, versions and applied notices
 * in `store`.  Call it once, before rendering (the series of an entry is
 * series_set_find_key() of its key).  Returns 0, or the store's error.
 */
int digest_finish(struct digest *d, struct store *store);

#endif
