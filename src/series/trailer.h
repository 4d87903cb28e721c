/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_SERIES_TRAILER_H
#define MLDIGEST_SERIES_TRAILER_H

/*
 * Review trailers: "Reviewed-by:", "Acked-by:", "Tested-by:",
 * "Reported-by:" lines of a body's own text (not quoted, not after the
 * signature).  Pure; never reads past `len`.
 */

#include <stdbool.h>
#include <stddef.h>

/* At most this many trailers are taken from one message. */
#define TRAILER_MAX 64

enum trailer_kind {
	TRAILER_REVIEWED_BY,
	TRAILER_ACKED_BY,
	TRAILER_TESTED_BY,
	TRAILER_REPORTED_BY,
};

struct trailer_span {
	size_t off; /* into the body */
	size_t len;
};

struct trailer {
	enum trailer_kind kind;
	struct trailer_span name; /* the display name, quotes removed; may be empty */
	struct trailer_span addr; /* the address: never empty, holds an '@' */
};

/* "Reviewed-by", "Acked-by", "Tested-by", "Reported-by". */
const char *trailer_kind_name(enum trailer_kind kind);

/*
 * Finds the trailers of `body`.  A trailer is a line of the own text
 * (owntext.h) that starts, after optional blanks, with one of the four keys
 * (any case) and names a person with an address: "Name <addr>", or a bare
 * address.  Lines without an address ("Acked-by: me") are not trailers.
 * With in_patch, the body is a patch's own and only its commit message
 * (before "---") counts.  Fills at most `max`; returns how many.
 */
size_t trailer_scan(const char *body, size_t len, bool in_patch, struct trailer *out, size_t max);

#endif
