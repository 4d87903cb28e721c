/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_UTIL_TEXT_H
#define MLDIGEST_UTIL_TEXT_H

/* Text that reaches a terminal or a file: pure helpers over UTF-8. */

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/*
 * Appends `s` to `out` without terminal controls: control characters
 * (Unicode Cc: C0, DEL, C1) other than tab and newline, and the
 * bidirectional controls U+202A-U+202E and U+2066-U+2069, are dropped.
 * A byte that does not start a valid UTF-8 sequence becomes U+FFFD, so the
 * output is always valid UTF-8.
 */
void text_append_printable(struct buf *out, const char *s, size_t len);

/*
 * Decodes one UTF-8 character at s[0..len): returns its length (1-4) and
 * sets *cp, or returns 0 for an invalid sequence (overlong, surrogate, out
 * of range, truncated).  len must be at least 1.
 */
size_t text_utf8_decode(const char *s, size_t len, unsigned *cp);

/* True when the code point is one text_append_printable() drops. */
bool text_is_control(unsigned cp);

/* Appends `s` with ASCII letters lower-cased (other bytes kept). */
void text_append_lower(struct buf *out, const char *s, size_t len);

/* True for a line of only spaces, tabs and CRs (or an empty one). */
bool text_is_blank(const char *s, size_t len);

#endif
