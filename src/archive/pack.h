/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_ARCHIVE_PACK_H
#define MLDIGEST_ARCHIVE_PACK_H

/*
 * A reader of the objects in one repository's packs (the packs in objects/pack
 * with a version 2 index), for git.c: commits, trees and blobs read without
 * libgit2's per-object overhead, inflated with libdeflate, and without
 * mapping anything (the index and the pack are read with pread through
 * small bounded caches, so the process's memory does not grow with the
 * archive).  Whatever it does not handle -- loose objects, alternates, a
 * pack it cannot open, a damaged object -- it says so, and git.c asks
 * libgit2.
 *
 * A reader is used by one thread at a time; each thread opens its own.
 * No libgit2 header here: object ids are the 20 bytes of a SHA-1.
 */

#include <stddef.h>

/* Object types, as in a pack (and as libgit2's git_object_t). */
enum pack_type {
	PACK_COMMIT = 1,
	PACK_TREE = 2,
	PACK_BLOB = 3,
	PACK_TAG = 4,
};

/* What pack_read() returns. */
enum pack_status {
	PACK_OK = 0,	     /* *out holds the object */
	PACK_TOO_LARGE = 1,  /* over max_size: out->type and out->size only */
	PACK_NOT_FOUND = -1, /* not in a pack this reader reads */
	PACK_ERROR = -2,     /* damaged, or beyond what it handles (a delta base not in a pack) */
};

/* An object read: data[0..size) and a NUL after it (the caller's, free()). */
struct pack_object {
	enum pack_type type;
	size_t size;
	char *data;
};

struct pack_reader;

/*
 * Delta bases resolved, kept for the deltas read after them: at most
 * `bytes` of them (a base larger than a quarter of that is not kept).
 * Readers may share one, on any threads at once: a base one reader
 * resolves another then uses instead of inflating its chain again (bases
 * are told apart by their pack's checksum and place, so readers of one
 * repository, or of repositories sharing packs, share them).  NULL when
 * memory runs out.  Freed after the readers that use it.
 */
struct pack_cache;
struct pack_cache *pack_cache_new(size_t bytes);
void pack_cache_free(struct pack_cache *c);

/*
 * Opens the packs of the object directory `objects_dir` (".../objects"):
 * every index (objects/pack, .idx) of version 2 whose pack opens and agrees with
 * it; the others are left out (their objects are then "not found").  Delta
 * bases are kept in `cache` (borrowed), or, when NULL, in a cache of the
 * reader's own.
 * Returns 0 with *out set (the caller's, pack_free()), even with no pack at
 * all, or -1 when memory or the directory cannot be had (errno set).
 */
int pack_open(struct pack_reader **out, const char *objects_dir, struct pack_cache *cache);

/*
 * Indexes of at most this many bytes are mapped whole by pack_open(),
 * larger ones read by blocks (pack.c says why).  Tests set it to 0 to
 * read every index by blocks.
 */
extern size_t pack_idx_map_max;

/* Frees `r` and closes its files (NULL: nothing). */
void pack_free(struct pack_reader *r);

/* The number of packs `r` reads. */
size_t pack_count(const struct pack_reader *r);

/* The number of zlib streams `r` has inflated (objects, deltas, bases). */
size_t pack_inflated(const struct pack_reader *r);

/*
 * Reads object `id` into *out: PACK_OK; PACK_TOO_LARGE when it is larger
 * than max_size (its size from its header, or from its delta's: nothing is
 * inflated but that delta); PACK_NOT_FOUND; PACK_ERROR.  *out is set only
 * for PACK_OK (data) and PACK_TOO_LARGE (no data).  Never reads outside
 * the files or its buffers, whatever they hold.
 */
int pack_read(struct pack_object *out, struct pack_reader *r, const unsigned char id[20],
	      size_t max_size);

/*
 * Applies git's delta delta[0..delta_len) to base[0..base_len): returns 0
 * with *out (the caller's, free(); NUL after it) and *out_len, or -1 when
 * the delta is damaged or its result is over max_size.  For the fuzz target.
 */
int pack_delta_apply(char **out, size_t *out_len, const unsigned char *base, size_t base_len,
		     const unsigned char *delta, size_t delta_len, size_t max_size);

#endif
