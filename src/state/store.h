/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_STATE_STORE_H
#define MLDIGEST_STATE_STORE_H

/*
 * Where patch identities are recorded: the small interface the digest
 * talks to.  memstate.c keeps them in memory (--no-state); the SQLite state
 * plugs in behind the same operations.
 */

#include <stdbool.h>
#include <stddef.h>
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

/*
 * A patch as a later window needs it (series/series.h series_add_earlier):
 * its series may continue there, replies may answer it, a new version may
 * follow it.  Strings never NULL.
 */
struct store_thread_message {
	const char *key;         /* store_message.key */
	const char *message_id;  /* without brackets; "" */
	const char *in_reply_to; /* the first id of In-Reply-To; "" */
	const char *root_id;     /* its thread's root: the first References id; "" */
	int64_t date;
	const char *subject;     /* cleaned */
	const char *author_name; /* rule 5, a relay undone */
	const char *author_addr;
	const char *sender_name; /* the header From:, a relay undone */
	const char *sender_addr;
	const char *title_key;   /* a lead's series_append_title_key(); "" for others */
	const char *change_id;   /* a lead's b4 change-id or Change-Id; "" */
};

/* What store_find_thread() looks for. */
enum store_find {
	STORE_BY_MESSAGE_ID, /* the message with this Message-ID */
	STORE_BY_ROOT,       /* the messages whose thread starts at this id */
	STORE_BY_TITLE_KEY,  /* the leads with this title key */
	STORE_BY_CHANGE_ID,  /* the leads with this change-id */
};

/* A series version of the window and the version before it. */
struct store_version {
	const char *root_id;       /* series_info.root_id */
	const char *title_key;
	int version_major, version_minor;
	int total, received;
	const char *previous_root; /* the earlier version's root_id; "" */
	const char *link;          /* how it was linked: "same-title", "change-id",
				      "reply", "link"; "" */
};

/* An applied notice (or pull request) of the window. */
struct store_applied {
	const char *notice_key;  /* the notice's message key */
	const char *series_root; /* root_id of the series it applies to; "" */
	const char *subject;
	const char *verb;
	const char *who;
	const char *where;
	const char *commit;
};

typedef int (*store_thread_fn)(const struct store_thread_message *m, void *data);

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
	/*
	 * The series operations (NULL: nothing kept, nothing found).
	 * record_thread records a patch once per key; find_thread calls
	 * fn(m, data) for each recorded message `by` matches, in the order
	 * recorded, stopping at fn's first non-zero return; record_version
	 * records a series version (or updates it: the latest run's view
	 * wins); record_applied records a notice once per (notice, subject)
	 * and marks its series applied.
	 */
	int (*record_thread)(struct store *s, const struct store_thread_message *m);
	int (*find_thread)(struct store *s, enum store_find by, const char *value,
			   store_thread_fn fn, void *data);
	int (*record_version)(struct store *s, const struct store_version *v);
	int (*record_applied)(struct store *s, const struct store_applied *a);
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

/* Whether the store keeps threads (else there is no use preparing them). */
static inline bool store_keeps_threads(const struct store *s)
{
	return s->ops->record_thread != NULL;
}

static inline int store_record_thread(struct store *s, const struct store_thread_message *m)
{
	return s->ops->record_thread ? s->ops->record_thread(s, m) : 0;
}

static inline int store_find_thread(struct store *s, enum store_find by, const char *value,
				    store_thread_fn fn, void *data)
{
	return s->ops->find_thread ? s->ops->find_thread(s, by, value, fn, data) : 0;
}

static inline int store_record_version(struct store *s, const struct store_version *v)
{
	return s->ops->record_version ? s->ops->record_version(s, v) : 0;
}

static inline int store_record_applied(struct store *s, const struct store_applied *a)
{
	return s->ops->record_applied ? s->ops->record_applied(s, a) : 0;
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
