/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Series of a window.  Decisions, in one place:
 *
 * Messages.  A patch is subject rule 4's; a pull request is "[GIT PULL]";
 * a reply is a subject reply (rule 3) or any other message with an
 * In-Reply-To or References (a reply whose subject lost its "Re:").
 * References are kept nearest first: In-Reply-To, then References from the
 * last id back, at most SERIES_MAX_REFS (the thread root, the first id, is
 * always kept).
 *
 * Grouping (series_set_finish, union-find over the patches, so arrival
 * order does not matter):
 *  1. A cover letter (i/n with i = 0) and a single patch (no i/n) each
 *     start a series.  A single patch never joins another: a v2 sent in
 *     reply to v1 is a new version, not a member.
 *  2. A patch i/n (i >= 1) joins the nearest message of its References
 *     that is a patch of the same sender, version (major and minor) and
 *     total n: the cover letter, or the patch it was chained to.  The
 *     sender (header From:, relays undone) is the same for every patch of
 *     a series even when in-body From: lines name several authors.
 *  3. When none of its References is such a patch, and the nearest one is
 *     a message the set does not hold (a cover letter of an earlier window,
 *     or lost), the patches of the same sender, version and total that
 *     answer that same id form one series; that id is the series' root_id.
 *  4. A patch without References (sent unthreaded) joins, in arrival
 *     order, the latest series of the same sender, version and total whose
 *     dates are within SERIES_TIME_WINDOW of its date and that does not
 *     hold its index yet; else it starts a series.  So a second "1/1" of
 *     the same author is a series of its own (b4 issue 31), and so is a
 *     re-sent series an hour later.
 *  5. A cover letter no patch joined (a series of its cover letter alone)
 *     that is the same (sender, version, total, title) as another cover
 *     letter within SERIES_TIME_WINDOW of it is that cover letter sent
 *     again (a git send-email that failed and was retried, the retry's
 *     patches threaded to the first cover): it joins the series of the
 *     nearest such cover letter that has patches, else of the first one,
 *     as a duplicate.
 * The lead of a series is its cover letter, else its lowest index.  A
 * series' title, author, version, total, RFC and RESEND are the lead's.
 *
 * Completeness.  Distinct indexes 1..total among the members (window and
 * earlier); indexes above the total or SERIES_MAX_TOTAL are not counted.
 *
 * Versions.  Another series T is an earlier version of S when T comes
 * before S: a lower version, or the same version (a RESEND, or the same
 * series sent again) first seen before S.  Of the series that come before
 * S, the previous version is chosen from the first class that has one:
 *  a. same author address and title (lower-cased): the cover letter's, or
 *     the first patch's when there is no cover letter;
 *  b. the same change-id (b4's "change-id:" or Gerrit's "Change-Id:" in
 *     the lead's body);
 *  c. the lead is sent in reply to a message of T;
 *  d. the lead's body links to a message of T (lore, lkml, msgid.link
 *     links, "v1: <id>"), first on lines naming a version, then anywhere;
 * and within the class, the highest version, then the latest.  Since
 * "before" is a strict order, chains have no cycles.
 *
 * Replies.  A window reply answers the nearest message of its References
 * that is a patch or pull request the set holds; through a reply the set
 * holds, it answers what that reply answers.  It is counted for the
 * series and for the message.  Its trailers (trailer.h: own text only)
 * are for that patch, or for the whole series when it answers the cover
 * letter or a single patch.  Trailers in a patch's own commit message are
 * kept too, marked in_patch (the author's: carried over from reviews of an
 * earlier version), so a renderer can show or drop them.
 *
 * Applied notices (applied.h decides what a notice is; only replies are
 * read).  A notice gives an entry for the message it answers (its subject,
 * or the reply's subject without "Re:" when the set does not hold it).  A
 * notice listing patches ("[2/3] title" + commit) gives one entry per
 * patch: the series' member with that index (when the totals agree) or
 * that title, else a subject made from the answered one with the index and
 * title of the line.  Who: the person the notice names, else its sender.
 * A window [GIT PULL] is an entry of its own.
 */
#include "series/series.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "patch/author.h"
#include "patch/body.h"
#include "series/applied.h"
#include "series/msgid.h"
#include "series/trailer.h"
#include "util/pagefile.h"
#include "util/strmap.h"
#include "util/text.h"

#define MAX_RESOLVE_DEPTH 256
/* Trailers kept per series. */
#define SERIES_MAX_TRAILERS 4096

enum node_kind { NODE_PATCH, NODE_PULL, NODE_REPLY, NODE_OTHER };

struct trailer_rec {
	enum trailer_kind kind;
	char *name;
	char *addr;
};

struct item_rec {
	unsigned index, total;
	char *title;
	char *commit;
};

struct notice_rec {
	enum applied_kind kind;
	char *verb;
	char *where;
	char *who;
	char *commit;
	char *patches;
	struct item_rec *items;
	size_t nitems;
};

/* What the decisions read of a patch subject (patch/subject.h); its spans
 * and tags are not kept. */
struct node_subject {
	bool has_index, rfc, resend;
	unsigned index, total;
	unsigned version_major, version_minor;
};

/*
 * What only some messages have (a lead's body, change-id and links,
 * trailers, a notice, a pull request's source): a draft's, in memory;
 * a node's, in the set's spool (node.extra), read back by the few steps
 * that need it (extra_read: the caller's copy).
 */
struct node_extra {
	struct spool_text lead_text; /* leads: in the set's spool */
	char *change_id;	     /* leads only; NULL when none */
	struct msgid_link *links;
	size_t nlinks;
	struct trailer_rec *trailers;
	size_t ntrailers;
	struct notice_rec *notice; /* window replies only */
	char *pull_source;	   /* pull requests only */
};

/*
 * One message as make_draft() makes it (on any thread, series_prepare),
 * its strings allocated one by one (NULL for those its kind does not
 * keep).  The set keeps it as a node (pack_node).
 */
struct draft {
	char *key;
	char *message_id;
	char *subject; /* printable */
	char *title;
	char *author_name;
	char *author_addr;
	char *sender_lower;
	char *sender; /* "Name <addr>" */
	int64_t date;
	char **refs; /* nearest first */
	size_t nrefs;
	struct node_subject ps;
	bool earlier;
	enum node_kind kind;
	char *lead_body; /* leads only, until the set takes it (spool) */
	struct node_extra extra;
};

/*
 * The strings of a node, one after the other, each NUL-terminated (none
 * holds a NUL: they are printable), "" for those its kind does not keep;
 * the References are nrefs strings.  A string is found by skipping those
 * before it, so no offsets are kept.  What the decisions read for every
 * message (up to FIELD_REFS) is in the set's texts (node.text_off); the
 * rest, read for a few (leads, cover letters, notices) or only printed, is
 * in the set's spool (node.cold).  Both outside the heap.
 */
enum node_field {
	FIELD_MESSAGE_ID,
	FIELD_SENDER_LOWER,
	FIELD_REFS,
	FIELD_KEY, /* the first in node.cold */
	FIELD_TITLE,
	FIELD_SUBJECT,
	FIELD_SENDER,
	FIELD_AUTHOR_NAME,
	FIELD_AUTHOR_ADDR,
	NODE_NFIELDS
};

/*
 * A message the set keeps: every message of the window (the decisions are
 * global over it), so none of it is in the heap.  The node is a record of
 * fixed size in the set's records (node number i at i * sizeof(struct
 * node)), read and written back as a copy (node_get, node_put); its
 * strings are in the set's texts and spool.
 */
/* What a node's extra data holds, for the steps that read it back. */
enum extra_has {
	EXTRA_HAS_LINKS = 1,	 /* links (link_versions, find_unknown) */
	EXTRA_HAS_ANSWERS = 2,	 /* trailers, a notice or a pull request's source
				    (attach_replies) */
	EXTRA_HAS_CHANGE_ID = 4, /* a lead's change-id (build_series) */
};

struct node {
	struct spool_text extra; /* its node_extra in the spool (extra_read); empty:
				    none */
	int64_t date;
	struct spool_text cold;	     /* its strings from FIELD_KEY on */
	struct spool_text lead_text; /* a lead's shown body (node_extra.lead_text) */
	uint64_t text_off;	     /* its strings up to FIELD_REFS, in set->texts */
	uint32_t text_len;

	/* set by series_set_finish(): its place in the order of the
	 * decisions (set->all); a patch's series, or what a reply (or other
	 * mail a reply goes through) answers; never both */
	uint32_t order;
	union {
		struct {
			uint32_t series;  /* its series number plus one; 0: none */
			uint32_t member;  /* its place among the series' members */
			uint32_t replies; /* replies of the window answering it */
			bool duplicate;	  /* its index was received before in the series */
		};
		uint32_t target; /* its node number plus one; 0: none */
	};

	struct node_subject ps;
	uint8_t kind; /* enum node_kind */
	uint8_t nrefs;
	uint8_t resolve_state; /* 0 not yet, 1 in progress, 2 done */
	bool earlier;
	bool dead; /* shadowed by the same message added to the window */
	bool grouped;
	bool virtual_root;     /* its first Reference names its series (rule 3) */
	bool title_in_subject; /* the title is the end of the subject, from */
	uint16_t title_off;    /* this byte on (not kept twice) */
	uint8_t extra_has;     /* what node.extra holds (enum extra_has) */
};

/* No node: what node numbers (uint32_t) are when there is none. */
#define NO_NODE UINT32_MAX

/* No series, trailer or notice: what their numbers are when there is none. */
#define NO_SERIES UINT32_MAX
#define NO_REC	  UINT32_MAX

/*
 * The results of series_set_finish() are records of fixed size in
 * pagefiles, read and written back as copies, their strings in the set's
 * results spool (one block a record, the strings one after the other):
 * a series (srec, by series number, in order of creation), a trailer
 * (trec) and a notice (arec), each chained to the next of its series.
 * series_set_get() reads a series back into a struct sinfo.
 */
enum srec_field {
	SF_ROOT_ID,
	SF_MESSAGE_ID, /* the lead's */
	SF_TITLE,
	SF_AUTHOR_NAME,
	SF_AUTHOR_ADDR,
	SF_SENDER,
	SF_TITLE_KEY,
	SF_CHANGE_ID,
	SF_MISSING,
	SF_NFIELDS
};

/* Records chained by their `next` field (chain_append): the first and
 * the last, and how many. */
struct chain {
	uint32_t first, last, n;
};

struct srec {
	struct spool_text strings;   /* enum srec_field */
	struct spool_text lead_body; /* in set->bodies */
	uint64_t members_at;	     /* its members' node numbers, sorted, from here
					in set->members */
	struct node_subject lead_ps;
	uint32_t nmembers;
	uint32_t lead; /* its node number */
	uint32_t first_order;
	uint32_t first_window_order;	  /* NO_ORDER: none (not in the window) */
	uint32_t virtual_ref;		  /* a node whose first Reference is its root_id
					     (rule 3), NO_NODE */
	uint32_t title_hash, change_hash; /* of SF_TITLE_KEY and SF_CHANGE_ID */
	uint32_t by_title;		  /* the best earlier version of the same title */
	uint32_t by_change;		  /* ... of the same change-id */
	uint32_t previous;
	uint32_t listed_at; /* its place in set->listed; NO_SERIES */
	uint32_t received, replies;
	struct chain trailers, notices; /* its trecs and arecs */
	uint8_t previous_link; /* enum series_link_kind */
	bool has_change_id;
};

enum trec_field { TF_NAME, TF_ADDR, TF_GIVEN_IN, TF_GIVEN_BY, TF_NFIELDS };

struct trec {
	struct spool_text strings; /* enum trec_field */
	uint32_t series;
	uint32_t member; /* the patch's place in its series; NO_REC: the whole series */
	uint32_t next;	 /* the next trailer of the series; NO_REC */
	uint8_t kind;	 /* enum series_trailer_kind */
	bool in_patch;
};

enum arec_field {
	AF_SUBJECT,
	AF_VERB,
	AF_WHO,
	AF_WHERE,
	AF_COMMIT,
	AF_PATCHES,
	AF_NOTICE_KEY,
	AF_TARGET_KEY,
	AF_NFIELDS
};

struct arec {
	struct spool_text strings; /* enum arec_field */
	uint32_t series;	   /* NO_SERIES */
	uint32_t member;	   /* NO_REC: the whole series */
	uint32_t next;		   /* the next notice of the series; NO_REC */
	uint8_t kind;		   /* enum series_applied_kind */
};

/* A series read back (series_set_get), kept until the results go. */
struct sinfo {
	struct series_info pub;
	const struct spool *bodies; /* where pub.lead_body is */
	uint32_t no;		    /* its series number */
	struct series_patch *patches;
	struct series_trailer *trailers;
	struct series_applied *applied;
	char *strings;	     /* pub's, the trailers' and the notices' */
	char *patch_strings; /* the patches' (load_patches), NULL until then */
};

/*
 * A table of numbers (of nodes, trailers, notices, unknown ids) by a
 * string of theirs: open addressing over (hash, number) pairs, 8 bytes a
 * slot, in a pagefile; the strings read back from what is numbered to
 * compare (a ptable_match).
 */
struct ptable_slot {
	uint32_t hash;
	uint32_t value; /* the number, plus one; 0: an empty slot */
};

struct ptable {
	struct pagefile *slots; /* nslots struct ptable_slot, outside the heap */
	size_t nslots;		/* a power of two */
	size_t size;
	size_t max_pages; /* of its cache */
};

/* The nodes by one of their strings (the key, the Message-ID). */
struct node_index {
	struct ptable table;
	enum node_field field;
};

/* The cold strings of one node, read back (cold_field). */
struct cold_cache {
	struct buf text;
	uint64_t off; /* whose: its node.cold.off (every node has cold strings) */
	bool valid;
};

/*
 * What the set reads back for its callers, changed through a const set as
 * a cache is: the series series_set_get() gave (kept until the results
 * go), and what series_set_names(), series_set_applied() and
 * series_set_unknown_id() gave last.
 */
struct kept {
	struct sinfo **series; /* by series number; NULL until one is asked */
	uint32_t *numbers;     /* of those kept (series_set_forget) */
	size_t nnumbers, numbers_alloc;
	struct buf names_text, applied_text, unknown_text;
	struct series_applied applied;
};

/* Where the strings of nodes are read back to: one buffer for each node a
 * decision looks at together with others. */
struct scratch {
	struct buf p, q;      /* the node a loop is at, and the one it looks at */
	struct buf index;     /* the node an index compares with */
	struct buf extra;     /* a node's extra data (extra_read) */
	struct buf hot, cold; /* pack_node()'s: reused, not grown for every node */
	struct buf rec;	      /* a result's strings, as they are kept */
	struct buf match;     /* a result's strings read back to compare */
	struct buf resolve[MAX_RESOLVE_DEPTH + 2]; /* resolve_target()'s, by depth */
};

struct series_set {
	struct pagefile *records; /* the nodes (struct node), by node number */
	struct pagefile *texts;	  /* their strings up to FIELD_REFS */
	struct spool *bodies;	  /* the leads' shown bodies and the nodes' cold strings */
	size_t nnodes;
	struct node_index keys;	 /* key -> node */
	struct node_index ids;	 /* Message-ID -> node (window wins over earlier, first wins) */
	struct cold_cache *cold; /* the last node's cold strings read back */
	struct scratch *scratch;
	bool defer_patches; /* series_set_defer_patches() */

	/* results of series_set_finish(), outside the heap */
	struct pagefile *all; /* node numbers (uint32_t) in the decisions' order:
				 earlier, then window */
	struct pagefile *uf;  /* the union-find parent (uint32_t) of each, by order */
	bool all_in_order;    /* set->all[i] is i: set->all is not read */
	size_t nall;
	struct spool *results;	     /* the strings of the records below */
	struct pagefile *srecs;	     /* nseries struct srec, by series number */
	struct pagefile *members;    /* the series' members' node numbers (uint32_t) */
	struct pagefile *listed;     /* nlisted series numbers (uint32_t): those in the
					window, in order of first window message */
	struct pagefile *trecs;	     /* ntrailers struct trec */
	struct ptable trailer_index; /* trailers already given (trailer_seen) */
	struct pagefile *arecs;	     /* napplied struct arec */
	struct ptable applied_index; /* notices' entries already made (add_entry) */
	struct pagefile *unknown;    /* nunknown struct spool_text (in results) */
	struct ptable unknown_index;
	size_t nseries, nlisted, ntrailers, napplied, nunknown;
	struct kept *kept; /* what is read back for the callers */
	bool loaded;	   /* series_set_load() was called */
};

/* ---- small helpers ---- */

static char *printable(const char *s, size_t len)
{
	struct buf b = BUF_INIT;

	text_append_printable(&b, s, len);
	return buf_detach(&b, NULL);
}

static char *pstr(const char *s)
{
	return printable(s, strlen(s));
}

static char *lower_dup(const char *s, size_t len)
{
	struct buf b = BUF_INIT;

	text_append_lower(&b, s, len);
	return buf_detach(&b, NULL);
}

void series_append_title_key(struct buf *out, const char *author_addr, const char *title)
{
	char *addr = pstr(author_addr), *t = pstr(title);

	text_append_lower(out, addr, strlen(addr));
	buf_addch(out, 0x1f);
	text_append_lower(out, t, strlen(t));
	free(addr);
	free(t);
}

static void grow(void **p, size_t *alloc, size_t need, size_t size)
{
	if (need <= *alloc)
		return;
	*alloc = *alloc ? *alloc * 2 : 8;
	if (*alloc < need)
		*alloc = need;
	*p = xrealloc(*p, *alloc * size);
}

static void append_sender(struct buf *out, const char *name, const char *addr)
{
	if (*name && *addr) { /* "%s <%s>", without printf's two passes */
		buf_addstr(out, name);
		buf_addstr(out, " <");
		buf_addstr(out, addr);
		buf_addch(out, '>');
	} else if (*addr)
		buf_addstr(out, addr);
	else
		buf_addstr(out, name);
}

static bool version_less(const struct node_subject *a, const struct node_subject *b)
{
	if (a->version_major != b->version_major)
		return a->version_major < b->version_major;
	return a->version_minor < b->version_minor;
}

static bool same_version(const struct node_subject *a, const struct node_subject *b)
{
	return a->version_major == b->version_major && a->version_minor == b->version_minor;
}

/* ---- adding ---- */

static void add_ref(char **refs, size_t *n, const char *id, size_t len, const char *self)
{
	char *clean;
	size_t i;

	if (!len || len > MSGID_MAX_LEN || *n >= SERIES_MAX_REFS)
		return;
	/* as the Message-IDs are kept: printable, so the two compare */
	clean = printable(id, len);
	for (i = 0; i < *n; i++)
		if (!strcmp(refs[i], clean))
			break;
	if (i < *n || !*clean || !strcmp(self, clean)) {
		free(clean);
		return;
	}
	refs[(*n)++] = clean;
}

static void set_refs(struct draft *n, const char *in_reply_to, const char *references)
{
	struct msgid_span spans[MSGID_MAX_REFS];
	size_t nspans, i, len = strlen(in_reply_to);
	char **refs = xcalloc(SERIES_MAX_REFS, sizeof(*refs));
	size_t nrefs = 0;

	if (memchr(in_reply_to, '<', len)) {
		if (msgid_parse_list(in_reply_to, len, spans, 1))
			add_ref(refs, &nrefs, in_reply_to + spans[0].off, spans[0].len,
				n->message_id);
	} else {
		/* the message module's form: the id without brackets */
		while (len && (*in_reply_to == ' ' || *in_reply_to == '\t')) {
			in_reply_to++;
			len--;
		}
		while (len && (in_reply_to[len - 1] == ' ' || in_reply_to[len - 1] == '\t'))
			len--;
		if (!memchr(in_reply_to, ' ', len))
			add_ref(refs, &nrefs, in_reply_to, len, n->message_id);
	}
	nspans = msgid_parse_ends(references, strlen(references), spans, SERIES_MAX_REFS);
	/* nearest first, keeping room for the thread root (the first id) */
	for (i = nspans; i > 1 && nrefs < SERIES_MAX_REFS - 1; i--)
		add_ref(refs, &nrefs, references + spans[i - 1].off, spans[i - 1].len,
			n->message_id);
	if (nspans)
		add_ref(refs, &nrefs, references + spans[0].off, spans[0].len, n->message_id);
	n->refs = nrefs ? xrealloc(refs, nrefs * sizeof(*refs)) : NULL;
	n->nrefs = nrefs;
	if (!nrefs)
		free(refs);
}

static void set_lead_data(struct draft *n, const struct series_message *m)
{
	struct buf b = BUF_INIT;
	struct inbody_from from;
	size_t k;

	if (m->shown_body)
		buf_add(&b, m->shown_body, m->shown_body_len);
	else if (author_find_inbody_from(m->body, m->body_len, &from))
		body_append_shown(&b, m->body, m->body_len, from.line_off, from.line_len);
	else
		body_append_shown(&b, m->body, m->body_len, 0, 0);
	if (b.len > SERIES_MAX_BODY) {
		size_t cut = SERIES_MAX_BODY;

		while (cut && ((unsigned char)b.data[cut] & 0xc0) == 0x80)
			cut--;
		buf_setlen(&b, cut);
	}
	n->lead_body = buf_detach(&b, NULL);
	if (msgid_find_change_id(m->body, m->body_len, &b))
		n->extra.change_id = printable(b.data, b.len);
	buf_release(&b);
	n->extra.links = xcalloc(MSGID_MAX_LINKS, sizeof(*n->extra.links));
	n->extra.nlinks = msgid_find_links(m->body, m->body_len, n->extra.links, MSGID_MAX_LINKS);
	for (k = 0; k < n->extra.nlinks; k++) { /* printable, as the Message-IDs */
		char *id = pstr(n->extra.links[k].id);

		free(n->extra.links[k].id);
		n->extra.links[k].id = id;
	}
	if (!n->extra.nlinks) {
		free(n->extra.links);
		n->extra.links = NULL;
	} else {
		n->extra.links =
		    xrealloc(n->extra.links, n->extra.nlinks * sizeof(*n->extra.links));
	}
}

static void set_trailers(struct draft *n, const struct series_message *m, bool in_patch)
{
	struct trailer found[TRAILER_MAX];
	size_t k, count = trailer_scan(m->body, m->body_len, in_patch, found, TRAILER_MAX);

	if (!count)
		return;
	n->extra.trailers = xcalloc(count, sizeof(*n->extra.trailers));
	for (k = 0; k < count; k++) {
		n->extra.trailers[k].kind = found[k].kind;
		n->extra.trailers[k].name =
		    printable(m->body + found[k].name.off, found[k].name.len);
		n->extra.trailers[k].addr =
		    printable(m->body + found[k].addr.off, found[k].addr.len);
	}
	n->extra.ntrailers = count;
}

static char *span_dup(const char *body, struct applied_span sp)
{
	return printable(body + sp.off, sp.len);
}

static void set_notice(struct draft *n, const struct series_message *m)
{
	struct applied_notice *an = xmalloc(sizeof(*an));
	struct notice_rec *rec;
	size_t k;

	if (!applied_classify(m->body, m->body_len, an)) {
		free(an);
		return;
	}
	rec = xcalloc(1, sizeof(*rec));
	rec->kind = an->kind;
	rec->verb = xstrdup(an->verb ? an->verb : "applied");
	rec->where = span_dup(m->body, an->where);
	rec->who = span_dup(m->body, an->who);
	rec->commit = span_dup(m->body, an->commit);
	rec->patches = pstr(an->patches);
	if (an->nitems) {
		rec->items = xcalloc(an->nitems, sizeof(*rec->items));
		for (k = 0; k < an->nitems; k++) {
			rec->items[k].index = an->items[k].index;
			rec->items[k].total = an->items[k].total;
			rec->items[k].title = span_dup(m->body, an->items[k].title);
			rec->items[k].commit = span_dup(m->body, an->items[k].commit);
		}
		rec->nitems = an->nitems;
	}
	n->extra.notice = rec;
	free(an);
}

/* ---- the nodes the set keeps ---- */

/* The draft's strings, in node_field order (FIELD_REFS stands for its
 * References); NULL for those its kind does not keep. */
static void draft_fields(const struct draft *d, const char *fields[NODE_NFIELDS])
{
	fields[FIELD_MESSAGE_ID] = d->message_id;
	fields[FIELD_SENDER_LOWER] = d->sender_lower;
	fields[FIELD_REFS] = NULL;
	fields[FIELD_KEY] = d->key;
	fields[FIELD_TITLE] = d->title;
	fields[FIELD_SUBJECT] = d->subject;
	fields[FIELD_SENDER] = d->sender;
	fields[FIELD_AUTHOR_NAME] = d->author_name;
	fields[FIELD_AUTHOR_ADDR] = d->author_addr;
}

static const char *skip_string(const char *s)
{
	return s + strlen(s) + 1;
}

/*
 * Page sizes and counts of the set's caches (util/pagefile.h): what the
 * nodes cost the heap whatever the window.  The decisions read the nodes
 * near the one they are at (a reply answers recent mail), so most reads are
 * served from these pages.
 */
#define RECORDS_PAGE  (16 * 1024)
#define RECORDS_PAGES 128 /* 2 MiB */
#define TEXTS_PAGE    (16 * 1024)
#define TEXTS_PAGES   64 /* 1 MiB */
#define ORDER_PAGE    (16 * 1024)
#define ORDER_PAGES   16	 /* 256 KiB each: set->all, set->uf, the passes' own */
#define PAIRS_PAGE    (4 * 1024) /* read at random: small pages */
#define PAIRS_PAGES   64
#define INDEX_PAGE    (4 * 1024) /* the same */
#define INDEX_PAGES   512	 /* 2 MiB each: set->keys, set->ids */

/*
 * Records of fixed size in a pagefile of the set, by number: NAME_get()
 * gives record `no` of `pagefile` (a copy), NAME_put() writes it back.
 */
#define SET_RECORDS(name, type, pagefile)                                                          \
	static type name##_get(const struct series_set *set, uint32_t no)                          \
	{                                                                                          \
		type r;                                                                            \
                                                                                                   \
		pagefile_read(set->pagefile, (uint64_t)no * sizeof(r), &r, sizeof(r));             \
		return r;                                                                          \
	}                                                                                          \
	static void name##_put(const struct series_set *set, uint32_t no, const type *r)           \
	{                                                                                          \
		pagefile_write(set->pagefile, (uint64_t)no * sizeof(*r), r, sizeof(*r));           \
	}

SET_RECORDS(node, struct node, records) /* the nodes */

/* Element i of an array of uint32_t in a pagefile (set->all, set->uf). */
static uint32_t u32_get(struct pagefile *pf, size_t i)
{
	uint32_t v;

	pagefile_read(pf, (uint64_t)i * sizeof(v), &v, sizeof(v));
	return v;
}

static void u32_put(struct pagefile *pf, size_t i, uint32_t v)
{
	pagefile_write(pf, (uint64_t)i * sizeof(v), &v, sizeof(v));
}

/* The node number at place i of the decisions' order. */
static uint32_t all_at(const struct series_set *set, size_t i)
{
	/* without earlier messages or shadowed ones (a window without a
	 * state): the order of adding */
	return set->all_in_order ? (uint32_t)i : u32_get(set->all, i);
}

/*
 * The strings of `n` up to FIELD_REFS, read back into `scratch` (one of
 * set->scratch's): valid until it changes.
 */
static const char *node_text(const struct series_set *set, const struct node *n,
			     struct buf *scratch)
{
	buf_reset(scratch);
	buf_grow(scratch, n->text_len);
	pagefile_read(set->texts, n->text_off, scratch->data, n->text_len);
	scratch->len = n->text_len;
	scratch->data[scratch->len] = '\0';
	return scratch->data;
}

/* The string `field` (before FIELD_KEY) in `text`, the strings of `n`
 * (node_text; FIELD_REFS: its first Reference, when it has one; the next
 * are skip_string() away). */
static const char *text_field(const struct node *n, const char *text, enum node_field field)
{
	const char *s = text;
	unsigned f, k;

	for (f = 0; f < field && f < FIELD_KEY; f++) {
		if (f != FIELD_REFS)
			s = skip_string(s);
		else
			for (k = 0; k < n->nrefs; k++)
				s = skip_string(s);
	}
	return s;
}

/*
 * The string `field` (FIELD_KEY on) of `n`, read back from the spool: valid
 * until the next cold string of another node is read (one node's at a
 * time; copy what must stay).
 */
static const char *cold_field(const struct series_set *set, const struct node *n,
			      enum node_field field)
{
	struct cold_cache *c = set->cold;
	const char *s, *end;
	unsigned f;

	if (!c->valid || c->off != n->cold.off) {
		buf_reset(&c->text);
		spool_append(&c->text, set->bodies, n->cold);
		c->off = n->cold.off;
		c->valid = true;
	}
	s = c->text.data;
	end = s + c->text.len;
	for (f = FIELD_KEY; f < field && s < end; f++)
		s = skip_string(s);
	return s < end ? s : "";
}

static const char *node_title(const struct series_set *set, const struct node *n)
{
	if (n->title_in_subject) {
		const char *subject = cold_field(set, n, FIELD_SUBJECT);

		return strnlen(subject, n->title_off) == n->title_off ? subject + n->title_off : "";
	}
	return cold_field(set, n, FIELD_TITLE);
}

static const char *node_key(const struct series_set *set, const struct node *n)
{
	return cold_field(set, n, FIELD_KEY);
}

static bool extra_is_empty(const struct node_extra *e)
{
	return !e->lead_text.len && !e->change_id && !e->nlinks && !e->ntrailers && !e->notice &&
	       !e->pull_source;
}

static void extra_release(struct node_extra *e)
{
	size_t i;

	free(e->change_id);
	for (i = 0; i < e->nlinks; i++)
		free(e->links[i].id);
	free(e->links);
	for (i = 0; i < e->ntrailers; i++) {
		free(e->trailers[i].name);
		free(e->trailers[i].addr);
	}
	free(e->trailers);
	if (e->notice) {
		for (i = 0; i < e->notice->nitems; i++) {
			free(e->notice->items[i].title);
			free(e->notice->items[i].commit);
		}
		free(e->notice->items);
		free(e->notice->verb);
		free(e->notice->where);
		free(e->notice->who);
		free(e->notice->commit);
		free(e->notice->patches);
		free(e->notice);
	}
	free(e->pull_source);
	memset(e, 0, sizeof(*e));
}

/*
 * A node's extra data is kept in the spool (node.extra), written by
 * extra_pack() and read back by extra_read(), field after field in this
 * order: numbers as they are in memory (the same process reads them),
 * strings NUL-terminated.
 */
enum { EXTRA_CHANGE_ID = 1, EXTRA_NOTICE = 2, EXTRA_PULL_SOURCE = 4 };

static void put_u32(struct buf *b, uint32_t v)
{
	buf_add(b, &v, sizeof(v));
}

static void put_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s) + 1);
}

static void extra_pack(struct buf *b, const struct node_extra *e)
{
	const struct notice_rec *nr = e->notice;
	size_t k;

	put_u32(b, (e->change_id ? EXTRA_CHANGE_ID : 0) | (nr ? EXTRA_NOTICE : 0) |
		       (e->pull_source ? EXTRA_PULL_SOURCE : 0));
	buf_add(b, &e->lead_text, sizeof(e->lead_text));
	if (e->change_id)
		put_str(b, e->change_id);
	put_u32(b, (uint32_t)e->nlinks);
	for (k = 0; k < e->nlinks; k++) {
		put_u32(b, e->links[k].strong);
		put_str(b, e->links[k].id);
	}
	put_u32(b, (uint32_t)e->ntrailers);
	for (k = 0; k < e->ntrailers; k++) {
		put_u32(b, (uint32_t)e->trailers[k].kind);
		put_str(b, e->trailers[k].name);
		put_str(b, e->trailers[k].addr);
	}
	if (nr) {
		put_u32(b, (uint32_t)nr->kind);
		put_str(b, nr->verb);
		put_str(b, nr->where);
		put_str(b, nr->who);
		put_str(b, nr->commit);
		put_str(b, nr->patches);
		put_u32(b, (uint32_t)nr->nitems);
		for (k = 0; k < nr->nitems; k++) {
			put_u32(b, nr->items[k].index);
			put_u32(b, nr->items[k].total);
			put_str(b, nr->items[k].title);
			put_str(b, nr->items[k].commit);
		}
	}
	if (e->pull_source)
		put_str(b, e->pull_source);
}

/* A cursor over what extra_pack() wrote (never read past its end). */
struct cursor {
	const char *at, *end;
};

static void get_bytes(struct cursor *c, void *out, size_t len)
{
	if ((size_t)(c->end - c->at) < len) {
		memset(out, 0, len);
		c->at = c->end;
		return;
	}
	memcpy(out, c->at, len);
	c->at += len;
}

static uint32_t get_u32(struct cursor *c)
{
	uint32_t v;

	get_bytes(c, &v, sizeof(v));
	return v;
}

static char *get_str(struct cursor *c)
{
	size_t len = strnlen(c->at, (size_t)(c->end - c->at));
	char *s = xmemdupz(c->at, len);

	c->at += len < (size_t)(c->end - c->at) ? len + 1 : len;
	return s;
}

/*
 * The extra data of `n`, read back into `out` (the caller's:
 * extra_release()); empty when it holds nothing of `want` (enum
 * extra_has; 0: whatever it holds), so a step reads only what it uses.
 */
static void extra_read(const struct series_set *set, const struct node *n, unsigned want,
		       struct node_extra *out)
{
	struct buf *b = &set->scratch->extra;
	struct notice_rec *nr;
	struct cursor c;
	uint32_t flags;
	size_t k;

	memset(out, 0, sizeof(*out));
	if (!n->extra.len || (want && !(n->extra_has & want)))
		return;
	buf_reset(b);
	spool_append(b, set->bodies, n->extra);
	c.at = b->data;
	c.end = b->data + b->len;
	flags = get_u32(&c);
	get_bytes(&c, &out->lead_text, sizeof(out->lead_text));
	if (flags & EXTRA_CHANGE_ID)
		out->change_id = get_str(&c);
	if ((out->nlinks = get_u32(&c)))
		out->links = xcalloc(out->nlinks, sizeof(*out->links));
	for (k = 0; k < out->nlinks; k++) {
		out->links[k].strong = get_u32(&c) != 0;
		out->links[k].id = get_str(&c);
	}
	if ((out->ntrailers = get_u32(&c)))
		out->trailers = xcalloc(out->ntrailers, sizeof(*out->trailers));
	for (k = 0; k < out->ntrailers; k++) {
		out->trailers[k].kind = (enum trailer_kind)get_u32(&c);
		out->trailers[k].name = get_str(&c);
		out->trailers[k].addr = get_str(&c);
	}
	if (flags & EXTRA_NOTICE) {
		nr = out->notice = xcalloc(1, sizeof(*nr));
		nr->kind = (enum applied_kind)get_u32(&c);
		nr->verb = get_str(&c);
		nr->where = get_str(&c);
		nr->who = get_str(&c);
		nr->commit = get_str(&c);
		nr->patches = get_str(&c);
		if ((nr->nitems = get_u32(&c)))
			nr->items = xcalloc(nr->nitems, sizeof(*nr->items));
		for (k = 0; k < nr->nitems; k++) {
			nr->items[k].index = get_u32(&c);
			nr->items[k].total = get_u32(&c);
			nr->items[k].title = get_str(&c);
			nr->items[k].commit = get_str(&c);
		}
	}
	if (flags & EXTRA_PULL_SOURCE)
		out->pull_source = get_str(&c);
}

static void draft_free(struct draft *d)
{
	const char *fields[NODE_NFIELDS];
	size_t i;

	if (!d)
		return;
	draft_fields(d, fields);
	for (i = 0; i < NODE_NFIELDS; i++)
		free((char *)fields[i]);
	for (i = 0; i < d->nrefs; i++)
		free(d->refs[i]);
	free(d->refs);
	free(d->lead_body);
	extra_release(&d->extra);
	free(d);
}

/*
 * Makes the node of draft `d` node number set->nnodes: its record, its
 * strings the decisions read in the set's texts, the others and the lead's
 * body in the spool; what only some messages have moves to a node_extra.
 */
static void pack_node(struct series_set *set, struct draft *d)
{
	const char *fields[NODE_NFIELDS];
	size_t f, k, title_off = 0;
	struct buf *hot = &set->scratch->hot, *cold = &set->scratch->cold;
	struct node n;

	draft_fields(d, fields);
	if (d->title && d->subject) { /* the title is most often the subject's end */
		size_t slen = strlen(d->subject), tlen = strlen(d->title);

		if (tlen <= slen && slen - tlen < UINT16_MAX &&
		    !strcmp(d->subject + slen - tlen, d->title)) {
			fields[FIELD_TITLE] = NULL;
			title_off = slen - tlen;
		}
	}
	buf_reset(hot);
	buf_reset(cold);
	memset(&n, 0, sizeof(n));
	n.date = d->date;
	n.ps = d->ps;
	n.kind = (uint8_t)d->kind;
	n.nrefs = (uint8_t)d->nrefs;
	n.earlier = d->earlier;
	if (!fields[FIELD_TITLE] && d->title) {
		n.title_in_subject = true;
		n.title_off = (uint16_t)title_off;
	}
	for (f = 0; f < NODE_NFIELDS; f++) {
		if (f == FIELD_REFS) {
			for (k = 0; k < d->nrefs; k++)
				buf_add(hot, d->refs[k], strlen(d->refs[k]) + 1);
			continue;
		}
		buf_add(f >= FIELD_KEY ? cold : hot, fields[f] ? fields[f] : "",
			(fields[f] ? strlen(fields[f]) : 0) + 1);
	}
	n.text_off = pagefile_size(set->texts);
	n.text_len = (uint32_t)hot->len; /* at most SERIES_MAX_REFS + 2 capped ids */
	pagefile_write(set->texts, n.text_off, hot->data, hot->len);
	n.cold = spool_add(set->bodies, cold->data, cold->len);
	buf_reset(hot);
	if (d->lead_body) /* kept until a renderer asks, outside the heap */
		d->extra.lead_text = spool_add(set->bodies, d->lead_body, strlen(d->lead_body));
	if (!extra_is_empty(&d->extra)) { /* in the spool too: read back by the few that need it */
		extra_pack(hot, &d->extra);
		n.extra = spool_add(set->bodies, hot->data, hot->len);
		n.lead_text = d->extra.lead_text;
		n.extra_has = (d->extra.nlinks ? EXTRA_HAS_LINKS : 0) |
			      (d->extra.change_id ? EXTRA_HAS_CHANGE_ID : 0) |
			      (d->extra.ntrailers || d->extra.notice || d->extra.pull_source
				   ? EXTRA_HAS_ANSWERS
				   : 0);
	}
	node_put(set, (uint32_t)set->nnodes, &n);
}

/* ---- tables of numbers by a string (ptable), the indexes of the nodes ---- */

/* Whether number `value` of a table is what `want` describes. */
typedef bool (*ptable_match)(const struct series_set *set, uint32_t value, const void *want);

static void ptable_init(struct ptable *t, size_t max_pages)
{
	memset(t, 0, sizeof(*t));
	t->max_pages = max_pages;
}

static void ptable_release(struct ptable *t)
{
	pagefile_free(t->slots);
	ptable_init(t, t->max_pages);
}

static struct ptable_slot slot_get(struct pagefile *slots, size_t i)
{
	struct ptable_slot slot;

	pagefile_read(slots, (uint64_t)i * sizeof(slot), &slot, sizeof(slot));
	return slot;
}

static void slot_put(struct pagefile *slots, size_t i, struct ptable_slot slot)
{
	pagefile_write(slots, (uint64_t)i * sizeof(slot), &slot, sizeof(slot));
}

/* The place of the slot of `want` (of hash `hash`) in `t`: its own, else
 * the empty one where it would go; *out is a copy. */
static size_t ptable_find(const struct series_set *set, const struct ptable *t, uint32_t hash,
			  ptable_match match, const void *want, struct ptable_slot *out)
{
	size_t i = hash & (t->nslots - 1);

	for (;; i = (i + 1) & (t->nslots - 1)) {
		*out = slot_get(t->slots, i);
		if (!out->value || (out->hash == hash && match(set, out->value - 1, want)))
			return i;
	}
}

/* The number of `want`, or NO_NODE. */
static uint32_t ptable_get(const struct series_set *set, const struct ptable *t, uint32_t hash,
			   ptable_match match, const void *want)
{
	struct ptable_slot slot;

	if (!t->nslots)
		return NO_NODE;
	ptable_find(set, t, hash, match, want, &slot);
	return slot.value ? slot.value - 1 : NO_NODE;
}

/* Twice the slots: a new table, the old one's slots put in it in order. */
static void ptable_grow(struct ptable *t)
{
	size_t nslots = t->nslots ? t->nslots * 2 : 1024;
	struct pagefile *slots = pagefile_new(INDEX_PAGE, t->max_pages);

	pagefile_rehash(slots, nslots, t->slots, t->nslots, sizeof(struct ptable_slot),
			offsetof(struct ptable_slot, hash));
	pagefile_free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

/*
 * The place of the slot of `want`; inserted (numbering `value`) when
 * missing, *inserted says which; *out is a copy.
 */
static size_t ptable_put(struct series_set *set, struct ptable *t, uint32_t hash,
			 ptable_match match, const void *want, uint32_t value, bool *inserted,
			 struct ptable_slot *out)
{
	size_t at;

	if ((t->size + 1) * 4 > t->nslots * 3)
		ptable_grow(t);
	at = ptable_find(set, t, hash, match, want, out);
	*inserted = !out->value;
	if (*inserted) {
		out->hash = hash;
		out->value = value + 1;
		slot_put(t->slots, at, *out);
		t->size++;
	}
	return at;
}

/* What a node index looks for: the string `s` in the field it indexes by. */
struct node_want {
	enum node_field field;
	const char *s;
};

static bool node_matches(const struct series_set *set, uint32_t no, const void *want)
{
	const struct node_want *w = want;
	struct node n = node_get(set, no);

	if (w->field >= FIELD_KEY)
		return !strcmp(cold_field(set, &n, w->field), w->s);
	return !strcmp(text_field(&n, node_text(set, &n, &set->scratch->index), w->field), w->s);
}

static void node_index_init(struct node_index *ix, enum node_field field)
{
	ptable_init(&ix->table, INDEX_PAGES);
	ix->field = field;
}

/* The number of the node whose string is `s`, or NO_NODE. */
static uint32_t node_index_get(const struct series_set *set, const struct node_index *ix,
			       const char *s)
{
	const struct node_want want = {ix->field, s};

	return ptable_get(set, &ix->table, strmap_hash(s), node_matches, &want);
}

/* ptable_put() of the node `no`, whose string is `s`. */
static size_t node_index_put(struct series_set *set, struct node_index *ix, const char *s,
			     uint32_t no, bool *inserted, struct ptable_slot *out)
{
	const struct node_want want = {ix->field, s};

	return ptable_put(set, &ix->table, strmap_hash(s), node_matches, &want, no, inserted, out);
}

/* Puts the draft `d` in the set (which owns it from then on), or frees it
 * when the set holds its message already. */
static void insert_node(struct series_set *set, struct draft *d)
{
	uint32_t old = node_index_get(set, &set->keys, d->key), no;
	struct ptable_slot slot;
	bool inserted;
	size_t at;

	if (old != NO_NODE) {
		struct node o = node_get(set, old);

		if (!o.earlier || d->earlier) {
			draft_free(d); /* the same message again */
			return;
		}
		o.dead = true; /* the window's copy replaces the state's */
		node_put(set, old, &o);
	}
	if (set->nnodes >= UINT32_MAX - 1) { /* node numbers are 32 bits: never reached */
		fprintf(stderr, "mldigest: more than %u messages in one window\n", UINT32_MAX - 2);
		abort();
	}
	pack_node(set, d);
	no = (uint32_t)set->nnodes++;
	/* the draft's key: the others' are read back from the spool to compare */
	at = node_index_put(set, &set->keys, d->key, no, &inserted, &slot);
	slot.value = no + 1;
	slot_put(set->keys.table.slots, at, slot);
	if (*d->message_id) { /* as the node keeps it */
		struct node held;

		at = node_index_put(set, &set->ids, d->message_id, no, &inserted, &slot);
		held = node_get(set, slot.value - 1);
		if (inserted || (held.earlier && !d->earlier) || held.dead) {
			slot.value = no + 1;
			slot_put(set->ids.table.slots, at, slot);
		}
	}
	draft_free(d);
}

/*
 * A draft of `m`, with everything that needs only the message (its body is
 * scanned here and not kept): no set is touched, so it may be made on any
 * thread (series_prepare).
 */
static struct draft *make_draft(const struct series_message *m, bool earlier)
{
	struct draft *n = xcalloc(1, sizeof(*n));
	struct patch_subject ps;
	struct buf b = BUF_INIT;

	n->earlier = earlier;
	n->key = pstr(m->key);
	n->message_id = pstr(m->message_id);
	n->subject = pstr(m->subject);
	if (m->parsed && !strcmp(n->subject, m->subject))
		ps = *m->parsed;
	else
		subject_parse(&ps, n->subject, strlen(n->subject));
	n->ps.has_index = ps.has_index;
	n->ps.rfc = ps.rfc;
	n->ps.resend = ps.resend;
	n->ps.index = ps.index;
	n->ps.total = ps.total;
	n->ps.version_major = ps.version_major;
	n->ps.version_minor = ps.version_minor;
	n->date = m->date;
	set_refs(n, m->in_reply_to, m->references);

	if (ps.is_patch)
		n->kind = NODE_PATCH;
	else if (ps.is_pull_request)
		n->kind = NODE_PULL;
	else if (ps.is_reply || n->nrefs)
		n->kind = NODE_REPLY;
	else
		n->kind = NODE_OTHER;

	/*
	 * Every message is kept until the set is freed: only what the
	 * decisions read of its kind.  Other mail is an id that replies may
	 * name; a reply or pull request gives its sender (trailers, notices);
	 * the grouping and the series' names read the rest of a patch.
	 */
	if (n->kind == NODE_OTHER) {
		free(n->subject);
		n->subject = NULL;
		return n;
	}
	{
		char *name = pstr(m->sender_name), *addr = pstr(m->sender_addr);

		append_sender(&b, name, addr);
		n->sender = buf_detach(&b, NULL);
		if (n->kind == NODE_PATCH) {
			n->title = xmemdupz(n->subject + ps.title.off, ps.title.len);
			n->author_name = pstr(m->author_name);
			n->author_addr = pstr(m->author_addr);
			n->sender_lower = lower_dup(addr, strlen(addr));
		}
		free(name);
		free(addr);
	}

	if (n->kind == NODE_PATCH) {
		if (subject_is_lead(&ps))
			set_lead_data(n, m);
		if (!earlier)
			set_trailers(n, m, true);
	} else if (n->kind == NODE_PULL) {
		struct applied_span src;

		if (applied_pull_source(m->body, m->body_len, &src))
			n->extra.pull_source = printable(m->body + src.off, src.len);
	} else if (n->kind == NODE_REPLY && !earlier) {
		set_trailers(n, m, false);
		set_notice(n, m);
	}
	if (n->kind == NODE_REPLY && !n->extra.notice) {
		free(n->subject); /* a notice's own subject names what it answers */
		n->subject = NULL;
	}
	if (n->kind == NODE_REPLY && !n->extra.notice && !n->extra.ntrailers) {
		free(n->sender); /* it names the sender of trailers and notices only */
		n->sender = NULL;
	}
	return n;
}

void series_add_message(struct series_set *set, const struct series_message *m)
{
	uint32_t old = node_index_get(set, &set->keys, m->key);

	if (old != NO_NODE && !node_get(set, old).earlier)
		return; /* not worth scanning again */
	insert_node(set, make_draft(m, false));
}

void series_add_earlier(struct series_set *set, const struct series_message *m)
{
	if (node_index_get(set, &set->keys, m->key) != NO_NODE)
		return;
	insert_node(set, make_draft(m, true));
}

struct series_prepared {
	struct draft *draft;
};

struct series_prepared *series_prepare(const struct series_message *m)
{
	struct series_prepared *p = xmalloc(sizeof(*p));

	p->draft = make_draft(m, false);
	return p;
}

void series_prepared_free(struct series_prepared *p)
{
	if (!p)
		return;
	draft_free(p->draft);
	free(p);
}

const char *series_prepared_change_id(const struct series_prepared *p)
{
	const struct draft *d = p->draft;

	if (!d->lead_body)
		return NULL; /* set_lead_data() did not run */
	return d->extra.change_id ? d->extra.change_id : "";
}

void series_add_prepared(struct series_set *set, struct series_prepared *p, const char *key,
			 int64_t date)
{
	struct draft *n = p->draft;

	free(p);
	free(n->key);
	n->key = pstr(key);
	n->date = date;
	insert_node(set, n);
}

/* ---- results ---- */

static void sinfo_free(struct sinfo *s)
{
	if (!s)
		return;
	free(s->patches);
	free(s->trailers);
	free(s->applied);
	free(s->strings);
	free(s->patch_strings);
	free(s);
}

/* Page sizes and counts of the results' caches: bounded, as the nodes'. */
#define RESULTS_PAGE	    (4 * 1024)
#define RESULTS_PAGES	    64 /* 256 KiB each */
#define RESULTS_INDEX_PAGES 64

void series_set_forget(const struct series_set *set)
{
	struct kept *kept = set->kept;
	size_t i;

	for (i = 0; i < kept->nnumbers; i++) {
		sinfo_free(kept->series[kept->numbers[i]]);
		kept->series[kept->numbers[i]] = NULL;
	}
	kept->nnumbers = 0;
}

/* Frees the results of series_set_finish(), and makes them anew, empty. */
static void clear_results(struct series_set *set, bool again)
{
	series_set_forget(set);
	free(set->kept->series);
	set->kept->series = NULL;
	spool_free(set->results);
	pagefile_free(set->srecs);
	pagefile_free(set->members);
	pagefile_free(set->listed);
	pagefile_free(set->trecs);
	pagefile_free(set->arecs);
	pagefile_free(set->unknown);
	ptable_release(&set->trailer_index);
	ptable_release(&set->applied_index);
	ptable_release(&set->unknown_index);
	set->results = NULL;
	set->srecs = set->members = set->listed = set->trecs = set->arecs = set->unknown = NULL;
	set->nseries = set->nlisted = set->ntrailers = set->napplied = set->nunknown = 0;
	set->nall = 0;
	if (!again)
		return;
	set->results = spool_new();
	set->srecs = pagefile_new(RECORDS_PAGE, RESULTS_PAGES / 4);
	set->members = pagefile_new(ORDER_PAGE, ORDER_PAGES);
	set->listed = pagefile_new(RESULTS_PAGE, RESULTS_PAGES);
	set->trecs = pagefile_new(RESULTS_PAGE, RESULTS_PAGES);
	set->arecs = pagefile_new(RESULTS_PAGE, RESULTS_PAGES);
	set->unknown = pagefile_new(RESULTS_PAGE, RESULTS_PAGES);
}

struct series_set *series_set_new(void)
{
	struct series_set *set = xcalloc(1, sizeof(*set));

	node_index_init(&set->keys, FIELD_KEY);
	node_index_init(&set->ids, FIELD_MESSAGE_ID);
	ptable_init(&set->trailer_index, RESULTS_INDEX_PAGES);
	ptable_init(&set->applied_index, RESULTS_INDEX_PAGES);
	ptable_init(&set->unknown_index, RESULTS_INDEX_PAGES);
	set->records = pagefile_new(RECORDS_PAGE, RECORDS_PAGES);
	set->texts = pagefile_new(TEXTS_PAGE, TEXTS_PAGES);
	set->all = pagefile_new(ORDER_PAGE, ORDER_PAGES);
	set->uf = pagefile_new(ORDER_PAGE, ORDER_PAGES);
	set->bodies = spool_new();
	set->cold = xcalloc(1, sizeof(*set->cold));
	buf_init(&set->cold->text);
	set->kept = xcalloc(1, sizeof(*set->kept));
	buf_init(&set->kept->names_text);
	buf_init(&set->kept->applied_text);
	buf_init(&set->kept->unknown_text);
	set->scratch = xmalloc(sizeof(*set->scratch));
	buf_init(&set->scratch->p);
	buf_init(&set->scratch->q);
	buf_init(&set->scratch->index);
	buf_init(&set->scratch->extra);
	buf_init(&set->scratch->hot);
	buf_init(&set->scratch->cold);
	buf_init(&set->scratch->rec);
	buf_init(&set->scratch->match);
	for (size_t i = 0; i < MAX_RESOLVE_DEPTH + 2; i++)
		buf_init(&set->scratch->resolve[i]);
	return set;
}

void series_set_free(struct series_set *set)
{
	size_t i;

	if (!set)
		return;
	clear_results(set, false);
	pagefile_free(set->records);
	pagefile_free(set->texts);
	pagefile_free(set->all);
	pagefile_free(set->uf);
	ptable_release(&set->keys.table);
	ptable_release(&set->ids.table);
	spool_free(set->bodies);
	buf_release(&set->cold->text);
	free(set->cold);
	buf_release(&set->kept->names_text);
	buf_release(&set->kept->applied_text);
	buf_release(&set->kept->unknown_text);
	free(set->kept->numbers);
	free(set->kept);
	buf_release(&set->scratch->p);
	buf_release(&set->scratch->q);
	buf_release(&set->scratch->index);
	buf_release(&set->scratch->extra);
	buf_release(&set->scratch->hot);
	buf_release(&set->scratch->cold);
	buf_release(&set->scratch->rec);
	buf_release(&set->scratch->match);
	for (i = 0; i < MAX_RESOLVE_DEPTH + 2; i++)
		buf_release(&set->scratch->resolve[i]);
	free(set->scratch);
	free(set);
}

/* ---- grouping ---- */

static size_t uf_find(const struct series_set *set, size_t i)
{
	size_t root = i, parent;

	while ((parent = u32_get(set->uf, root)) != root)
		root = parent;
	while ((parent = u32_get(set->uf, i)) != root) { /* path compression */
		u32_put(set->uf, i, (uint32_t)root);
		i = parent;
	}
	return root;
}

static void uf_union(const struct series_set *set, size_t into, size_t other)
{
	size_t a = uf_find(set, into), b = uf_find(set, other);

	if (a != b)
		u32_put(set->uf, b, (uint32_t)a);
}

/* The number of the node of Message-ID `id` (a copy in *out), or NO_NODE. */
static uint32_t node_of_id(const struct series_set *set, const char *id, struct node *out)
{
	uint32_t no = node_index_get(set, &set->ids, id);

	if (no == NO_NODE)
		return NO_NODE;
	*out = node_get(set, no);
	return out->dead ? NO_NODE : no;
}

/* Patch p (of strings p_text) joins q (of strings q_text). */
static bool joins(uint32_t p_no, const struct node *p, const char *p_text, uint32_t q_no,
		  const struct node *q, const char *q_text)
{
	return q_no != p_no && q->kind == NODE_PATCH && q->ps.has_index &&
	       same_version(&p->ps, &q->ps) && q->ps.total == p->ps.total &&
	       !strcmp(text_field(p, p_text, FIELD_SENDER_LOWER),
		       text_field(q, q_text, FIELD_SENDER_LOWER));
}

static void append_group_key(struct buf *b, const char *what, const struct node *p,
			     const char *p_text)
{
	buf_addf(b, "%s\x1f%s\x1f%u.%u\x1f%u", what, text_field(p, p_text, FIELD_SENDER_LOWER),
		 p->ps.version_major, p->ps.version_minor, p->ps.total);
}

/* Steps 2 and 3: by References. */
static void group_by_references(struct series_set *set)
{
	struct scratch *sc = set->scratch;
	struct strmap virtual;
	struct buf key = BUF_INIT;
	size_t i, r;

	strmap_init(&virtual);
	for (i = 0; i < set->nall; i++) {
		uint32_t p_no = all_at(set, i);
		struct node p = node_get(set, p_no);
		const char *absent = NULL, *ref, *p_text;
		bool found = false;

		if (p.kind != NODE_PATCH || !p.ps.has_index || p.ps.index == 0)
			continue;
		p_text = node_text(set, &p, &sc->p);
		ref = text_field(&p, p_text, FIELD_REFS);
		for (r = 0; r < p.nrefs; r++, ref = skip_string(ref)) {
			struct node q;
			uint32_t q_no = node_of_id(set, ref, &q);

			if (q_no == NO_NODE) {
				if (!absent && r == 0)
					absent = ref;
				continue;
			}
			if (joins(p_no, &p, p_text, q_no, &q, node_text(set, &q, &sc->q))) {
				uf_union(set, q.order, p.order);
				p.grouped = q.grouped = true;
				node_put(set, q_no, &q);
				found = true;
				break;
			}
		}
		if (!found && absent) {
			struct strmap_entry *e;
			int inserted;

			buf_reset(&key);
			append_group_key(&key, absent, &p, p_text);
			e = strmap_put(&virtual, key.data, &inserted);
			if (inserted) /* the first one's place, plus one */
				e->value = (void *)(uintptr_t)(p.order + (size_t)1);
			else
				uf_union(set, (uintptr_t)e->value - 1, p.order);
			p.grouped = true;
			p.virtual_root = true; /* absent is its first Reference */
		}
		node_put(set, p_no, &p);
	}
	buf_release(&key);
	strmap_release(&virtual, NULL);
}

struct time_group {
	uint64_t root; /* UINT64_MAX: none yet (a pagefile reads zeros where never written) */
	int64_t min_date, max_date;
};

/*
 * The groups of group_by_time(), by the place of their root in set->all,
 * outside the heap: read and written near where the loop is.
 */
static struct time_group group_get(struct pagefile *pf, size_t root)
{
	struct time_group g;

	pagefile_read(pf, (uint64_t)root * sizeof(g), &g, sizeof(g));
	if (!g.root)
		g.root = UINT64_MAX;
	else
		g.root--;
	return g;
}

static void group_put(struct pagefile *pf, size_t root, struct time_group g)
{
	g.root = g.root == UINT64_MAX ? 0 : g.root + 1; /* 0: none */
	pagefile_write(pf, (uint64_t)root * sizeof(g), &g, sizeof(g));
}

/*
 * A set of (group, index) pairs (group_by_time: the indexes each group
 * holds), of a size fixed when it is made: open addressing over 64-bit
 * keys in a pagefile, at most a quarter full.  A pair is first looked for
 * in the page of its group (the groups spread over the pages in their
 * order, as the loops take them), so the loops read and write the pages
 * near where they are, not one at random for every patch; past
 * PAIRS_HOME_PROBES slots there (a group of many patches), from a place at
 * random in the whole table.
 */
struct pair_set {
	struct pagefile *slots; /* uint64_t key + 1; 0: empty */
	size_t nslots;		/* a power of two, at least a page */
	size_t ngroups;		/* the groups are numbered below this */
};

#define PAIRS_PAGE_SLOTS  (PAIRS_PAGE / sizeof(uint64_t))
#define PAIRS_HOME_PROBES 64

static void pair_set_init(struct pair_set *ps, size_t most, size_t ngroups)
{
	ps->nslots = 1024;
	while (ps->nslots < 4 * most)
		ps->nslots *= 2;
	ps->ngroups = ngroups ? ngroups : 1;
	ps->slots = pagefile_new(PAIRS_PAGE, PAIRS_PAGES);
}

/* Slot k of the probes for `key` of `group` (hash `h`). */
static size_t pair_probe(const struct pair_set *ps, size_t group, uint64_t h, size_t k)
{
	size_t pages = ps->nslots / PAIRS_PAGE_SLOTS;
	size_t home = (size_t)((uint64_t)group * pages / ps->ngroups);

	if (home >= pages)
		home = pages - 1;
	if (k < PAIRS_HOME_PROBES)
		return home * PAIRS_PAGE_SLOTS + (size_t)((h + k) & (PAIRS_PAGE_SLOTS - 1));
	return (size_t)((h >> 32) + k - PAIRS_HOME_PROBES) & (ps->nslots - 1);
}

/* Adds (group, index); false when it was there already. */
static bool pair_set_add(struct pair_set *ps, size_t group, unsigned index)
{
	uint64_t key = ((uint64_t)group << 32 | index) + 1, at;
	uint64_t h = key * UINT64_C(0x9e3779b97f4a7c15);
	size_t k, i;

	for (k = 0;; k++) {
		i = pair_probe(ps, group, h, k);
		pagefile_read(ps->slots, (uint64_t)i * sizeof(at), &at, sizeof(at));
		if (at == key)
			return false;
		if (!at) {
			pagefile_write(ps->slots, (uint64_t)i * sizeof(key), &key, sizeof(key));
			return true;
		}
	}
}

/* Step 4: unthreaded patches, by sender, version, total and time. */
static void group_by_time(struct series_set *set)
{
	struct strmap latest;
	struct pair_set have_index;
	struct buf key = BUF_INIT;
	struct pagefile *groups = pagefile_new(ORDER_PAGE, ORDER_PAGES);
	size_t i, npatches = 0;
	int inserted;

	strmap_init(&latest);
	for (i = 0; i < set->nall; i++) {
		struct node p = node_get(set, all_at(set, i));

		npatches += p.kind == NODE_PATCH && p.ps.has_index;
	}
	/* each patch adds at most one pair in each loop below */
	pair_set_init(&have_index, 2 * npatches, set->nall);
	/* the dates and indexes of the groups made by References */
	for (i = 0; i < set->nall; i++) {
		struct node p = node_get(set, all_at(set, i));
		struct time_group g;
		size_t root;

		if (p.kind != NODE_PATCH || !p.ps.has_index)
			continue;
		root = uf_find(set, i);
		g = group_get(groups, root);
		if (g.root == UINT64_MAX) {
			g.root = root;
			g.min_date = g.max_date = p.date;
		}
		if (p.date < g.min_date)
			g.min_date = p.date;
		if (p.date > g.max_date)
			g.max_date = p.date;
		group_put(groups, root, g);
		pair_set_add(&have_index, root, p.ps.index);
	}
	for (i = 0; i < set->nall; i++) {
		struct node p = node_get(set, all_at(set, i));
		struct strmap_entry *e;
		size_t root;

		if (p.kind != NODE_PATCH || !p.ps.has_index)
			continue;
		root = uf_find(set, i);
		buf_reset(&key);
		append_group_key(&key, "time", &p, node_text(set, &p, &set->scratch->p));
		e = strmap_put(&latest, key.data, &inserted);
		if (!p.grouped && p.nrefs == 0 && !inserted) {
			size_t cand = (size_t)e->value;
			struct time_group g = group_get(groups, cand);

			if (cand != root && p.date >= g.min_date - SERIES_TIME_WINDOW &&
			    p.date <= g.max_date + SERIES_TIME_WINDOW &&
			    pair_set_add(&have_index, cand, p.ps.index)) {
				u32_put(set->uf, root, (uint32_t)cand);
				if (p.date < g.min_date)
					g.min_date = p.date;
				if (p.date > g.max_date)
					g.max_date = p.date;
				group_put(groups, cand, g);
				continue;
			}
		}
		e->value = (void *)root;
	}
	pagefile_free(groups);
	pagefile_free(have_index.slots);
	buf_release(&key);
	strmap_release(&latest, NULL);
}

/* The cover letters of one (sender, version, total, title), by place in set->all. */
struct cover_list {
	size_t *at;
	size_t n;
};

static void free_cover_list(void *v)
{
	struct cover_list *list = v;

	free(list->at);
	free(list);
}

static bool is_cover(const struct node *p)
{
	return p->kind == NODE_PATCH && p->ps.has_index && p->ps.index == 0 && p->ps.total;
}

static void cover_key(const struct series_set *set, struct buf *key, const struct node *p)
{
	const char *title;

	buf_reset(key);
	append_group_key(key, "cover", p, node_text(set, p, &set->scratch->p));
	buf_addch(key, 0x1f);
	title = node_title(set, p);
	text_append_lower(key, title, strlen(title));
}

/*
 * The cover letter a lone cover letter `i` (in a series of its own) is a
 * copy of: of the same key and within SERIES_TIME_WINDOW, the nearest that
 * has patches, else the first; (size_t)-1 when none.
 */
static size_t resent_target(struct series_set *set, const struct cover_list *list, size_t i,
			    int64_t date, struct pagefile *size)
{
	size_t k, best = (size_t)-1, first = (size_t)-1;
	int64_t best_gap = 0;

	for (k = 0; k < list->n; k++) {
		size_t c = list->at[k];
		int64_t gap = node_get(set, all_at(set, c)).date - date;

		if (gap < 0)
			gap = -gap;
		if (c == i || gap > SERIES_TIME_WINDOW || uf_find(set, c) == uf_find(set, i))
			continue;
		if (first == (size_t)-1)
			first = c;
		if (u32_get(size, uf_find(set, c)) > 1 && (best == (size_t)-1 || gap < best_gap)) {
			best = c;
			best_gap = gap;
		}
	}
	return best != (size_t)-1 ? best : first;
}

/* Step 5: cover letters sent again. */
static void group_resent_covers(struct series_set *set)
{
	/* the patches of each group, by the place of its root */
	struct pagefile *size = pagefile_new(ORDER_PAGE, ORDER_PAGES);
	struct strmap covers; /* cover_key() -> struct cover_list */
	struct buf key = BUF_INIT;
	size_t i;
	int inserted;

	strmap_init(&covers);
	for (i = 0; i < set->nall; i++) {
		struct node p = node_get(set, all_at(set, i));
		struct strmap_entry *e;
		struct cover_list *list;

		if (p.kind == NODE_PATCH) {
			size_t root = uf_find(set, i);

			u32_put(size, root, u32_get(size, root) + 1);
		}
		if (!is_cover(&p))
			continue;
		cover_key(set, &key, &p);
		e = strmap_put(&covers, key.data, &inserted);
		if (inserted)
			e->value = xcalloc(1, sizeof(struct cover_list));
		list = e->value;
		list->at = xrealloc(list->at, (list->n + 1) * sizeof(*list->at));
		list->at[list->n++] = i;
	}
	for (i = 0; i < set->nall; i++) {
		struct node p = node_get(set, all_at(set, i));
		size_t target, to;

		if (!is_cover(&p) || u32_get(size, uf_find(set, i)) != 1)
			continue;
		cover_key(set, &key, &p);
		target = resent_target(set, strmap_get(&covers, key.data), i, p.date, size);
		if (target == (size_t)-1)
			continue;
		to = uf_find(set, target);
		u32_put(set->uf, uf_find(set, i), (uint32_t)to);
		u32_put(size, to, u32_get(size, to) + 1);
	}
	buf_release(&key);
	strmap_release(&covers, free_cover_list);
	pagefile_free(size);
}

/* ---- the series (build_series) ---- */

/* No place in the decisions' order: a series without a window message. */
#define NO_ORDER UINT32_MAX

SET_RECORDS(srec, struct srec, srecs) /* the series, by series number */
SET_RECORDS(trec, struct trec, trecs) /* the trailers */
SET_RECORDS(arec, struct arec, arecs) /* the notices */

/*
 * Appends record `no` of `records` (of `size` bytes, its uint32_t `next`
 * at `next_at`) to the chain `c`: the last record's `next` points at it.
 */
static void chain_append(struct pagefile *records, size_t size, size_t next_at, struct chain *c,
			 uint32_t no)
{
	if (c->n)
		pagefile_write(records, (uint64_t)c->last * size + next_at, &no, sizeof(no));
	else
		c->first = no;
	c->last = no;
	c->n++;
}

/* The node number of member j (in index order) of the series `s`. */
static uint32_t member_at(const struct series_set *set, const struct srec *s, size_t j)
{
	return u32_get(set->members, s->members_at + j);
}

/* The n of i/n of a series (series_info.total). */
static unsigned series_total(const struct srec *s)
{
	return s->lead_ps.has_index ? s->lead_ps.total : 0;
}

/* Keeps the strings of `b` (one after the other, each NUL-terminated) in
 * the results spool. */
static struct spool_text put_strings(const struct series_set *set, const struct buf *b)
{
	return spool_add(set->results, b->data, b->len);
}

/*
 * Appends the `count` strings at `t` (put_strings) to `b` and puts their
 * places in it in at[]: pointers are made once `b` no longer moves.
 */
static void append_strings(const struct series_set *set, struct buf *b, struct spool_text t,
			   size_t *at, size_t count)
{
	size_t start = b->len, k;
	const char *s, *end;

	spool_append(b, set->results, t);
	s = b->data + start;
	end = b->data + b->len;
	for (k = 0; k < count; k++) {
		at[k] = s < end ? (size_t)(s - b->data) : b->len; /* b->data[b->len]: "" */
		if (s < end)
			s = skip_string(s);
	}
}

/* The `count` strings at `t` read back into `b` (reset first): out[k]. */
static void read_strings(const struct series_set *set, struct spool_text t, struct buf *b,
			 const char **out, size_t count)
{
	size_t at[SF_NFIELDS], k; /* the most fields a record has */

	buf_reset(b);
	append_strings(set, b, t, at, count);
	for (k = 0; k < count; k++)
		out[k] = b->data + at[k];
}

/* A member of a series while it is sorted (build_series). */
struct member {
	unsigned index;
	uint32_t order;
	uint32_t no;
	bool has_index;
};

static int compare_members(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->index != y->index)
		return x->index < y->index ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Sets s->received and appends the missing indexes ("2, 5-7") to `out`. */
static void set_completeness(struct srec *s, const struct member *members, struct buf *out)
{
	unsigned total = series_total(s), *missing, nmissing = 0, i;
	unsigned char *seen;

	s->received = 0;
	if (!total || total > SERIES_MAX_TOTAL)
		return;
	seen = xcalloc(total + 1, 1);
	for (i = 0; i < s->nmembers; i++) {
		unsigned idx = members[i].index;

		if (members[i].has_index && idx >= 1 && idx <= total && !seen[idx]) {
			seen[idx] = 1;
			s->received++;
		}
	}
	missing = xmalloc((total + 1) * sizeof(*missing));
	for (i = 1; i <= total; i++)
		if (!seen[i])
			missing[nmissing++] = i;
	series_append_ranges(out, missing, nmissing);
	free(missing);
	free(seen);
}

/*
 * Copies the strings `fields` (FIELD_KEY on) of `n` into one block, which
 * it returns (the caller's), and points out[k] at fields[k] in it.
 */
static char *copy_cold(const struct series_set *set, const struct node *n,
		       const enum node_field *fields, size_t count, const char **out)
{
	struct buf b = BUF_INIT;
	size_t at[NODE_NFIELDS], k;
	char *block;

	for (k = 0; k < count; k++) {
		const char *str =
		    fields[k] == FIELD_TITLE ? node_title(set, n) : cold_field(set, n, fields[k]);

		at[k] = b.len;
		buf_add(&b, str, strlen(str) + 1);
	}
	block = buf_detach(&b, NULL);
	for (k = 0; k < count; k++)
		out[k] = block + at[k];
	return block;
}

/* Appends the string `s` and its NUL to `b`. */
static void add_string(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s) + 1);
}

/*
 * What series `s` takes from its lead (s->lead): its subject's fields, its
 * shown body, its strings (enum srec_field, kept in the results spool) and
 * their hashes (link_versions), and its completeness.
 */
static void series_strings(struct series_set *set, struct srec *s, const struct member *members)
{
	struct buf *b = &set->scratch->rec;
	struct buf missing = BUF_INIT, title_key = BUF_INIT;
	const struct node lead = node_get(set, s->lead);
	bool cover = lead.ps.has_index && lead.ps.index == 0;
	const char *id =
	    text_field(&lead, node_text(set, &lead, &set->scratch->p), FIELD_MESSAGE_ID);
	struct node_extra x;
	size_t title_at, addr_at;

	s->lead_ps = lead.ps;
	s->lead_body = lead.lead_text;
	buf_reset(b);
	if (cover || s->virtual_ref == NO_NODE) {
		add_string(b, *id ? id : node_key(set, &lead));
	} else {
		const struct node v = node_get(set, s->virtual_ref);

		add_string(b, text_field(&v, node_text(set, &v, &set->scratch->q), FIELD_REFS));
	}
	add_string(b, id);
	title_at = b->len;
	add_string(b, node_title(set, &lead));
	add_string(b, cold_field(set, &lead, FIELD_AUTHOR_NAME));
	addr_at = b->len;
	add_string(b, cold_field(set, &lead, FIELD_AUTHOR_ADDR));
	add_string(b, cold_field(set, &lead, FIELD_SENDER));
	series_append_title_key(&title_key, b->data + addr_at, b->data + title_at);
	add_string(b, title_key.data);
	s->title_hash = strmap_hash(title_key.data);
	extra_read(set, &lead, EXTRA_HAS_CHANGE_ID, &x);
	add_string(b, x.change_id ? x.change_id : "");
	s->has_change_id = x.change_id && *x.change_id;
	s->change_hash = s->has_change_id ? strmap_hash(x.change_id) : 0;
	extra_release(&x);
	set_completeness(s, members, &missing);
	add_string(b, missing.len ? missing.data : "");
	s->strings = put_strings(set, b);
	buf_release(&missing);
	buf_release(&title_key);
}

static void build_series(struct series_set *set)
{
	/* the series number plus one of each group, by the place of its root */
	struct pagefile *of_root = pagefile_new(ORDER_PAGE, ORDER_PAGES);
	struct member *members = NULL;
	size_t i, j, members_alloc = 0;
	uint64_t at = 0;
	uint32_t no;

	/* a series for each group, numbered in order of its first patch */
	for (i = 0; i < set->nall; i++) {
		uint32_t one;
		struct node p;
		struct srec s;
		size_t root;

		no = all_at(set, i);
		p = node_get(set, no);
		if (p.kind != NODE_PATCH)
			continue;
		root = uf_find(set, i);
		if (!(one = u32_get(of_root, root))) { /* zeros where never written */
			memset(&s, 0, sizeof(s));
			s.first_order = (uint32_t)i;
			s.first_window_order = NO_ORDER;
			s.virtual_ref = NO_NODE;
			s.by_title = s.by_change = s.previous = s.listed_at = NO_SERIES;
			s.trailers.first = s.trailers.last = NO_REC;
			s.notices.first = s.notices.last = NO_REC;
			one = (uint32_t)++set->nseries;
			u32_put(of_root, root, one);
		} else {
			s = srec_get(set, one - 1);
		}
		s.nmembers++;
		if (!p.earlier && s.first_window_order == NO_ORDER)
			s.first_window_order = (uint32_t)i;
		if (p.virtual_root && s.virtual_ref == NO_NODE)
			s.virtual_ref = no;
		srec_put(set, one - 1, &s);
		p.series = one;
		node_put(set, no, &p);
	}
	pagefile_free(of_root);

	/* the members of each series together in set->members */
	for (no = 0; no < set->nseries; no++) {
		struct srec s = srec_get(set, no);

		s.members_at = at;
		at += s.nmembers;
		s.nmembers = 0; /* counted again as they are put */
		srec_put(set, no, &s);
	}
	for (i = 0; i < set->nall; i++) {
		uint32_t p_no = all_at(set, i);
		struct node p = node_get(set, p_no);
		struct srec s;

		if (p.kind != NODE_PATCH)
			continue;
		s = srec_get(set, p.series - 1);
		u32_put(set->members, s.members_at + s.nmembers++, p_no);
		srec_put(set, p.series - 1, &s);
	}

	for (no = 0; no < set->nseries; no++) {
		struct srec s = srec_get(set, no);

		/* by index then arrival: index 0 (cover or single) first, else
		 * the lowest, the lead */
		grow((void **)&members, &members_alloc, s.nmembers, sizeof(*members));
		for (j = 0; j < s.nmembers; j++) {
			uint32_t p_no = member_at(set, &s, j);
			struct node p = node_get(set, p_no);

			members[j].index = p.ps.index;
			members[j].order = p.order;
			members[j].no = p_no;
			members[j].has_index = p.ps.has_index;
		}
		qsort(members, s.nmembers, sizeof(*members), compare_members);
		for (j = 0; j < s.nmembers; j++) {
			struct node p = node_get(set, members[j].no);

			u32_put(set->members, s.members_at + j, members[j].no);
			p.member = (uint32_t)j;
			p.duplicate = j > 0 && members[j - 1].index == p.ps.index;
			p.replies = 0;
			node_put(set, members[j].no, &p);
		}
		s.lead = members[0].no;
		series_strings(set, &s, members);
		srec_put(set, no, &s);
	}
	free(members);
}

/* ---- versions ---- */

/* T comes before S: a lower version, or the same one seen first. */
static bool comes_before(const struct series_set *set, uint32_t t_no, uint32_t s_no)
{
	struct srec t, s;

	if (t_no == s_no)
		return false;
	t = srec_get(set, t_no);
	s = srec_get(set, s_no);
	if (version_less(&t.lead_ps, &s.lead_ps))
		return true;
	return same_version(&t.lead_ps, &s.lead_ps) && t.first_order < s.first_order;
}

/* Of two candidates, the higher version, then the later. */
static uint32_t better(const struct series_set *set, uint32_t best_no, uint32_t t_no)
{
	struct srec best, t;

	if (best_no == NO_SERIES)
		return t_no;
	best = srec_get(set, best_no);
	t = srec_get(set, t_no);
	if (version_less(&best.lead_ps, &t.lead_ps))
		return t_no;
	if (same_version(&best.lead_ps, &t.lead_ps) && t.first_order > best.first_order)
		return t_no;
	return best_no;
}

/* A series among those of one title (or change-id) while they are sorted
 * (best_earlier). */
struct version_key {
	uint32_t hash;
	uint32_t no;
	unsigned version_major, version_minor;
	uint32_t first_order;
	const char *text; /* the title key (change-id), read for a run of equal hashes */
};

static int compare_version_keys(const struct version_key *x, const struct version_key *y)
{
	if (x->version_major != y->version_major)
		return x->version_major < y->version_major ? -1 : 1;
	if (x->version_minor != y->version_minor)
		return x->version_minor < y->version_minor ? -1 : 1;
	return x->first_order < y->first_order ? -1 : x->first_order > y->first_order;
}

/* By hash, then version, then first seen. */
static int compare_by_hash(const void *a, const void *b)
{
	const struct version_key *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return compare_version_keys(x, y);
}

/* By text, then version, then first seen. */
static int compare_by_text(const void *a, const void *b)
{
	const struct version_key *x = a, *y = b;
	int c = strcmp(x->text, y->text);

	return c ? c : compare_version_keys(x, y);
}

/* Sets the by_title (by_change) of each series of v[0..n), all of the same
 * text, sorted: the one before it. */
static void chain_versions(struct series_set *set, const struct version_key *v, size_t n,
			   bool change_id)
{
	size_t j;

	for (j = 1; j < n; j++) {
		struct srec s = srec_get(set, v[j].no);

		if (change_id)
			s.by_change = v[j - 1].no;
		else
			s.by_title = v[j - 1].no;
		srec_put(set, v[j].no, &s);
	}
}

/*
 * For every series of the same title key (or change-id), the best earlier
 * one: sorted by (text, version, first seen), the series before it.  The
 * series are sorted by the hash of the text; only a run of equal hashes
 * has its texts read back, to tell texts that share a hash apart.  So a
 * thousand re-sends of one title cost n log n, not n squared.
 */
static void best_earlier(struct series_set *set, bool change_id)
{
	struct version_key *v = xmalloc((set->nseries ? set->nseries : 1) * sizeof(*v));
	size_t n = 0, i, j, k;
	uint32_t no;

	for (no = 0; no < set->nseries; no++) {
		struct srec s = srec_get(set, no);

		if (change_id && !s.has_change_id)
			continue;
		v[n].hash = change_id ? s.change_hash : s.title_hash;
		v[n].no = no;
		v[n].version_major = s.lead_ps.version_major;
		v[n].version_minor = s.lead_ps.version_minor;
		v[n].first_order = s.first_order;
		v[n].text = NULL;
		n++;
	}
	qsort(v, n, sizeof(*v), compare_by_hash);
	for (i = 0; i < n; i = j) {
		struct buf texts = BUF_INIT;
		size_t *at;
		bool same = true;

		for (j = i + 1; j < n && v[j].hash == v[i].hash; j++)
			;
		if (j - i < 2)
			continue;
		at = xmalloc((j - i) * sizeof(*at));
		for (k = i; k < j; k++) {
			const char *f[SF_NFIELDS];

			read_strings(set, srec_get(set, v[k].no).strings, &set->scratch->rec, f,
				     SF_NFIELDS);
			at[k - i] = texts.len;
			add_string(&texts, f[change_id ? SF_CHANGE_ID : SF_TITLE_KEY]);
		}
		for (k = i; k < j; k++) {
			v[k].text = texts.data + at[k - i];
			same = same && !strcmp(v[k].text, v[i].text);
		}
		if (same) {
			chain_versions(set, v + i, j - i, change_id);
		} else {
			size_t a, b;

			qsort(v + i, j - i, sizeof(*v), compare_by_text);
			for (a = i; a < j; a = b) {
				for (b = a + 1; b < j && !strcmp(v[b].text, v[a].text); b++)
					;
				chain_versions(set, v + a, b - a, change_id);
			}
		}
		free(at);
		buf_release(&texts);
	}
	free(v);
}

/* The series (number) of the message `id`, or NO_SERIES. */
static uint32_t series_of_id(const struct series_set *set, const char *id)
{
	struct node n;

	return node_of_id(set, id, &n) != NO_NODE && n.kind == NODE_PATCH && n.series ? n.series - 1
										      : NO_SERIES;
}

static void link_versions(struct series_set *set)
{
	uint32_t no;
	size_t k;

	best_earlier(set, false);
	best_earlier(set, true);
	for (no = 0; no < set->nseries; no++) {
		struct srec s = srec_get(set, no);
		struct node lead = node_get(set, s.lead);
		uint32_t best = s.by_title;
		enum series_link_kind how = SERIES_LINK_SAME_TITLE;

		if (best == NO_SERIES && s.by_change != NO_SERIES) {
			best = s.by_change;
			how = SERIES_LINK_CHANGE_ID;
		}
		if (best == NO_SERIES) {
			const char *ref =
			    text_field(&lead, node_text(set, &lead, &set->scratch->p), FIELD_REFS);

			how = SERIES_LINK_REPLY;
			for (k = 0; k < lead.nrefs; k++, ref = skip_string(ref)) {
				uint32_t t = series_of_id(set, ref);

				if (t != NO_SERIES && comes_before(set, t, no))
					best = better(set, best, t);
			}
		}
		if (best == NO_SERIES) {
			struct node_extra x;

			extra_read(set, &lead, EXTRA_HAS_LINKS, &x);
			for (int strong = 1; best == NO_SERIES && strong >= 0; strong--) {
				how = SERIES_LINK_LINK;
				for (k = 0; k < x.nlinks; k++) {
					uint32_t t;

					if (x.links[k].strong != (strong == 1))
						continue;
					t = series_of_id(set, x.links[k].id);
					if (t != NO_SERIES && comes_before(set, t, no))
						best = better(set, best, t);
				}
			}
			extra_release(&x);
		}
		if (best != NO_SERIES) {
			s.previous = best;
			s.previous_link = (uint8_t)how;
			srec_put(set, no, &s);
		}
	}
}

size_t series_earlier_versions(const struct series_info *s, const struct series_info **out,
			       size_t max)
{
	size_t n = 0;

	if (max > SERIES_MAX_CHAIN)
		max = SERIES_MAX_CHAIN;
	for (s = s->previous; s && n < max; s = s->previous)
		out[n++] = s;
	return n;
}

/* ---- replies, trailers, notices ---- */

/* The number of the node `no` answers (a patch or pull request), or NO_NODE. */
static uint32_t resolve_target(const struct series_set *set, uint32_t no, int depth)
{
	struct node n = node_get(set, no);
	uint32_t target = NO_NODE;
	const char *ref;
	size_t r;

	if (n.resolve_state == 2)
		return n.target ? n.target - 1 : NO_NODE;
	if (n.resolve_state == 1 || depth > MAX_RESOLVE_DEPTH)
		return NO_NODE;
	n.resolve_state = 1;
	node_put(set, no, &n);
	/* its own buffer: the References are read through the recursion */
	ref = text_field(&n, node_text(set, &n, &set->scratch->resolve[depth]), FIELD_REFS);
	for (r = 0; r < n.nrefs; r++, ref = skip_string(ref)) {
		struct node q;
		uint32_t q_no = node_of_id(set, ref, &q);

		if (q_no == NO_NODE || q_no == no)
			continue;
		if (q.kind == NODE_PATCH || q.kind == NODE_PULL) {
			target = q_no;
			break;
		}
		if ((target = resolve_target(set, q_no, depth + 1)) != NO_NODE)
			break;
	}
	n = node_get(set, no); /* as the recursion left it */
	n.target = target != NO_NODE ? target + 1 : 0;
	n.resolve_state = 2;
	node_put(set, no, &n);
	return target;
}

/* The message is for the whole series: a cover letter or a single patch. */
static bool is_whole_series(const struct node *t)
{
	return !t->ps.has_index || t->ps.index == 0;
}

/* ASCII A-Z as a-z (text_append_lower()'s case folding), then equal. */
static bool same_lower(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
		if (!x)
			return true;
	}
}

/* What a trailer is, to find it given before (trailer_seen). */
struct trailer_want {
	uint32_t series, member;
	int kind;
	bool in_patch;
	const char *addr;
};

static bool trailer_matches(const struct series_set *set, uint32_t no, const void *want)
{
	const struct trailer_want *w = want;
	struct trec t = trec_get(set, no);
	const char *f[TF_NFIELDS];

	if (t.series != w->series || t.member != w->member || t.kind != w->kind ||
	    t.in_patch != w->in_patch)
		return false;
	read_strings(set, t.strings, &set->scratch->match, f, TF_NFIELDS);
	return same_lower(f[TF_ADDR], w->addr);
}

/*
 * Whether the series has the trailer `w` already; when not, it is
 * recorded as the next trailer to be made (set->ntrailers).  One table for
 * the set, not one in each series: most series have one trailer, or none.
 */
static bool trailer_seen(struct series_set *set, const struct trailer_want *w)
{
	uint64_t h = (w->series * UINT64_C(0x9e3779b97f4a7c15)) ^ ((uint64_t)w->member << 20) ^
		     ((uint64_t)w->kind * 2 + w->in_patch);
	struct ptable_slot slot;
	const char *addr;
	bool inserted;

	for (addr = w->addr; *addr; addr++) { /* FNV-1a over the lower-cased address */
		unsigned char c = (unsigned char)*addr;

		h ^= c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
		h *= UINT64_C(0x100000001b3);
	}
	ptable_put(set, &set->trailer_index, (uint32_t)(h ^ h >> 32), trailer_matches, w,
		   (uint32_t)set->ntrailers, &inserted, &slot);
	return !inserted;
}

/*
 * A trailer `tr` given by the message `giver` for member `member` of
 * series `no` (NO_REC: the whole series), kept once (the same kind,
 * person, patch and source) at the end of the series' trailers.
 */
static void add_trailer(struct series_set *set, uint32_t no, const struct trailer_rec *tr,
			const struct node *giver, uint32_t member, bool in_patch)
{
	struct srec s = srec_get(set, no);
	const struct trailer_want w = {no, member, (int)tr->kind, in_patch, tr->addr};
	struct buf *b = &set->scratch->rec;
	struct trec t;
	uint32_t t_no;

	if (s.trailers.n >= SERIES_MAX_TRAILERS)
		return; /* bounded: hostile threads */
	if (trailer_seen(set, &w))
		return;
	buf_reset(b);
	add_string(b, tr->name);
	add_string(b, tr->addr);
	add_string(b, cold_field(set, giver, FIELD_KEY));
	add_string(b, cold_field(set, giver, FIELD_SENDER));
	t.strings = put_strings(set, b);
	t.series = no;
	t.member = member;
	t.next = NO_REC;
	t.kind = (uint8_t)tr->kind;
	t.in_patch = in_patch;
	t_no = (uint32_t)set->ntrailers++;
	trec_put(set, t_no, &t);
	chain_append(set->trecs, sizeof(t), offsetof(struct trec, next), &s.trailers, t_no);
	srec_put(set, no, &s);
}

/* The subject without its reply prefixes ("Re: Re: [PATCH] x" -> "[PATCH] x"). */
static const char *strip_reply(const char *subject)
{
	unsigned k;

	for (k = 0; k < 16; k++) {
		struct patch_subject ps;
		const char *colon, *wide;

		subject_parse(&ps, subject, strlen(subject));
		if (!ps.is_reply)
			break;
		colon = strchr(subject, ':');
		wide = strstr(subject, "\xef\xbc\x9a");
		if (wide && (!colon || wide < colon))
			colon = wide + 2;
		if (!colon)
			break;
		subject = colon + 1;
		while (*subject == ' ')
			subject++;
	}
	return subject;
}

/* "[PATCH v2 0/3] old title" with item 2/3 "new title" -> "[PATCH v2 2/3] new title" */
static void make_item_subject(struct buf *out, const char *base, const struct item_rec *it)
{
	struct patch_subject ps;
	size_t i, prefix;

	subject_parse(&ps, base, strlen(base));
	prefix = ps.title.off;
	if (!ps.is_patch || !prefix) {
		if (it->total)
			buf_addf(out, "[%u/%u] %s", it->index, it->total, it->title);
		else
			buf_addstr(out, it->title);
		return;
	}
	for (i = 0; i < prefix; i++) {
		size_t a = i, b, c;

		if (base[i] < '0' || base[i] > '9' ||
		    (i && base[i - 1] >= '0' && base[i - 1] <= '9'))
			continue;
		for (b = a; b < prefix && base[b] >= '0' && base[b] <= '9'; b++)
			;
		if (b >= prefix || base[b] != '/')
			continue;
		for (c = b + 1; c < prefix && base[c] >= '0' && base[c] <= '9'; c++)
			;
		if (c == b + 1)
			continue;
		buf_add(out, base, a);
		buf_addf(out, "%0*u/%u", (int)(b - a), it->index, it->total);
		buf_add(out, base + c, prefix - c);
		buf_addstr(out, it->title);
		return;
	}
	if (it->total > 1) {
		buf_addf(out, "[%u/%u] %s", it->index, it->total, it->title);
		return;
	}
	buf_add(out, base, prefix);
	buf_addstr(out, it->title);
}

/* The member of series `no` a notice's item names: its place among the
 * series' members, or NO_REC. */
static uint32_t find_item_patch(const struct series_set *set, uint32_t no,
				const struct item_rec *it)
{
	struct srec s;
	size_t j, lo = 0, hi;

	if (no == NO_SERIES)
		return NO_REC;
	s = srec_get(set, no);
	if (it->total && it->total == series_total(&s)) {
		/* members are sorted by index: the first with it->index */
		hi = s.nmembers;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (node_get(set, member_at(set, &s, mid)).ps.index < it->index)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < s.nmembers) {
			struct node p = node_get(set, member_at(set, &s, lo));

			if (p.ps.index == it->index && p.ps.has_index)
				return (uint32_t)lo;
		}
	}
	/* by title (bounded: a notice lists at most APPLIED_MAX_ITEMS) */
	for (j = 0; j < s.nmembers && j < 1024; j++) {
		struct node p = node_get(set, member_at(set, &s, j));

		if (!strcasecmp(node_title(set, &p), it->title))
			return (uint32_t)j;
	}
	if (series_total(&s) == 0 && it->total <= 1)
		return 0; /* a single patch */
	return NO_REC;
}

/* What an entry of the applied list says, to find it said before. */
struct applied_want {
	const char *subject, *who, *where, *patches;
};

static bool applied_matches(const struct series_set *set, uint32_t no, const void *want)
{
	const struct applied_want *w = want;
	const char *f[AF_NFIELDS];

	read_strings(set, arec_get(set, no).strings, &set->scratch->match, f, AF_NFIELDS);
	return !strcmp(f[AF_SUBJECT], w->subject) && !strcmp(f[AF_WHO], w->who) &&
	       !strcmp(f[AF_WHERE], w->where) && !strcmp(f[AF_PATCHES], w->patches);
}

/*
 * An entry of the applied list, unless one says the same (subject, who,
 * where, patches): for member `member` (NO_REC: the whole) of series `no`
 * (NO_SERIES: none), from the notice `notice` answering `target`.  The
 * strings are not the cold strings of a node (those are read here).
 */
static void add_entry(struct series_set *set, enum series_applied_kind kind, const char *subject,
		      const char *verb, const char *who, const char *where, const char *commit,
		      const char *patches, const struct node *notice, const struct node *target,
		      uint32_t no, uint32_t member)
{
	const struct applied_want w = {subject, who, where, patches};
	struct buf *b = &set->scratch->rec;
	struct ptable_slot slot;
	struct arec a;
	uint32_t a_no;
	bool inserted;

	buf_reset(b);
	buf_addf(b, "%s\x1f%s\x1f%s\x1f%s", subject, who, where, patches);
	ptable_put(set, &set->applied_index, strmap_hash(b->data), applied_matches, &w,
		   (uint32_t)set->napplied, &inserted, &slot);
	if (!inserted)
		return;
	buf_reset(b);
	add_string(b, subject);
	add_string(b, verb);
	add_string(b, who);
	add_string(b, where);
	add_string(b, commit);
	add_string(b, patches);
	add_string(b, node_key(set, notice));
	add_string(b, target ? node_key(set, target) : "");
	a.strings = put_strings(set, b);
	a.series = no;
	a.member = member;
	a.next = NO_REC;
	a.kind = (uint8_t)kind;
	a_no = (uint32_t)set->napplied++;
	arec_put(set, a_no, &a);
	if (no != NO_SERIES) { /* the notices of each series, in order */
		struct srec s = srec_get(set, no);

		chain_append(set->arecs, sizeof(a), offsetof(struct arec, next), &s.notices, a_no);
		srec_put(set, no, &s);
	}
}

static enum series_applied_kind entry_kind(enum applied_kind k)
{
	switch (k) {
	case APPLIED_LIST:
		return SERIES_APPLIED_LIST;
	case APPLIED_PATCHWORK:
		return SERIES_APPLIED_PATCHWORK;
	case APPLIED_MERGED:
		return SERIES_APPLIED_MERGED;
	default:
		return SERIES_APPLIED_REPLY;
	}
}

static void add_notice_entries(struct series_set *set, const struct node *n,
			       const struct notice_rec *nr, const struct node *target)
{
	uint32_t no = target && target->kind == NODE_PATCH ? target->series - 1 : NO_SERIES;
	enum series_applied_kind kind = entry_kind(nr->kind);
	struct buf base_copy = BUF_INIT, who_copy = BUF_INIT;
	const char *base, *who;
	size_t k;

	/* copied: each is read back from the spool, one node at a time */
	buf_addstr(&who_copy, *nr->who ? nr->who : cold_field(set, n, FIELD_SENDER));
	buf_addstr(&base_copy, target ? cold_field(set, target, FIELD_SUBJECT)
				      : strip_reply(cold_field(set, n, FIELD_SUBJECT)));
	base = base_copy.data;
	who = who_copy.data;

	if (!nr->nitems || (nr->nitems == 1 && target && !target->ps.has_index)) {
		uint32_t member = NO_REC;
		const char *commit = nr->commit;

		if (target && target->kind == NODE_PATCH && !is_whole_series(target))
			member = target->member;
		if (nr->nitems && !*commit)
			commit = nr->items[0].commit;
		add_entry(set, kind, base, nr->verb, who, nr->where, commit, nr->patches, n, target,
			  no, member);
		buf_release(&base_copy);
		buf_release(&who_copy);
		return;
	}
	for (k = 0; k < nr->nitems; k++) {
		const struct item_rec *it = &nr->items[k];
		uint32_t member = find_item_patch(set, no, it);
		struct buf subject = BUF_INIT;

		if (member != NO_REC) {
			struct srec s = srec_get(set, no);
			struct node p = node_get(set, member_at(set, &s, member));

			buf_addstr(&subject, cold_field(set, &p, FIELD_SUBJECT));
			if (series_total(&s) == 0)
				member = NO_REC; /* the single patch: the whole series */
		} else {
			make_item_subject(&subject, base, it);
		}
		add_entry(set, kind, subject.data, nr->verb, who, nr->where, it->commit, "", n,
			  target, no, member);
		buf_release(&subject);
	}
	buf_release(&base_copy);
	buf_release(&who_copy);
}

static void attach_replies(struct series_set *set)
{
	size_t i, k;

	for (i = 0; i < set->nall; i++) {
		uint32_t no = all_at(set, i), target_no = NO_NODE;
		struct node node = node_get(set, no), target_node;
		const struct node *n = &node, *target = NULL;
		struct node_extra x;

		if (n->earlier ||
		    (n->kind != NODE_PATCH && n->kind != NODE_PULL && n->kind != NODE_REPLY))
			continue;
		extra_read(set, n, EXTRA_HAS_ANSWERS, &x);
		if (n->kind == NODE_PATCH) {
			uint32_t member = is_whole_series(n) ? NO_REC : n->member;

			for (k = 0; k < x.ntrailers; k++)
				add_trailer(set, n->series - 1, &x.trailers[k], n, member, true);
		} else if (n->kind == NODE_PULL) {
			static const enum node_field fields[2] = {FIELD_SUBJECT, FIELD_SENDER};
			const char *pull[2];
			char *block = copy_cold(set, n, fields, 2, pull);

			add_entry(set, SERIES_APPLIED_PULL_REQUEST, pull[0], "", pull[1],
				  x.pull_source ? x.pull_source : "", "", "", n, NULL, NO_SERIES,
				  NO_REC);
			free(block);
		} else {
			if ((target_no = resolve_target(set, no, 0)) != NO_NODE) {
				target_node = node_get(set, target_no);
				target = &target_node;
			}
			if (target && target->kind == NODE_PATCH) {
				uint32_t s_no = target->series - 1;
				uint32_t member = is_whole_series(target) ? NO_REC : target->member;
				struct srec s = srec_get(set, s_no);

				s.replies++;
				srec_put(set, s_no, &s);
				target_node.replies++;
				node_put(set, target_no, &target_node);
				for (k = 0; k < x.ntrailers; k++)
					add_trailer(set, s_no, &x.trailers[k], n, member, false);
			}
			if (x.notice)
				add_notice_entries(set, n, x.notice, target);
		}
		extra_release(&x);
	}
}

/* Whether unknown id `no` is the string `want`. */
static bool unknown_matches(const struct series_set *set, uint32_t no, const void *want)
{
	struct spool_text t;

	pagefile_read(set->unknown, (uint64_t)no * sizeof(t), &t, sizeof(t));
	buf_reset(&set->scratch->match);
	spool_append(&set->scratch->match, set->results, t);
	return !strcmp(set->scratch->match.data, want);
}

static void find_unknown(struct series_set *set)
{
	size_t i;

	for (i = 0; i < set->nall; i++) {
		const struct node node = node_get(set, all_at(set, i)), *n = &node;
		const char *ids[2 + MSGID_MAX_LINKS];
		struct node_extra x;
		size_t k, nids = 0;

		if (n->earlier)
			continue;
		if (n->nrefs) {
			const char *ref =
			    text_field(n, node_text(set, n, &set->scratch->p), FIELD_REFS);

			ids[nids++] = ref;
			for (k = 1; k < n->nrefs; k++)
				ref = skip_string(ref);
			ids[nids++] = ref;
		}
		/* a lead's links to earlier postings: an earlier version */
		extra_read(set, n, EXTRA_HAS_LINKS, &x);
		for (k = 0; k < x.nlinks && nids < 2 + MSGID_MAX_LINKS; k++)
			ids[nids++] = x.links[k].id;
		for (k = 0; k < nids; k++) {
			struct ptable_slot slot;
			struct spool_text t;
			struct node held;
			bool inserted;

			if (node_of_id(set, ids[k], &held) != NO_NODE)
				continue;
			ptable_put(set, &set->unknown_index, strmap_hash(ids[k]), unknown_matches,
				   ids[k], (uint32_t)set->nunknown, &inserted, &slot);
			if (!inserted)
				continue;
			t = spool_add(set->results, ids[k], strlen(ids[k]) + 1);
			pagefile_write(set->unknown, (uint64_t)set->nunknown * sizeof(t), &t,
				       sizeof(t));
			set->nunknown++;
		}
		extra_release(&x);
	}
}

/* A series of the window while they are put in order (list_series). */
struct listed {
	uint32_t first_window_order;
	uint32_t no;
};

static int compare_listed(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	return x->first_window_order < y->first_window_order
		   ? -1
		   : x->first_window_order > y->first_window_order;
}

/* The series of the window, in order of their first window message. */
static void list_series(struct series_set *set)
{
	struct listed *v = xmalloc((set->nseries ? set->nseries : 1) * sizeof(*v));
	uint32_t no;
	size_t i;

	for (no = 0; no < set->nseries; no++) {
		struct srec s = srec_get(set, no);

		if (s.first_window_order != NO_ORDER) {
			v[set->nlisted].first_window_order = s.first_window_order;
			v[set->nlisted++].no = no;
		}
	}
	qsort(v, set->nlisted, sizeof(*v), compare_listed);
	for (i = 0; i < set->nlisted; i++) {
		struct srec s = srec_get(set, v[i].no);

		s.listed_at = (uint32_t)i;
		srec_put(set, v[i].no, &s);
		u32_put(set->listed, i, v[i].no);
	}
	free(v);
}

void series_set_finish(struct series_set *set)
{
	size_t i, n = 0;
	bool in_order = true;

	clear_results(set, true);
	set->all_in_order = false; /* while set->all is made */
	for (int pass = 0; pass < 2; pass++)
		for (i = 0; i < set->nnodes; i++) {
			struct node node = node_get(set, (uint32_t)i);

			if (node.dead || node.earlier != (pass == 0))
				continue;
			node.order = (uint32_t)n;
			node.grouped = false;
			node.virtual_root = false;
			node.series = 0;
			node.member = 0;
			node.replies = 0;
			node.duplicate = false;
			node.resolve_state = 0;
			node.target = 0;
			node_put(set, (uint32_t)i, &node);
			u32_put(set->all, n, (uint32_t)i);
			u32_put(set->uf, n, (uint32_t)n);
			in_order = in_order && n == i;
			n++;
		}
	set->nall = n;
	set->all_in_order = in_order; /* then every pass over set->all takes the
					 nodes by number */

	group_by_references(set);
	group_by_time(set);
	group_resent_covers(set);
	build_series(set);
	link_versions(set);
	attach_replies(set);
	find_unknown(set);
	list_series(set);
}

/* ---- reading the results back ---- */

/* Where the strings of a notice read back are (read_applied): places in a
 * buffer that may still move. */
struct applied_at {
	size_t s[AF_NFIELDS];
	size_t series_root, patch_key; /* SIZE_MAX: "" */
};

/* Appends the strings of notice `no` to `b` (their places in *at) and
 * fills *out but for its strings (applied_point). */
static void read_applied(const struct series_set *set, uint32_t no, struct buf *b,
			 struct series_applied *out, struct applied_at *at)
{
	struct arec a = arec_get(set, no);

	memset(out, 0, sizeof(*out));
	out->kind = (enum series_applied_kind)a.kind;
	append_strings(set, b, a.strings, at->s, AF_NFIELDS);
	at->series_root = at->patch_key = SIZE_MAX;
	if (a.series != NO_SERIES) {
		struct srec s = srec_get(set, a.series);
		size_t f[SF_NFIELDS];

		append_strings(set, b, s.strings, f, SF_NFIELDS);
		at->series_root = f[SF_ROOT_ID];
		if (a.member != NO_REC) {
			struct node p = node_get(set, member_at(set, &s, a.member));

			at->patch_key = b->len;
			add_string(b, node_key(set, &p));
			out->patch_index = p.ps.index;
		}
	}
}

/* Points the strings of *out at `base`, the buffer read_applied() filled. */
static void applied_point(struct series_applied *out, const char *base, const struct applied_at *at)
{
	out->subject = base + at->s[AF_SUBJECT];
	out->verb = base + at->s[AF_VERB];
	out->who = base + at->s[AF_WHO];
	out->where = base + at->s[AF_WHERE];
	out->commit = base + at->s[AF_COMMIT];
	out->patches = base + at->s[AF_PATCHES];
	out->notice_key = base + at->s[AF_NOTICE_KEY];
	out->target_key = base + at->s[AF_TARGET_KEY];
	out->series_root = at->series_root != SIZE_MAX ? base + at->series_root : "";
	out->patch_key = at->patch_key != SIZE_MAX ? base + at->patch_key : "";
}

/* The strings of the patches of `si` (series_patch), read back from the
 * spool and the set's texts; the lead's Message-ID is there already. */
static void load_patches(const struct series_set *set, struct sinfo *si)
{
	static const enum node_field fields[] = {FIELD_KEY,	    FIELD_SUBJECT,
						 FIELD_TITLE,	    FIELD_AUTHOR_NAME,
						 FIELD_AUTHOR_ADDR, FIELD_MESSAGE_ID};
	const size_t nfields = sizeof(fields) / sizeof(fields[0]);
	struct srec s = srec_get(set, si->no);
	struct buf b = BUF_INIT;
	size_t *at, j, k;

	if (si->patch_strings)
		return;
	at = xmalloc((s.nmembers ? s.nmembers : 1) * nfields * sizeof(*at));
	for (j = 0; j < s.nmembers; j++) {
		const struct node p = node_get(set, member_at(set, &s, j));

		for (k = 0; k < nfields; k++) {
			const char *str;

			if (fields[k] == FIELD_MESSAGE_ID)
				str = node_text(set, &p, &set->scratch->q);
			else if (fields[k] == FIELD_TITLE)
				str = node_title(set, &p);
			else
				str = cold_field(set, &p, fields[k]);
			at[j * nfields + k] = b.len;
			add_string(&b, str);
		}
	}
	si->patch_strings = buf_detach(&b, NULL);
	for (j = 0; j < s.nmembers; j++) {
		struct series_patch *sp = &si->patches[j];
		char *base = si->patch_strings;

		sp->key = base + at[j * nfields];
		sp->subject = base + at[j * nfields + 1];
		sp->title = base + at[j * nfields + 2];
		sp->author_name = base + at[j * nfields + 3];
		sp->author_addr = base + at[j * nfields + 4];
		if (j) /* the lead's points at si->strings */
			sp->message_id = base + at[j * nfields + 5];
	}
	free(at);
}

/* Series `no` read back, its earlier version already kept (sinfo_get). */
static struct sinfo *sinfo_make(const struct series_set *set, uint32_t no)
{
	struct srec s = srec_get(set, no);
	struct sinfo *si = xcalloc(1, sizeof(*si));
	struct series_info *pub = &si->pub;
	struct buf b = BUF_INIT;
	size_t f[SF_NFIELDS], *tat, j;
	struct applied_at *aat;
	uint32_t r;

	si->no = no;
	si->bodies = set->bodies;
	append_strings(set, &b, s.strings, f, SF_NFIELDS);
	si->patches = xcalloc(s.nmembers ? s.nmembers : 1, sizeof(*si->patches));
	for (j = 0; j < s.nmembers; j++) {
		struct node p = node_get(set, member_at(set, &s, j));
		struct series_patch *sp = &si->patches[j];

		sp->index = p.ps.index;
		sp->date = p.date;
		sp->earlier = p.earlier;
		sp->duplicate = p.duplicate;
		sp->replies = p.replies;
	}
	si->trailers = xcalloc(s.trailers.n ? s.trailers.n : 1, sizeof(*si->trailers));
	tat = xmalloc((s.trailers.n ? s.trailers.n : 1) * TF_NFIELDS * sizeof(*tat));
	for (j = 0, r = s.trailers.first; j < s.trailers.n && r != NO_REC; j++) {
		struct trec t = trec_get(set, r);
		struct series_trailer *st = &si->trailers[j];

		append_strings(set, &b, t.strings, &tat[j * TF_NFIELDS], TF_NFIELDS);
		st->kind = (enum series_trailer_kind)t.kind;
		st->patch = t.member != NO_REC ? &si->patches[t.member] : NULL;
		st->in_patch = t.in_patch;
		r = t.next;
	}
	si->applied = xcalloc(s.notices.n ? s.notices.n : 1, sizeof(*si->applied));
	aat = xmalloc((s.notices.n ? s.notices.n : 1) * sizeof(*aat));
	for (j = 0, r = s.notices.first; j < s.notices.n && r != NO_REC; j++) {
		read_applied(set, r, &b, &si->applied[j], &aat[j]);
		r = arec_get(set, r).next;
	}

	si->strings = buf_detach(&b, NULL);
	for (j = 0; j < s.trailers.n; j++) {
		si->trailers[j].name = si->strings + tat[j * TF_NFIELDS + TF_NAME];
		si->trailers[j].addr = si->strings + tat[j * TF_NFIELDS + TF_ADDR];
		si->trailers[j].given_in = si->strings + tat[j * TF_NFIELDS + TF_GIVEN_IN];
		si->trailers[j].given_by = si->strings + tat[j * TF_NFIELDS + TF_GIVEN_BY];
	}
	for (j = 0; j < s.notices.n; j++)
		applied_point(&si->applied[j], si->strings, &aat[j]);
	free(tat);
	free(aat);

	pub->root_id = si->strings + f[SF_ROOT_ID];
	pub->title = si->strings + f[SF_TITLE];
	pub->title_key = si->strings + f[SF_TITLE_KEY];
	pub->author_name = si->strings + f[SF_AUTHOR_NAME];
	pub->author_addr = si->strings + f[SF_AUTHOR_ADDR];
	pub->sender = si->strings + f[SF_SENDER];
	pub->version_major = s.lead_ps.version_major;
	pub->version_minor = s.lead_ps.version_minor;
	pub->rfc = s.lead_ps.rfc;
	pub->resend = s.lead_ps.resend;
	pub->in_window = s.first_window_order != NO_ORDER;
	pub->total = series_total(&s);
	pub->received = s.received;
	pub->missing = si->strings + f[SF_MISSING];
	si->patches[0].message_id = si->strings + f[SF_MESSAGE_ID];
	pub->lead = &si->patches[0];
	pub->cover = s.lead_ps.has_index && s.lead_ps.index == 0 ? &si->patches[0] : NULL;
	pub->lead_body = s.lead_body;
	pub->change_id = si->strings + f[SF_CHANGE_ID];
	pub->patches = si->patches;
	pub->npatches = s.nmembers;
	pub->replies = s.replies;
	pub->trailers = si->trailers;
	pub->ntrailers = s.trailers.n;
	pub->previous = s.previous != NO_SERIES ? &set->kept->series[s.previous]->pub : NULL;
	pub->previous_link = (enum series_link_kind)s.previous_link;
	pub->applied = si->applied;
	pub->napplied = s.notices.n;
	if (!set->defer_patches || set->loaded)
		load_patches(set, si);
	return si;
}

/*
 * Series `no` read back, kept until the results go, and its earlier
 * versions with it (made oldest first, so each finds the one before it
 * kept; without recursion: a chain may be as long as the set).
 */
static struct sinfo *sinfo_get(const struct series_set *set, uint32_t no)
{
	struct kept *kept = set->kept;
	uint32_t *chain = NULL, at;
	size_t n = 0, alloc = 0;

	if (!kept->series)
		kept->series = xcalloc(set->nseries ? set->nseries : 1, sizeof(*kept->series));
	if (kept->series[no])
		return kept->series[no];
	for (at = no; at != NO_SERIES && !kept->series[at]; at = srec_get(set, at).previous) {
		grow((void **)&chain, &alloc, n + 1, sizeof(*chain));
		chain[n++] = at;
	}
	while (n--) {
		kept->series[chain[n]] = sinfo_make(set, chain[n]);
		grow((void **)&kept->numbers, &kept->numbers_alloc, kept->nnumbers + 1,
		     sizeof(*kept->numbers));
		kept->numbers[kept->nnumbers++] = chain[n];
	}
	free(chain);
	return kept->series[no];
}

void series_set_defer_patches(struct series_set *set)
{
	set->defer_patches = true;
}

void series_set_load(struct series_set *set)
{
	size_t i;

	set->loaded = true;
	for (i = 0; i < set->kept->nnumbers; i++)
		load_patches(set, set->kept->series[set->kept->numbers[i]]);
}

size_t series_set_unknown_count(const struct series_set *set)
{
	return set->nunknown;
}

const char *series_set_unknown_id(const struct series_set *set, size_t i)
{
	struct spool_text t;

	pagefile_read(set->unknown, (uint64_t)i * sizeof(t), &t, sizeof(t));
	buf_reset(&set->kept->unknown_text);
	spool_append(&set->kept->unknown_text, set->results, t);
	return set->kept->unknown_text.data;
}

void series_append_lead_body(struct buf *out, const struct series_info *s)
{
	const struct sinfo *si = (const struct sinfo *)s; /* pub is the first member */

	spool_append(out, si->bodies, s->lead_body);
}

size_t series_set_count(const struct series_set *set)
{
	return set->nlisted;
}

const struct series_info *series_set_get(const struct series_set *set, size_t i)
{
	return &sinfo_get(set, u32_get(set->listed, i))->pub;
}

void series_set_names(const struct series_set *set, size_t i, struct series_names *out)
{
	struct srec s = srec_get(set, u32_get(set->listed, i));
	struct buf *b = &set->kept->names_text;
	size_t f[SF_NFIELDS], previous[SF_NFIELDS];

	buf_reset(b);
	append_strings(set, b, s.strings, f, SF_NFIELDS);
	if (s.previous != NO_SERIES)
		append_strings(set, b, srec_get(set, s.previous).strings, previous, SF_NFIELDS);
	out->root_id = b->data + f[SF_ROOT_ID];
	out->title_key = b->data + f[SF_TITLE_KEY];
	out->change_id = b->data + f[SF_CHANGE_ID];
	out->previous_root = s.previous != NO_SERIES ? b->data + previous[SF_ROOT_ID] : "";
	out->previous_link = (enum series_link_kind)s.previous_link;
	out->version_major = s.lead_ps.version_major;
	out->version_minor = s.lead_ps.version_minor;
	out->total = series_total(&s);
	out->received = s.received;
}

size_t series_set_find_key(const struct series_set *set, const char *key)
{
	uint32_t no = node_index_get(set, &set->keys, key);
	struct node n;
	struct srec s;

	/* the index holds the window's copy of a message, never a dead one */
	if (no == NO_NODE)
		return SERIES_NONE;
	n = node_get(set, no);
	if (n.kind != NODE_PATCH || !n.series)
		return SERIES_NONE;
	s = srec_get(set, n.series - 1);
	return s.listed_at != NO_SERIES ? s.listed_at : SERIES_NONE;
}

size_t series_set_applied_count(const struct series_set *set)
{
	return set->napplied;
}

const struct series_applied *series_set_applied(const struct series_set *set, size_t i)
{
	struct kept *kept = set->kept;
	struct applied_at at;

	buf_reset(&kept->applied_text);
	read_applied(set, (uint32_t)i, &kept->applied_text, &kept->applied, &at);
	applied_point(&kept->applied, kept->applied_text.data, &at);
	return &kept->applied;
}

const char *series_trailer_name(enum series_trailer_kind kind)
{
	return trailer_kind_name((enum trailer_kind)kind);
}

/* ---- formatting ---- */

void series_append_ranges(struct buf *out, const unsigned *indexes, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j + 1 < n && indexes[j + 1] == indexes[j] + 1)
			j++;
		if (i)
			buf_addstr(out, ", ");
		if (j == i)
			buf_addf(out, "%u", indexes[i]);
		else
			buf_addf(out, "%u-%u", indexes[i], indexes[j]);
		i = j + 1;
	}
}

void series_append_completeness(struct buf *out, const struct series_info *s)
{
	if (!s->total)
		return;
	buf_addf(out, "%u/%u received", s->received, s->total);
	if (*s->missing)
		buf_addf(out, ", missing %s", s->missing);
}

void series_append_applied(struct buf *out, const struct series_applied *a)
{
	buf_addf(out, "%s\n    ", a->subject);
	if (a->kind == SERIES_APPLIED_PULL_REQUEST) {
		buf_addf(out, "pull request by %s", a->who);
		if (*a->where)
			buf_addf(out, " from %s", a->where);
	} else {
		if (*a->patches)
			buf_addf(out, "patches %s ", a->patches);
		buf_addf(out, "applied by %s", a->who);
		if (*a->where)
			buf_addf(out, " to %s", a->where);
	}
	buf_addch(out, '\n');
}
