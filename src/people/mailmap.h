/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_PEOPLE_MAILMAP_H
#define MLDIGEST_PEOPLE_MAILMAP_H

/*
 * git's .mailmap (gitmailmap(5)): one person's names and addresses made
 * one.  Pure.  The four line forms:
 *
 *     Proper Name <commit@email>                        the name
 *     <proper@email> <commit@email>                     the address
 *     Proper Name <proper@email> <commit@email>         both
 *     Proper Name <proper@email> Commit Name <commit@email>
 *                                   both, only for mail with that name too
 *
 * Addresses and commit names match without regard to ASCII case; blank
 * lines and lines starting with '#' are skipped, and a '#' after the last
 * '>' starts a comment.  Anything else (no <address>, an unclosed '<',
 * text after the last '>') is an error naming the file and the line.
 */

#include <stddef.h>

struct mailmap;

/*
 * Reads the mailmap in s[0..len); `name` (the file) is for errors.  On
 * success *out is the caller's (mailmap_free); else returns MD_ERR_INPUT
 * with "cannot read mailmap 'FILE': line N: ..." set.
 */
int mailmap_parse(struct mailmap **out, const char *s, size_t len, const char *name);

/* Reads the file at `path` as mailmap_parse() does (or says why it cannot). */
int mailmap_read(struct mailmap **out, const char *path);

void mailmap_free(struct mailmap *map);

/* Entries read (lines that map something). */
size_t mailmap_size(const struct mailmap *map);

/*
 * Maps a person: *name_out and *addr_out are the proper name and address
 * (borrowed from `map`), or `name` and `addr` themselves where the map
 * says nothing.  A NULL map maps nothing.
 */
void mailmap_map(const struct mailmap *map, const char *name, const char *addr,
		 const char **name_out, const char **addr_out);

#endif
