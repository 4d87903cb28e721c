/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_SERIES_OWNTEXT_H
#define MLDIGEST_SERIES_OWNTEXT_H

/*
 * The writer's own text of a mail body: the lines that are not quoted
 * ("> ..."), up to the signature line ("-- ") or a quoted original
 * ("-----Original Message-----").  Trailers and applied notices count only
 * there.  Pure; never reads past `len`; bounded.
 */

#include <stdbool.h>
#include <stddef.h>

/* At most this many lines, and bytes, of a body are looked at. */
#define OWNTEXT_MAX_LINES 5000
#define OWNTEXT_MAX_BYTES (512 * 1024)

struct owntext {
	const char *s;
	size_t len;
	size_t pos;
	unsigned lines;
	bool stop_at_patch; /* stop at "---" and "diff --git" too (a patch's own body) */
	bool done;
};

/*
 * Starts an iteration over `body`.  With stop_at_patch, the text ends at the
 * first "---" line or "diff --git" line as well: what comes before is a
 * patch's commit message, where its trailers are.
 */
void owntext_init(struct owntext *it, const char *body, size_t len, bool stop_at_patch);

/*
 * The next own line (without its newline and without a trailing CR) in
 * *line and *len; false at the end.  Quoted lines are skipped, not ended on.
 */
bool owntext_next(struct owntext *it, const char **line, size_t *len);

/* True for a quoted line: '>' after optional spaces and tabs (also "|>"). */
bool owntext_is_quoted(const char *line, size_t len);

#endif
