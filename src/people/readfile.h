/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_PEOPLE_READFILE_H
#define MLDIGEST_PEOPLE_READFILE_H

#include <stddef.h>

/* Files bigger than this are refused (a map is a few thousand lines). */
#define PEOPLE_MAX_FILE (16 * 1024 * 1024)

/*
 * Reads a whole map file: *out (the caller frees it) and *len.  `what`
 * ("mailmap") names it in the error: "cannot read mailmap 'F': ...".
 */
int people_read_file(const char *what, const char *path, char **out, size_t *len);

#endif
