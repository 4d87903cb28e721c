/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_PATCH_AUTHOR_H
#define MLDIGEST_PATCH_AUTHOR_H

/*
 * Authorship "Based on Email Body" (SPEC rule 5), as `git am` decides it:
 * leading empty lines of the body are skipped, then a block of in-body
 * headers (From:, Subject:, Date:, any case, with continuation lines) may
 * follow; a From: among them names the author.  Pure.
 */

#include <stdbool.h>
#include <stddef.h>

struct inbody_from {
	size_t line_off;  /* the From: line in the body, continuation lines and */
	size_t line_len;  /* the newline included: what the shown body drops */
	size_t value_off; /* the text after "From:", continuation lines included */
	size_t value_len;
};

/* Finds the in-body From: of `body`; false (and *out untouched) when none. */
bool author_find_inbody_from(const char *body, size_t len, struct inbody_from *out);

#endif
