/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_PEOPLE_ORGMAP_H
#define MLDIGEST_PEOPLE_ORGMAP_H

/*
 * gitdm's domain map: which organisation a mail domain belongs to.  Pure.
 * One mapping a line, blank lines and '#' comments skipped:
 *
 *     domain organisation name [< YYYY-MM-DD]
 *
 * The domain matches itself and its subdomains (redhat.com matches
 * us.redhat.com); the longest matching domain wins.  "< DATE" ends a
 * mapping: it holds for mail sent before DATE, and a later line for the
 * same domain (with a later date, or none) takes over, as in gitdm.  A line
 * with a domain and no organisation, or a bad date, is an error naming the
 * file and the line.
 */

#include <stddef.h>
#include <stdint.h>

struct orgmap;

/*
 * Reads the map in s[0..len); `name` (the file) is for errors.  On success
 * *out is the caller's (orgmap_free); else returns MD_ERR_INPUT with
 * "cannot read orgmap 'FILE': line N: ..." set.
 */
int orgmap_parse(struct orgmap **out, const char *s, size_t len, const char *name);

/* Reads the file at `path` as orgmap_parse() does (or says why it cannot). */
int orgmap_read(struct orgmap **out, const char *path);

void orgmap_free(struct orgmap *map);

/*
 * The organisation of `domain` (ASCII case ignored) for mail sent at
 * `date` (seconds since the epoch), or NULL when none maps it.  Borrowed
 * from `map`; a NULL map maps nothing.
 */
const char *orgmap_find(const struct orgmap *map, const char *domain, int64_t date);

#endif
