/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_UTIL_PAGEFILE_H
#define MLDIGEST_UTIL_PAGEFILE_H

/*
 * Bytes kept outside the heap, read and written at any offset as memory
 * is: what a window keeps for every message and reads back in an order of
 * its own, many times (series.c: the messages' nodes and their indexes).
 * An unlinked temporary file (tempfile.h; made when a page first has to
 * leave memory) read and written with pread and pwrite, a page at a time,
 * through a cache of at most `max_pages` pages: the memory it takes is
 * bounded, whatever the file holds.  Not mapped: the pages of a mapping
 * count in the process's memory (its RSS) once touched.
 *
 * As the spool (spool.h), it is memory that lives on disk: writing never
 * fails (without a temporary file, or once writing to it failed, the pages
 * stay in memory instead: the same results, more memory), and failing to
 * read back what was written ends the process, as running out of memory
 * does.  Bytes never written read as zeros.  One thread at a time.
 */

#include <stddef.h>
#include <stdint.h>

struct pagefile;

/*
 * A new, empty pagefile of pages of `page_size` bytes (a power of two),
 * caching at most `max_pages` (at least 1) of them; the caller frees it
 * with pagefile_free().
 */
struct pagefile *pagefile_new(size_t page_size, size_t max_pages);
void pagefile_free(struct pagefile *pf);

/* Copies the `len` bytes at `off` to `out`. */
void pagefile_read(struct pagefile *pf, uint64_t off, void *out, size_t len);

/* Copies `len` bytes of `data` to `off` (the file grows as needed). */
void pagefile_write(struct pagefile *pf, uint64_t off, const void *data, size_t len);

/* One past the last byte written: where an append goes. */
uint64_t pagefile_size(const struct pagefile *pf);

/* Bytes of pages held in memory: what the pagefile costs the heap. */
size_t pagefile_memory(const struct pagefile *pf);

/*
 * For open-addressing tables kept in pagefiles (slot i at i * slot_size;
 * an empty slot is all zeros, as bytes never written read; a slot's hash
 * is the uint32_t at hash_at): puts every slot of the table `from`, of
 * from_slots slots (NULL when 0), into the empty table `to`, of to_slots (a power of
 * two, more than the slots in use), each at its hash's place or the first
 * empty one after it.  slot_size is at most PAGEFILE_SLOT_MAX.
 */
#define PAGEFILE_SLOT_MAX 64
void pagefile_rehash(struct pagefile *to, size_t to_slots, struct pagefile *from, size_t from_slots,
		     size_t slot_size, size_t hash_at);

#endif
