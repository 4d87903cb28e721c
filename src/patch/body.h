/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_PATCH_BODY_H
#define MLDIGEST_PATCH_BODY_H

/*
 * The shown body of a digest entry (SPEC "The classic text digest").  Pure.
 */

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * True for a diffstat summary line such as
 * " 3 files changed, 35 insertions(+), 21 deletions(-)" (newline excluded).
 */
bool body_is_diffstat_summary(const char *line, size_t len);

/*
 * Appends the shown body of `body` (UTF-8, LF line ends) to `out`: the body
 * without the bytes [skip_off, skip_off + skip_len) (the in-body From: line;
 * pass skip_len 0 for none), up to and including the first diffstat summary
 * line, or else up to the first `diff --git` line or signature line "-- ";
 * with trailing blank lines dropped and terminal controls dropped
 * (text_append_printable).  The result has no trailing newline.
 */
void body_append_shown(struct buf *out, const char *body, size_t len, size_t skip_off,
		       size_t skip_len);

#endif
