/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_PATCH_SUBJECT_H
#define MLDIGEST_PATCH_SUBJECT_H

/*
 * Subject lines: SPEC rules 1, 3 and 4.  Pure code: no allocation in
 * subject_parse(), no library headers, never reads past `len`.
 */

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* At most this many "other words" (subsystem tags) are kept per subject. */
#define SUBJECT_MAX_TAGS 8
/* Subjects longer than this are cut before parsing (hostile mail). */
#define SUBJECT_MAX_LEN 4096

struct subject_span {
	size_t off; /* into the string given to subject_parse() */
	size_t len;
};

/* What the leading bracket groups of a subject say.  A plain result. */
struct patch_subject {
	bool is_reply; /* starts with Re:, Fwd:, Fw:, Aw:, Sv: ... (rule 3) */
	bool is_patch; /* rule 4; never true when is_reply */
	bool is_pull_request; /* [GIT PULL] (or PULL) without an index: not a patch */
	bool rfc;
	bool resend;
	bool has_index;         /* an i/n was found */
	unsigned index;         /* i of i/n, 0 without one */
	unsigned total;         /* n of i/n, 0 without one */
	unsigned version_major; /* 1 by default */
	unsigned version_minor; /* v2.1 gives 2 and 1; 0 by default */
	struct subject_span title; /* the subject after the leading bracket groups
				      (and after any reply prefixes), trimmed */
	size_t ntags;
	struct subject_span tags[SUBJECT_MAX_TAGS]; /* other words, e.g. net-next,
						       kvm-unit-tests, AUTOSEL, 6.1 */
};

/*
 * Rule 1: appends to `out` the subject with control characters (Unicode Cc:
 * C0, DEL and C1, encoded as UTF-8) dropped, every run of white space
 * (space, tab, CR, LF) made one space, and leading/trailing space trimmed.
 * At most SUBJECT_MAX_LEN bytes are kept (cut on a UTF-8 character boundary).
 */
void subject_clean(const char *s, size_t len, struct buf *out);

/*
 * Parses a cleaned subject (see subject_clean) into `out`.  Every field is
 * set; spans point into `s`.  Never fails: a subject that says nothing is
 * neither a reply nor a patch, and its title is the whole subject.
 */
void subject_parse(struct patch_subject *out, const char *s, size_t len);

/* True for a lead: a patch with index 0 or 1, or with no index. */
bool subject_is_lead(const struct patch_subject *ps);

#endif
