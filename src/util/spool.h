/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_UTIL_SPOOL_H
#define MLDIGEST_UTIL_SPOOL_H

/*
 * Text written once and read back later, kept outside the heap: what a
 * digest must hold until it is printed (the shown body of every New entry,
 * every series' cover letter) grows with the window, so it goes to an
 * unlinked temporary file ($TMPDIR, else /tmp), through a cache of its
 * last pages used (1 MiB: util/pagefile.h), and memory stays flat.  A
 * spool that fits in its cache makes no file and no system call.
 *
 * The spool is memory that lives on disk: adding never fails (when no
 * temporary file can be made or written, the text is kept in memory
 * instead: the same results, more memory), and reading back what was
 * written is like reading memory: a failure ends the process, as running
 * out of memory does (util/buf.h).  One thread at a time.
 */

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

struct spool;

/* Where a text is; a zeroed one is the empty text. */
struct spool_text {
	uint64_t off;
	size_t len;
};

/* A new spool; the caller frees it with spool_free(). */
struct spool *spool_new(void);
void spool_free(struct spool *s);

/* Keeps `len` bytes of `data` (copied) and says where they are. */
struct spool_text spool_add(struct spool *s, const char *data, size_t len);

/* Appends the text `t` to `out`. */
void spool_append(struct buf *out, const struct spool *s, struct spool_text t);

/* Bytes kept in memory (its cache, or all when there is no file): what the
 * spool costs the heap. */
size_t spool_memory(const struct spool *s);

#endif
