/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_STATE_STORE_H
#define MLDIGEST_STATE_STORE_H

/*
 * Where patch identities are recorded: the small interface the digest
 * talks to.  memstate.c keeps them in memory (--no-state); the SQLite state
 * plugs in behind the same operations.
 */

#include <stdbool.h>
#include <stdint.h>

/* The message an identity was seen in. */
struct store_message {
	const char *key;        /* what makes it "the same message": the commit id,
				   or the Message-ID where there is no commit */
	const char *message_id; /* without brackets; may be "" */
	const char *commit;     /* hex commit id; "" when none */
	int64_t date;           /* seconds since the epoch */
	const char *subject;    /* cleaned */
	const char *author;     /* the author's address */
};

/* A series and version seen: a lead's author, title, version and total. */
struct store_series {
	const char *author;      /* the author's address (lower-cased when stored) */
	const char *title;       /* the title (ASCII lower-cased when stored) */
	int version;             /* 1 when the subject names none */
	int total;               /* the n of i/n, 0 without an index */
	const char *message_key; /* the message it was seen in (store_message.key) */
};

struct store;

struct store_ops {
	/*
	 * Records that `identity` was seen in `msg`.  Sets *first_elsewhere
	 * when the identity was first recorded from another message (an
	 * earlier run, or earlier in this run): the patch is a duplicate.
	 * Returns 0 or a negative enum md_status with the message set.
	 */
	int (*record_patch)(struct store *s, const char *identity, const struct store_message *msg,
			    bool *first_elsewhere);
	/* Records that a series and version was seen (NULL: not kept). */
	int (*record_series)(struct store *s, const struct store_series *series);
	void (*free)(struct store *s);
};

struct store {
	const struct store_ops *ops;
};

static inline int store_record_patch(struct store *s, const char *identity,
				     const struct store_message *msg, bool *first_elsewhere)
{
	return s->ops->record_patch(s, identity, msg, first_elsewhere);
}

static inline int store_record_series(struct store *s, const struct store_series *series)
{
	return s->ops->record_series ? s->ops->record_series(s, series) : 0;
}

static inline void store_free(struct store *s)
{
	if (s)
		s->ops->free(s);
}

/* An empty store in memory: nothing read, nothing written.  The caller frees
 * it with store_free(). */
struct store *memstate_new(void);

#endif
