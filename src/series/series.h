/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_SERIES_SERIES_H
#define MLDIGEST_SERIES_SERIES_H

/*
 * Series, versions, replies, review trailers and applied notices of a
 * window (issue 5).  Pure: messages come already parsed (plain strings),
 * nothing here includes a library header.
 *
 * Use:
 *     struct series_set *set = series_set_new();
 *     for each message of the window, in archive order:
 *             series_add_message(set, &m);
 *     series_set_finish(set);
 *     -- optionally: ask the state about series_set_unknown_id() and
 *        series_set_names(), feed what it remembers with
 *        series_add_earlier(), and series_set_finish() again --
 *     for (i = 0; i < series_set_count(set); i++)
 *             render(series_set_get(set, i));
 *     for (i = 0; i < series_set_applied_count(set); i++)
 *             series_append_applied(&out, series_set_applied(set, i));
 *     series_set_free(set);
 *
 * A series is a cover letter (index 0) and its patches, or a single patch.
 * The grouping, versions and notices are decided in series_set_finish(),
 * over every message added so far, so the order of arrival does not matter
 * (patches often arrive before their cover letter).  The decisions are at
 * the top of series.c.
 *
 * What series_set_get() hands out is owned by the set, valid until the
 * next series_set_finish() or series_set_free() (adding messages does not
 * move it); what series_set_names(), series_set_applied() and
 * series_set_unknown_id() hand out, until their next call.  Every string
 * is printable (terminal controls dropped, valid UTF-8) and never NULL
 * (but for the patches' strings of a set with series_set_defer_patches(),
 * until series_set_load()).
 *
 * Memory.  The set keeps every message added until it is freed (the
 * decisions need them all), and its results, outside the heap: records of
 * fixed size and the strings every decision reads (Message-ID, sender
 * address, References) in temporary files read through caches of bounded
 * size (util/pagefile.h), the rest of its strings (key, subject, title,
 * sender, author), the leads' shown bodies and the results' strings in a
 * spool (util/spool.h), read back for the messages that need them (leads,
 * cover letters, notices, trailers); the indexes (tables of (hash,
 * number) pairs) are in temporary files too.  The results (series,
 * members, trailers, notices, unknown ids) are records in such files as
 * well: series_set_names(), series_set_applied() and
 * series_set_unknown_id() read one back at a time, so a caller that reads
 * only those (the text digest, the state) holds none of them in the heap.
 * series_set_get() reads a series back (its patches, trailers, notices and
 * earlier versions) and keeps it until the set is finished again or freed,
 * or until series_set_forget(): the heap grows with the series a caller
 * asks for and keeps.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "patch/subject.h"
#include "util/buf.h"
#include "util/spool.h"

/* Indexes above this (or totals above it) are kept but not counted. */
#define SERIES_MAX_TOTAL 9999
/* Patches sent without threading join a series within this many seconds. */
#define SERIES_TIME_WINDOW (30 * 60)
/* At most this many References ids are kept per message. */
#define SERIES_MAX_REFS 64
/* A cover letter or first patch body is kept up to this many bytes. */
#define SERIES_MAX_BODY (64 * 1024)
/* Earlier versions followed from one series. */
#define SERIES_MAX_CHAIN 64

/* One message as the series module needs it.  Strings UTF-8, never NULL. */
struct series_message {
	const char *key;	 /* the commit id, else the Message-ID (store.h) */
	const char *message_id;	 /* without brackets; "" when none */
	const char *in_reply_to; /* first id of In-Reply-To, with or without brackets; "" */
	const char *references;	 /* the References header as it is (folded, garbage
				    and all); "" */
	int64_t date;		 /* seconds since the epoch */
	const char *subject;	 /* cleaned (subject_clean) */
	const struct patch_subject *parsed; /* subject_parse() of `subject`, or NULL:
					       series_add_message() parses it */
	const char *author_name;	    /* rule 5 (the in-body From: when there is one), */
	const char *author_addr;	    /* relays undone (relay_resolve) */
	const char *sender_name;	    /* the header From:, relays undone */
	const char *sender_addr;
	const char *body; /* rule 2; may be "" for series_add_earlier() */
	size_t body_len;
	const char *shown_body; /* a lead's shown body (patch/body.h) when the caller */
	size_t shown_body_len;	/* has made it already; NULL: made from `body` */
};

struct series_set;

/* A new, empty set; the caller frees it with series_set_free(). */
struct series_set *series_set_new(void);
void series_set_free(struct series_set *set);

/*
 * The patches' own strings (series_patch key, subject, title, author,
 * Message-ID) are kept outside the heap and read back with each series
 * series_set_get() reads.  After this call they are read back only once
 * series_set_load() is called: until then those six are NULL (but for the
 * lead's Message-ID).  For a caller that may print no more than the
 * series' names, notices and trailers (the digest, until a renderer asks).
 */
void series_set_defer_patches(struct series_set *set);
/* From now on the patches' strings are read back too (and those of the
 * series kept already). */
void series_set_load(struct series_set *set);

/*
 * Adds a message of the window (a patch, a reply, a pull request or other
 * mail; every message, in archive order).  Copies what it needs: `m` and
 * its strings may go after the call.  Duplicates (the same key twice) are
 * ignored.
 */
void series_add_message(struct series_set *set, const struct series_message *m);

/*
 * The same in two steps, so that the costly part (scanning the body for
 * trailers, notices, links and the shown body) runs where the message is
 * parsed, on any thread, several at once: series_prepare() needs no set
 * and copies what it needs of `m` (its key and date may be unknown yet);
 * series_add_prepared() adds it to `set` with its key and date, in archive
 * order, and takes it.  series_prepared_free() frees one never added.
 */
struct series_prepared;
struct series_prepared *series_prepare(const struct series_message *m);
void series_add_prepared(struct series_set *set, struct series_prepared *p, const char *key,
			 int64_t date);
void series_prepared_free(struct series_prepared *p);
/*
 * The change-id series_prepare() found in the body of a lead (b4's
 * "change-id:" or Gerrit's "Change-Id:", made printable; "" when it has
 * none), or NULL when it did not look (not a lead to it).  Borrowed from p,
 * valid until p is added or freed.  So the digest need not look again.
 */
const char *series_prepared_change_id(const struct series_prepared *p);

/*
 * Adds a message the state remembers from an earlier window: a patch of a
 * series the window continues (the state's patches of a split series), or
 * the lead of an earlier version.  It groups, names and counts like a
 * window message (received indexes, version links, a target for replies)
 * but a series made only of earlier messages is not listed.  Its body may
 * be "" (a change-id or links are then unknown: pass them in the body as
 * "change-id: ..." lines if the state keeps them).
 */
void series_add_earlier(struct series_set *set, const struct series_message *m);

/*
 * Decides the series, versions, replies, trailers and notices from every
 * message added.  Call it after adding and before reading; again after
 * more series_add_earlier() calls (it starts over; the cost is linear in
 * the messages).
 */
void series_set_finish(struct series_set *set);

/*
 * Message-IDs the window's messages refer to that the set does not hold
 * (after series_set_finish()): the In-Reply-To and the thread root of each
 * window message and the messages a lead links to (an earlier version's
 * cover letter), each once, in archive order.  The state may know them
 * (a cover letter from last week).  Valid until the next call.
 */
size_t series_set_unknown_count(const struct series_set *set);
const char *series_set_unknown_id(const struct series_set *set, size_t i);

enum series_trailer_kind {
	SERIES_REVIEWED_BY,
	SERIES_ACKED_BY,
	SERIES_TESTED_BY,
	SERIES_REPORTED_BY,
};

/* "Reviewed-by", "Acked-by", "Tested-by", "Reported-by". */
const char *series_trailer_name(enum series_trailer_kind kind);

struct series_patch;

/* A review trailer. */
struct series_trailer {
	enum series_trailer_kind kind;
	const char *name; /* the person given; "" when only an address */
	const char *addr;
	const struct series_patch *patch; /* the patch it is for; NULL for the whole
					     series (given on the cover letter) */
	const char *given_in;		  /* the key of the message that gives it */
	const char *given_by;		  /* its sender, "Name <addr>" (rule 6) */
	bool in_patch; /* written in the patch itself (by its author: carried over
			  from an earlier version), not given in a reply */
};

/* A message of a series: its cover letter or one of its patches. */
struct series_patch {
	unsigned index; /* 0 for the cover letter and for a single patch */
	const char *key;
	const char *message_id;
	const char *subject;
	const char *title;
	const char *author_name; /* rule 5 */
	const char *author_addr;
	int64_t date;
	bool earlier;	/* added with series_add_earlier() */
	bool duplicate; /* its index was already received in this series */
	size_t replies; /* replies of the window answering this message */
};

enum series_link_kind {
	SERIES_LINK_NONE,
	SERIES_LINK_SAME_TITLE, /* same author, same cover (or first patch) title */
	SERIES_LINK_CHANGE_ID,	/* the same change-id / Change-Id */
	SERIES_LINK_REPLY,	/* sent in reply to the earlier version */
	SERIES_LINK_LINK,	/* its cover letter links to the earlier version */
};

struct series_applied;

struct series_info {
	const char *root_id;	 /* a stable name for the state: the cover letter's
				    Message-ID, else the first patch's, else the id
				    the patches answer (a cover from an earlier window) */
	const char *title;	 /* of the cover letter, else of the first patch */
	const char *title_key;	 /* author address and title, ASCII lower-cased,
				    joined by 0x1f: what version links compare */
	const char *author_name; /* rule 5, of the cover letter or first patch */
	const char *author_addr;
	const char *sender;	/* rule 6 of the same message: "Name <addr>" */
	unsigned version_major; /* 1 by default */
	unsigned version_minor;
	bool rfc;
	bool resend;
	bool in_window;			    /* holds a message of the window (else: reached
					       only as an earlier version) */
	unsigned total;			    /* the n of i/n; 0 for a single patch */
	unsigned received;		    /* distinct indexes 1..total received, in this
					       window or (series_add_earlier) before */
	const char *missing;		    /* the indexes not received: "2, 5-7, 20-33"; "" */
	const struct series_patch *cover;   /* index 0, NULL without a cover letter */
	const struct series_patch *lead;    /* the cover letter, else the first patch */
	struct spool_text lead_body;	    /* the shown body of the lead (patch/body.h),
					       cut at SERIES_MAX_BODY, kept outside the heap:
					       series_append_lead_body(); empty for an
					       earlier one */
	const char *change_id;		    /* "" when none */
	const struct series_patch *patches; /* cover letter and patches, by index
					       then arrival */
	size_t npatches;
	size_t replies;			       /* replies of the window to any of its messages */
	const struct series_trailer *trailers; /* in arrival order; duplicates
						  (same kind, person, patch) dropped */
	size_t ntrailers;
	const struct series_info *previous;	     /* the version before, NULL */
	enum series_link_kind previous_link;	     /* how it was found */
	const struct series_applied *applied;	     /* notices about it */
	size_t napplied;
};

/* Appends the shown body of the lead of `s` (series_info.lead_body). */
void series_append_lead_body(struct buf *out, const struct series_info *s);

/* Series of the window, in archive order of their first window message. */
size_t series_set_count(const struct series_set *set);
/* Series i, read back on the first call and kept (see Memory above). */
const struct series_info *series_set_get(const struct series_set *set, size_t i);
/*
 * Frees the series series_set_get() kept: what it gave before is no longer
 * valid.  For a caller that reads the series one at a time (a renderer),
 * so that the set keeps no more than one series and its earlier versions.
 */
void series_set_forget(const struct series_set *set);

/* No series: what series_set_find_key() gives when none holds the message. */
#define SERIES_NONE ((size_t)-1)

/*
 * The place (for series_set_get()) of the series of the window that holds
 * the message of `key` (series_patch.key), or SERIES_NONE.
 */
size_t series_set_find_key(const struct series_set *set, const char *key);

/* What the state keeps of a series (series_info's fields of those names). */
struct series_names {
	const char *root_id;
	const char *title_key;
	const char *change_id;
	const char *previous_root; /* the root_id of the version before; "" */
	enum series_link_kind previous_link;
	unsigned version_major, version_minor;
	unsigned total, received;
};

/*
 * The names of series i (as series_set_get()'s), read back without the
 * rest of it: valid until the next call.
 */
void series_set_names(const struct series_set *set, size_t i, struct series_names *out);

/*
 * The earlier versions of `s`, newest first, at most `max` (and at most
 * SERIES_MAX_CHAIN): previous, previous->previous, ...  Returns how many.
 */
size_t series_earlier_versions(const struct series_info *s, const struct series_info **out,
			       size_t max);

enum series_applied_kind {
	SERIES_APPLIED_REPLY,	     /* a person: "Applied to powerpc/next." */
	SERIES_APPLIED_LIST,	     /* "[1/2] title" + "commit: <id>" (b4 ty) */
	SERIES_APPLIED_PATCHWORK,    /* "This series was applied to ... by ...:" */
	SERIES_APPLIED_MERGED,	     /* pr-tracker-bot: merged into torvalds/linux.git */
	SERIES_APPLIED_PULL_REQUEST, /* a [GIT PULL] message */
};

/* An entry of "Patch list in this time period". */
struct series_applied {
	enum series_applied_kind kind;
	const char *subject;		  /* the patch (or series, or pull request): its subject
					     without Re: */
	const char *verb;		  /* what the notice says: "applied", "queued", "pushed",
					     "pulled", "merged", ...; "" for a pull request */
	const char *who;		  /* who applied it: the person the notice names, else
					     its sender; for a pull request, its sender ("Name <addr>") */
	const char *where;		  /* "powerpc/next", "netdev/net-next.git (main)", the
					     pull request's "git://... tags/x"; "" when not said */
	const char *commit;		  /* the commit id or link; "" */
	const char *patches;		  /* "2-8" when the notice names only some patches; "" */
	const char *notice_key;		  /* the key of the notice (or the pull request) */
	const char *target_key;		  /* the key of the message it answers; "" when unknown */
	const char *series_root;	  /* the root_id of its series; "" when not among
					     the set's series */
	const char *patch_key;		  /* the key of the patch it is for; "" for the
					     whole series (or none) */
	unsigned patch_index;		  /* that patch's index (series_patch.index) */
};

/*
 * Applied notices and pull requests of the window, in archive order (a
 * notice listing several patches gives one entry each, in its order).
 * Entries saying the same thing (subject, who, where) twice are kept once.
 * Entry i is read back: valid until the next series_set_applied().
 */
size_t series_set_applied_count(const struct series_set *set);
const struct series_applied *series_set_applied(const struct series_set *set, size_t i);

/*
 * The classic text (SPEC "Patch list in this time period"):
 *     <subject>\n
 *         applied by <who>[ to <where>]\n
 * ("pull request by <who>[ from <where>]" for a pull request; "patches 2-8
 * applied by ..." when only some).  Appended to `out`.
 */
void series_append_applied(struct buf *out, const struct series_applied *a);

/*
 * Appends the key version links compare (series_info.title_key) for a lead
 * by `author_addr` titled `title`: both made printable and ASCII
 * lower-cased, joined by 0x1f.  The state keeps it to find earlier
 * versions.
 */
void series_append_title_key(struct buf *out, const char *author_addr, const char *title);

/*
 * Appends sorted, distinct `indexes` as compact ranges: "2, 5-7, 20-33".
 */
void series_append_ranges(struct buf *out, const unsigned *indexes, size_t n);

/*
 * Appends "19/33 received, missing 20-33" ("33/33 received" when complete;
 * nothing for a single patch).
 */
void series_append_completeness(struct buf *out, const struct series_info *s);

#endif
