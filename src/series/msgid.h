/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_SERIES_MSGID_H
#define MLDIGEST_SERIES_MSGID_H

/*
 * Message-IDs where mail names them: the In-Reply-To and References
 * headers, links to archived messages in a cover letter, and the b4
 * change-id.  Pure; bounded; never reads past `len`.
 */

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Longer ids are not ids (RFC 5322 lines are at most 998 bytes). */
#define MSGID_MAX_LEN 998
/* At most this many ids are taken from one References header. */
#define MSGID_MAX_REFS 128
/* At most this many links are taken from one body. */
#define MSGID_MAX_LINKS 32

struct msgid_span {
	size_t off;
	size_t len;
};

/*
 * Finds the ids of a References or In-Reply-To value, in the order written
 * (oldest first in References): the text inside each "<...>" that holds no
 * white space, '<' or '>'; folding, commas, comments and other garbage
 * between them are skipped.  A value without any '<' is taken as ids
 * separated by white space or commas, each holding an '@' (broken mailers
 * drop the brackets).  Fills at most `max` spans into `s`; returns how many.
 */
size_t msgid_parse_list(const char *s, size_t len, struct msgid_span *out, size_t max);

/*
 * As msgid_parse_list(), for a References header of any length: out[0] is
 * its first id (the thread root) and the rest its last `max - 1` ids, in the
 * order written.  `max` is at most MSGID_MAX_REFS.  Returns how many.
 */
size_t msgid_parse_ends(const char *s, size_t len, struct msgid_span *out, size_t max);

/* One message named by a link in a body. */
struct msgid_link {
	char *id;    /* malloc'd, percent-decoded, without brackets */
	bool strong; /* the line names a version or the previous posting ("v1:",
			"Link to v2", "previous version"): a link to an earlier version */
};

/*
 * Finds the messages a body links to, in its own text (not quoted): lore
 * and lkml links (https://lore.kernel.org/r/<id>, /all/<id>/, /<list>/<id>/,
 * https://lkml.kernel.org/r/<id>, https://patch.msgid.link/<id>,
 * https://msgid.link/<id>), and "<id>" written on a line that names a
 * version ("v1: <id>"), up to the first "diff --git" line (a diff's lines
 * are code).  At most `max`; duplicates dropped.  The caller
 * frees each id.  Returns how many.
 */
size_t msgid_find_links(const char *body, size_t len, struct msgid_link *out, size_t max);

/*
 * Appends the first b4 change-id ("change-id: 20240101-foo-abc123") or
 * Gerrit Change-Id ("Change-Id: I0123abcd...") of the body, any case, to
 * `out`; false when there is none.  The whole body is looked at (b4 puts it
 * after the "---" line), quoted lines excepted, up to OWNTEXT_MAX_LINES.
 */
bool msgid_find_change_id(const char *body, size_t len, struct buf *out);

#endif
