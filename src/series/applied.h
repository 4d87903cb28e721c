/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_SERIES_APPLIED_H
#define MLDIGEST_SERIES_APPLIED_H

/*
 * Applied notices: does a reply say that the patch it answers was applied?
 * Only the reply's own text counts (owntext.h: not the quoted lines, not
 * the signature).  Pure: no allocation, spans point into the body, never
 * reads past `len`, linear in `len`.
 */

#include <stdbool.h>
#include <stddef.h>

/* At most this many per-patch lines are kept from one notice. */
#define APPLIED_MAX_ITEMS 128
/* Longer lines are not read as a person's notice. */
#define APPLIED_MAX_LINE 512

enum applied_kind {
	APPLIED_NONE,
	APPLIED_REPLY,	   /* a person says so: "Applied to powerpc/next.",
			      "Thanks, applied!", "Queued for 6.10", "Pushed to kvm/queue" */
	APPLIED_LIST,	   /* per-patch lines "[1/2] <title>", each followed by
			      "commit: <id>" or a link: b4 ty, and the notices
			      Michael Ellerman's scripts send */
	APPLIED_PATCHWORK, /* the patchwork bot: "This series was applied to
			      netdev/net-next.git (main)" "by Name <addr>:" */
	APPLIED_MERGED,	   /* the pr-tracker bot: "... has been merged into
			      torvalds/linux.git:" (a reply to a pull request) */
};

struct applied_span {
	size_t off; /* into the body */
	size_t len;
};

/* One patch a notice lists. */
struct applied_item {
	unsigned index, total;	    /* the i/n of the line; 0, 0 without one */
	struct applied_span title;  /* as the notice writes it (maintainers edit titles) */
	struct applied_span commit; /* the commit id, or the link that names it */
};

struct applied_notice {
	enum applied_kind kind;
	const char *verb;	    /* "applied", "queued", "pushed", "pulled",
				       "merged", "committed", "picked up" (static) */
	struct applied_span line;   /* the line that says so */
	struct applied_span where;  /* the branch or tree when the notice says
				       ("powerpc/next", "netdev/net-next.git (main)");
				       len 0 when it does not */
	struct applied_span who;    /* who applied it when the notice names someone
				       (the patchwork bot's "by ..."): "Name <addr>";
				       len 0: the notice's sender */
	struct applied_span commit; /* a commit link or id after a person's notice */
	char patches[64];	    /* the patches, when the notice names only some
				       ("Patches 2-8 applied"): "2-8", "1-20, 22-28";
				       "" for all */
	size_t nitems;
	struct applied_item items[APPLIED_MAX_ITEMS];
};

/*
 * Classifies the body of a reply.  Returns true and fills *out when it is
 * an applied notice; false (out->kind APPLIED_NONE) otherwise.  The rules,
 * with the decisions, are at the top of applied.c.
 */
bool applied_classify(const char *body, size_t len, struct applied_notice *out);

/*
 * The source of a pull request (`git request-pull`'s "are available in the
 * Git repository at:" followed by "  <url> <ref>"): the URL and ref, trimmed.
 * False when the body does not say.
 */
bool applied_pull_source(const char *body, size_t len, struct applied_span *out);

#endif
