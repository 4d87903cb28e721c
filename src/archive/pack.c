/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The objects of a repository's packs, read without libgit2 (see pack.h).
 *
 * Formats (git's Documentation/gitformat-pack.txt):
 *  - the index, version 2: "\377tOc", version 2, the fanout table (256
 *    big-endian counts: objects whose id's first byte is <= i), the ids
 *    (20 bytes each, sorted), their CRC32s, their offsets (4 bytes; the
 *    high bit set: an index into the table of 8-byte offsets after them),
 *    the pack's checksum, the index's checksum;
 *  - the pack: "PACK", version 2 or 3, the object count, then objects,
 *    each a header (type in bits 4-6 of the first byte, the size in its
 *    low 4 bits and 7 more bits in each byte after while the high bit is
 *    set), for an OFS_DELTA the distance back to its base (a big-endian
 *    base-128 number, each continuation adding one), for a REF_DELTA the
 *    base's id, then the zlib stream of the object (or of the delta);
 *  - a delta: the base's size and the result's (little-endian base-128),
 *    then instructions: 1xxxxxxx copies from the base (the offset in up to
 *    4 bytes, the size in up to 3, the bits of the command saying which
 *    bytes follow; size 0 means 0x10000), 0xxxxxxx inserts that many bytes
 *    that follow (0 is reserved).
 *
 * The index is read with pread() through a direct-mapped cache of blocks
 * (PACK_IDX_SLOTS: lookups land all over it, and a mapped index would
 * count in memory, page by page, as large as it is), the pack through a
 * few mapped windows (PACK_WINDOWS of PACK_WINDOW_SIZE, least recently
 * used replaced), so a reader holds at most about 5 MiB of the files
 * however large they are, and only what the page cache keeps counts
 * outside the process.  An id is found by interpolation in its fanout
 * range (ids are uniform), steps of interpolation and of halving in
 * turn, a whole cached block at a time.  Bases of deltas are kept in a
 * cache (struct pack_cache), keyed by their pack's checksum and place in
 * it: public-inbox packs chain deltas up to 50 deep, and the messages that
 * follow one another share their bases.  Readers on several threads may
 * share one cache: each base is counted, and a reader applying a delta
 * holds the base until it is done, whoever evicts it meanwhile.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "archive/pack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * Index blocks: 51 ids (20 bytes) or 64 offsets (4 bytes) each.  The
 * lookups of a large archive land all over its index, and what is read
 * is mostly copied for nothing: on a 20,000-message window of
 * synthetic-300000, 4 KiB blocks (and 16 KiB pack reads) took 0.72 s of
 * system time, these 0.60 s (perf stat, 3 runs each, alternated).
 */
#define PACK_IDX_IDS_PER_BLOCK	   51
#define PACK_IDX_OFFSETS_PER_BLOCK 64
#define PACK_IDX_BLOCK		   1024
#define PACK_IDX_SLOTS		   1024 /* 1 MiB */
/*
 * An index of at most this is mapped whole instead (150,000 objects, an
 * archive of about 50,000 messages): read by blocks, a 1,000-message
 * window of kvm-ppc made 4,000 preads of its index.  A larger one would
 * count in memory page by page as lookups land all over it.
 */
#define PACK_IDX_MAP_MAX ((size_t)4 << 20)

/*
 * Pack windows: at most PACK_WINDOWS mappings of PACK_WINDOW_SIZE bytes of
 * the pack, at multiples of it (or at the page of what is asked for, when
 * that crosses the end of one), least recently used replaced.  Only the
 * pages touched count in the process's memory, and at most PACK_WINDOWS *
 * PACK_WINDOW_SIZE of the pack are mapped at once (a reader thread each),
 * however large the pack.  Mapped, the entries are inflated where they
 * are: reading them with pread into buffers instead (32 KiB windows)
 * copied each byte once more and cost a system call a read; on kvm-ppc,
 * whole, that was about 30% of the run.  An entry larger than half a
 * window is read whole with pread, once.  A pack cut short while it is
 * mapped would end the process (SIGBUS), as it would git and libgit2,
 * which map packs too: git writes a new pack and removes the old one, it
 * never cuts one in place.
 */
#define PACK_WINDOW_SIZE ((size_t)1 << 20)
#define PACK_WINDOWS	 4 /* 4 MiB a reader */
/* The buffer for entries larger than half a window is freed after use past this. */
#define PACK_BIG_KEEP ((size_t)1 << 20)

/*
 * Delta bases a reader keeps, at most, in a cache of its own (git.c shares
 * one of the same size between its readers): bytes, slots (direct-mapped).
 * Measured with a cache a reader, before they were shared: on kvm-ppc,
 * 4 MiB a reader inflate 3 objects more than 8 or 16 MiB (20,319 of
 * 17,895 objects, against 20,316), 2 MiB 51 more, 1 MiB 327 more; on
 * synthetic-100000 not even 1 GiB inflates one object fewer than 4 MiB
 * (the whole archive), and 1, 2 and 4 MiB inflate the same (a window of
 * 20,000): a base there is used by the objects read just after it, or
 * never again.  What the cache holds is memory touched for the first time, and
 * here a first touch costs about 4 us a page (24 MiB: 25 ms of system
 * time): on the whole of kvm-ppc, 4 MiB took 6,304 page faults and
 * 31.8 MiB at peak, 2 MiB 5,219 and 26.9 MiB, 1 MiB 4,650 and 25.5 MiB,
 * for the same time (alternated runs: 300.6, 299.9, 300.1 ms).
 */
#define PACK_BASE_CACHE_BYTES ((size_t)2 << 20)
#define PACK_BASE_CACHE_SLOTS 1024

/* Longer delta chains are taken as damage (git's are at most 4095 deep). */
#define PACK_CHAIN_MAX 10000
/* A delta or a base over this (and over max_size) is left to libgit2. */
#define PACK_OBJECT_LIMIT ((size_t)256 << 20)

#define PACK_OFS_DELTA 6
#define PACK_REF_DELTA 7

struct pack_file {
	int idx_fd;
	int pack_fd;
	const unsigned char *idx_map; /* the whole index when it is small; else NULL */
	size_t idx_size;
	uint32_t fanout[256];
	uint32_t nr;	   /* objects */
	uint32_t nr_large; /* 8-byte offsets */
	uint64_t end;	   /* where objects end: the pack's size less its checksum */
	uint64_t key;	   /* the pack's checksum's first 8 bytes: the same pack in every reader */
};

/* A cached block of an index: key 0 is an empty slot. */
struct pack_idx_block {
	uint64_t key;
	size_t len;
	unsigned char data[PACK_IDX_BLOCK];
};

struct pack_window {
	size_t pack;
	uint64_t start;
	size_t len;	    /* 0: unused */
	uint64_t used;	    /* the reader's tick when last used */
	unsigned char *map; /* pack bytes [start, start + len), mapped */
};

/*
 * A delta base kept: an object resolved, immutable once kept.  The cache
 * holds one reference, and each reader using it one more (refs, under the
 * cache's lock), so that a reader applying a delta to it keeps it while
 * another reader's base takes its slot.
 */
struct pack_base {
	int refs;
	enum pack_type type;
	size_t size;
	char *data; /* size bytes and a NUL */
};

/* A slot of the cache: the base of the object at `off` of the pack `pack`. */
struct pack_cache_slot {
	uint64_t pack; /* pack_file.key */
	uint64_t off;
	struct pack_base *base; /* NULL: an empty slot */
	int prev, next;		/* least recently used list: indices, -1 at its ends */
};

struct pack_cache {
	pthread_mutex_t lock;
	struct pack_cache_slot slots[PACK_BASE_CACHE_SLOTS];
	int lru_head, lru_tail; /* most and least recently used */
	size_t bytes, max_bytes;
};

struct pack_reader {
	struct pack_file *packs;
	size_t packs_nr;
	size_t last; /* the pack the last id was found in, tried first */
	/*
	 * Two inflaters: one for streams whose first block is of the fixed
	 * codes, one for the others.  libdeflate builds the fixed codes' tables
	 * once and keeps them until a stream of its own codes overwrites them;
	 * trees (29 bytes in public-inbox) are of the fixed codes, commits and
	 * mail are not, and one inflater for all built the fixed tables again
	 * for every tree: 2.0 us a tree, 0.29 us with an inflater of their own
	 * (all 17,895 streams of kvm-ppc: trees 12.0 -> 1.7 ms in all).
	 */
	struct libdeflate_decompressor *inflater, *inflater_fixed;
	struct pack_idx_block *blocks; /* PACK_IDX_SLOTS */
	struct pack_window windows[PACK_WINDOWS];
	uint64_t tick;
	unsigned char *big; /* entries larger than a window */
	size_t big_alloc;
	struct pack_cache *cache; /* delta bases: shared, or its own */
	int own_cache;
	size_t inflated; /* zlib streams inflated */
	/* Delta chain being resolved. */
	struct pack_entry *chain;
	size_t chain_alloc;
};

/* One object's header in a pack. */
struct pack_entry {
	size_t pack;
	uint64_t off;		   /* where it starts */
	uint64_t data_off;	   /* where its zlib stream starts */
	int type;		   /* 1-4, PACK_OFS_DELTA, PACK_REF_DELTA */
	size_t size;		   /* inflated */
	uint64_t base_off;	   /* PACK_OFS_DELTA */
	unsigned char base_id[20]; /* PACK_REF_DELTA */
};

static uint32_t pack_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads len bytes at off: 0, or -1 when fewer are there. */
static int pack_pread(int fd, void *buf, size_t len, uint64_t off)
{
	unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

size_t pack_idx_map_max = PACK_IDX_MAP_MAX;

/* Opens the index dir/name and its pack into *p: 0, or -1 (left out). */
static int pack_file_open(struct pack_file *p, const char *dir, const char *name)
{
	unsigned char head[8 + 256 * 4], pack_head[12], want[20], have[20];
	size_t len = strlen(name) - 4, i;
	uint64_t min, idx_size;
	struct stat st;
	char *path;

	p->idx_fd = p->pack_fd = -1;
	p->idx_map = NULL;
	if (!(path = malloc(strlen(dir) + strlen(name) + 8)))
		return -1;
	sprintf(path, "%s/%s", dir, name);
	p->idx_fd = open(path, O_RDONLY | O_CLOEXEC);
	sprintf(path, "%s/%.*s.pack", dir, (int)len, name);
	p->pack_fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (p->idx_fd < 0 || p->pack_fd < 0 || fstat(p->idx_fd, &st) < 0 ||
	    pack_pread(p->idx_fd, head, sizeof(head), 0) < 0 ||
	    memcmp(head, "\377tOc\0\0\0\2", 8) != 0)
		goto fail;
	idx_size = (uint64_t)st.st_size;
	for (i = 0; i < 256; i++) {
		p->fanout[i] = pack_be32(head + 8 + 4 * i);
		if (i > 0 && p->fanout[i] < p->fanout[i - 1])
			goto fail;
	}
	p->nr = p->fanout[255];
	min = 8 + 256 * 4 + (uint64_t)p->nr * 28 + 40;
	if (idx_size < min || (idx_size - min) % 8 != 0 || (idx_size - min) / 8 > p->nr)
		goto fail;
	p->nr_large = (uint32_t)((idx_size - min) / 8);
	if (fstat(p->pack_fd, &st) < 0 || st.st_size < 12 + 20 ||
	    pack_pread(p->pack_fd, pack_head, sizeof(pack_head), 0) < 0 ||
	    memcmp(pack_head, "PACK", 4) != 0 ||
	    (pack_be32(pack_head + 4) != 2 && pack_be32(pack_head + 4) != 3) ||
	    pack_be32(pack_head + 8) != p->nr)
		goto fail;
	/* The pack's checksum, as its index records it (git: "does not match index"). */
	if (pack_pread(p->idx_fd, want, 20, idx_size - 40) < 0 ||
	    pack_pread(p->pack_fd, have, 20, (uint64_t)st.st_size - 20) < 0 ||
	    memcmp(want, have, 20) != 0)
		goto fail;
	p->end = (uint64_t)st.st_size - 20;
	memcpy(&p->key, have, sizeof(p->key));
	p->idx_size = (size_t)idx_size;
	if (idx_size <= pack_idx_map_max) {
		void *map = mmap(NULL, (size_t)idx_size, PROT_READ, MAP_PRIVATE, p->idx_fd, 0);

		p->idx_map = map == MAP_FAILED ? NULL : map; /* else read by blocks */
	}
	return 0;
fail:
	if (p->idx_fd >= 0)
		close(p->idx_fd);
	if (p->pack_fd >= 0)
		close(p->pack_fd);
	p->idx_fd = p->pack_fd = -1;
	return -1;
}

int pack_open(struct pack_reader **out, const char *objects_dir, struct pack_cache *cache)
{
	struct pack_reader *r;
	struct dirent *entry;
	size_t len, alloc = 0;
	char *dir = NULL;
	DIR *d;

	*out = NULL;
	if (!(r = calloc(1, sizeof(*r))))
		return -1;
	r->cache = cache;
	r->own_cache = !cache;
	if ((!cache && !(r->cache = pack_cache_new(PACK_BASE_CACHE_BYTES))) ||
	    !(r->inflater = libdeflate_alloc_decompressor()) ||
	    !(r->inflater_fixed = libdeflate_alloc_decompressor()) ||
	    !(r->blocks = calloc(PACK_IDX_SLOTS, sizeof(*r->blocks))) ||
	    !(dir = malloc(strlen(objects_dir) + 8)))
		goto fail;
	sprintf(dir, "%s/pack", objects_dir);
	if ((d = opendir(dir)) != NULL) {
		while ((entry = readdir(d)) != NULL) {
			len = strlen(entry->d_name);
			if (len <= 4 || strcmp(entry->d_name + len - 4, ".idx") != 0)
				continue;
			if (r->packs_nr == alloc) {
				struct pack_file *more;

				alloc = alloc ? alloc * 2 : 4;
				if (!(more = realloc(r->packs, alloc * sizeof(*more)))) {
					closedir(d);
					goto fail;
				}
				r->packs = more;
			}
			if (pack_file_open(&r->packs[r->packs_nr], dir, entry->d_name) == 0)
				r->packs_nr++;
		}
		closedir(d);
	}
	free(dir);
	*out = r;
	return 0;
fail:
	free(dir);
	pack_free(r);
	errno = ENOMEM;
	return -1;
}

void pack_free(struct pack_reader *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->packs_nr; i++) {
		if (r->packs[i].idx_map)
			munmap((void *)r->packs[i].idx_map, r->packs[i].idx_size);
		close(r->packs[i].idx_fd);
		close(r->packs[i].pack_fd);
	}
	free(r->packs);
	if (r->own_cache)
		pack_cache_free(r->cache);
	for (i = 0; i < PACK_WINDOWS; i++)
		if (r->windows[i].len)
			munmap(r->windows[i].map, r->windows[i].len);
	free(r->big);
	free(r->blocks);
	free(r->chain);
	if (r->inflater)
		libdeflate_free_decompressor(r->inflater);
	if (r->inflater_fixed)
		libdeflate_free_decompressor(r->inflater_fixed);
	free(r);
}

size_t pack_count(const struct pack_reader *r)
{
	return r->packs_nr;
}

size_t pack_inflated(const struct pack_reader *r)
{
	return r->inflated;
}

/*
 * Index block `block` of kind `kind` (0: ids, 1: 4-byte offsets) of pack
 * `p`: its bytes, *len of them, or NULL when it cannot be read.  Valid
 * until the next call.
 */
static const unsigned char *pack_idx_block(struct pack_reader *r, size_t p, int kind,
					   uint64_t block, size_t *len)
{
	const struct pack_file *f = &r->packs[p];
	uint64_t key = ((uint64_t)p << 40 | (uint64_t)kind << 39 | block) + 1, start, per, count;
	struct pack_idx_block *b;
	size_t block_len;

	if (kind == 0) {
		per = PACK_IDX_IDS_PER_BLOCK;
		start = 8 + 256 * 4 + block * per * 20;
		count = f->nr - block * per < per ? f->nr - block * per : per;
		block_len = (size_t)count * 20;
	} else {
		per = PACK_IDX_OFFSETS_PER_BLOCK;
		start = 8 + 256 * 4 + (uint64_t)f->nr * 24 + block * per * 4;
		count = f->nr - block * per < per ? f->nr - block * per : per;
		block_len = (size_t)count * 4;
	}
	if (f->idx_map) { /* within the index: its size was checked against nr */
		*len = block_len;
		return f->idx_map + start;
	}
	b = &r->blocks[(key * UINT64_C(0x9e3779b97f4a7c15)) >> 56 & (PACK_IDX_SLOTS - 1)];
	if (b->key == key) {
		*len = b->len;
		return b->data;
	}
	b->key = 0;
	if (pack_pread(f->idx_fd, b->data, block_len, start) < 0)
		return NULL;
	b->key = key;
	b->len = block_len;
	*len = block_len;
	return b->data;
}

/* The offset of object i of pack p into *off: 0, or -1. */
static int pack_idx_offset(struct pack_reader *r, size_t p, uint32_t i, uint64_t *off)
{
	const struct pack_file *f = &r->packs[p];
	const unsigned char *b;
	unsigned char large[8];
	uint32_t v, k;
	size_t len;

	if (!(b = pack_idx_block(r, p, 1, i / PACK_IDX_OFFSETS_PER_BLOCK, &len)))
		return -1;
	v = pack_be32(b + (size_t)(i % PACK_IDX_OFFSETS_PER_BLOCK) * 4);
	if (v & 0x80000000u) {
		k = v & 0x7fffffffu;
		if (k < f->nr_large && f->idx_map)
			memcpy(large,
			       f->idx_map + 8 + 256 * 4 + (uint64_t)f->nr * 28 + (uint64_t)k * 8,
			       8);
		else if (k >= f->nr_large ||
			 pack_pread(f->idx_fd, large, 8,
				    8 + 256 * 4 + (uint64_t)f->nr * 28 + (uint64_t)k * 8) < 0)
			return -1;
		*off = (uint64_t)pack_be32(large) << 32 | pack_be32(large + 4);
	} else {
		*off = v;
	}
	return *off >= 12 && *off < f->end ? 0 : -1;
}

/* The first 8 bytes of an id, as a number. */
static uint64_t pack_id_prefix(const unsigned char *id)
{
	return (uint64_t)pack_be32(id) << 32 | pack_be32(id + 4);
}

/*
 * Finds `id` in pack p: 1 with *pos, 0 when it is not there, -1 on a read
 * error.  The ids being uniform, where it would be is guessed from its
 * value between those of the range's ends (interpolation); every other
 * step halves the range instead, so that ids that are not uniform cost
 * no more than a binary search.  Each step reads a whole block.
 */
static int pack_idx_find(struct pack_reader *r, size_t p, const unsigned char *id, uint32_t *pos)
{
	const struct pack_file *f = &r->packs[p];
	uint32_t lo = id[0] ? f->fanout[id[0] - 1] : 0, hi = f->fanout[id[0]];
	uint64_t key = pack_id_prefix(id), key_lo = (uint64_t)id[0] << 56,
		 key_hi = key_lo | UINT64_C(0x00ffffffffffffff);
	uint32_t mid, first, a, b, m;
	const unsigned char *block;
	size_t len;
	int c, step = 0;

	while (lo < hi) {
		if (step++ % 2 == 0 && key_hi > key_lo)
			mid = lo + (uint32_t)((double)(key - key_lo) / (double)(key_hi - key_lo) *
					      (double)(hi - lo));
		else
			mid = lo + (hi - lo) / 2;
		if (mid >= hi)
			mid = hi - 1;
		if (!(block = pack_idx_block(r, p, 0, mid / PACK_IDX_IDS_PER_BLOCK, &len)))
			return -1;
		first = mid / PACK_IDX_IDS_PER_BLOCK * PACK_IDX_IDS_PER_BLOCK;
		a = first > lo ? first : lo;
		b = first + (uint32_t)(len / 20) < hi ? first + (uint32_t)(len / 20) : hi;
		if (a >= b)
			return -1; /* not reached: mid is in [lo, hi) and in its block */
		if ((c = memcmp(id, block + (size_t)(a - first) * 20, 20)) < 0) {
			hi = a;
			key_hi = pack_id_prefix(block + (size_t)(a - first) * 20);
			continue;
		}
		if (c == 0) {
			*pos = a;
			return 1;
		}
		if ((c = memcmp(id, block + (size_t)(b - 1 - first) * 20, 20)) > 0) {
			lo = b;
			key_lo = pack_id_prefix(block + (size_t)(b - 1 - first) * 20);
			continue;
		}
		if (c == 0) {
			*pos = b - 1;
			return 1;
		}
		/* In this block, if anywhere. */
		while (a < b) {
			m = a + (b - a) / 2;
			c = memcmp(id, block + (size_t)(m - first) * 20, 20);
			if (c == 0) {
				*pos = m;
				return 1;
			}
			if (c < 0)
				b = m;
			else
				a = m + 1;
		}
		return 0;
	}
	return 0;
}

/* Where `id` is: 1 with *pack and *off, 0 when in no pack, -1 when an index is damaged. */
static int pack_find(struct pack_reader *r, const unsigned char *id, size_t *pack, uint64_t *off)
{
	size_t k, p;
	uint32_t pos;
	int found;

	for (k = 0; k < r->packs_nr; k++) {
		p = k == 0 ? r->last : (k <= r->last ? k - 1 : k);
		if ((found = pack_idx_find(r, p, id, &pos)) < 0)
			return -1;
		if (found) {
			r->last = p;
			*pack = p;
			return pack_idx_offset(r, p, pos, off) < 0 ? -1 : 1;
		}
	}
	return 0;
}

/*
 * The bytes of pack p from off on: *avail of them (at least min(want,
 * what the pack has from off to its end), unless it cannot be read: then
 * NULL).  Valid until the next call.
 */
static const unsigned char *pack_bytes(struct pack_reader *r, size_t p, uint64_t off, size_t want,
				       size_t *avail)
{
	const struct pack_file *f = &r->packs[p];
	struct pack_window *w, *lru = NULL;
	unsigned char *map;
	uint64_t start;
	size_t i, len;

	if (off >= f->end)
		return NULL;
	if (want > f->end - off)
		want = (size_t)(f->end - off);
	r->tick++;
	for (i = 0; i < PACK_WINDOWS; i++) {
		w = &r->windows[i];
		if (w->len && w->pack == p && w->start <= off && off + want <= w->start + w->len) {
			w->used = r->tick;
			*avail = (size_t)(w->start + w->len - off);
			return w->map + (off - w->start);
		}
		if (!lru || w->used < lru->used)
			lru = w;
	}
	if (want > PACK_WINDOW_SIZE / 2) {
		/* Larger than half a window: read whole, once. */
		if (want > r->big_alloc) {
			unsigned char *more = realloc(r->big, want);

			if (!more)
				return NULL;
			r->big = more;
			r->big_alloc = want;
		}
		if (pack_pread(f->pack_fd, r->big, want, off) < 0)
			return NULL;
		*avail = want;
		return r->big;
	}
	w = lru;
	if (w->len)
		munmap(w->map, w->len);
	w->len = 0;
	start = off / PACK_WINDOW_SIZE * PACK_WINDOW_SIZE;
	if (off + want > start + PACK_WINDOW_SIZE) {
		long page = sysconf(_SC_PAGESIZE);

		if (page <= 0 || (size_t)page > PACK_WINDOW_SIZE / 2)
			return NULL;
		/* Its page: off + want <= start + page + size / 2. */
		start = off / (uint64_t)page * (uint64_t)page;
	}
	len = PACK_WINDOW_SIZE;
	if (len > f->end - start)
		len = (size_t)(f->end - start); /* never past the file: no SIGBUS */
	map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, f->pack_fd, (off_t)start);
	if (map == MAP_FAILED)
		return NULL;
	w->map = map;
	w->pack = p;
	w->start = start;
	w->len = len;
	w->used = r->tick;
	*avail = (size_t)(start + len - off);
	return w->map + (off - start);
}

/* Parses the header of the entry at `off` of pack p into *e: 0, or -1. */
static int pack_entry_parse(struct pack_reader *r, size_t p, uint64_t off, struct pack_entry *e)
{
	const unsigned char *s;
	size_t avail, i = 0;
	unsigned int shift = 4;
	uint64_t size, rel;
	unsigned char c;

	if (!(s = pack_bytes(r, p, off, 32, &avail)))
		return -1;
	e->pack = p;
	e->off = off;
	c = s[i++];
	e->type = c >> 4 & 7;
	size = c & 15;
	while (c & 0x80) {
		if (i >= avail || shift > 57)
			return -1;
		c = s[i++];
		size += (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (size > SIZE_MAX - 1)
		return -1;
	e->size = (size_t)size;
	switch (e->type) {
	case PACK_COMMIT:
	case PACK_TREE:
	case PACK_BLOB:
	case PACK_TAG:
		break;
	case PACK_OFS_DELTA:
		if (i >= avail)
			return -1;
		c = s[i++];
		rel = c & 0x7f;
		while (c & 0x80) {
			if (i >= avail || rel >= (UINT64_C(1) << 56))
				return -1;
			c = s[i++];
			rel = ((rel + 1) << 7) | (c & 0x7f);
		}
		if (rel == 0 || rel > off - 12)
			return -1;
		e->base_off = off - rel;
		break;
	case PACK_REF_DELTA:
		if (avail < i + 20)
			return -1;
		memcpy(e->base_id, s + i, 20);
		i += 20;
		break;
	default:
		return -1;
	}
	e->data_off = off + i;
	return e->data_off < r->packs[p].end ? 0 : -1;
}

/*
 * Inflates entry e's data into a new buffer (*out, the caller's, with a NUL
 * after it; e->size bytes): 0, or -1 when it is damaged.
 */
static int pack_entry_inflate(struct pack_reader *r, const struct pack_entry *e, char **out)
{
	const struct pack_file *f = &r->packs[e->pack];
	uint64_t left = f->end - e->data_off;
	size_t want = e->size + e->size / 256 + 64, avail, in_used, out_used;
	struct libdeflate_decompressor *inflater;
	enum libdeflate_result res;
	const unsigned char *in;
	char *buf;

	*out = NULL;
	/* Deflate makes at most about 1032 bytes of one: a larger size is a lie. */
	if (e->size / 1032 > left || !(buf = malloc(e->size + 1)))
		return -1;
	for (;;) {
		if (want > left)
			want = (size_t)left;
		if (!(in = pack_bytes(r, e->pack, e->data_off, want, &avail)))
			break;
		/* The zlib header's 2 bytes, then the first block's: BTYPE 01 is fixed codes. */
		inflater = avail > 2 && (in[2] >> 1 & 3) == 1 ? r->inflater_fixed : r->inflater;
		res = libdeflate_zlib_decompress_ex(inflater, in, avail, buf, e->size, &in_used,
						    &out_used);
		if (res == LIBDEFLATE_SUCCESS && out_used == e->size) {
			r->inflated++;
			buf[e->size] = '\0';
			*out = buf;
			return 0;
		}
		/* Short of input, maybe: try again with more, up to the end of the pack. */
		if (res == LIBDEFLATE_SUCCESS || avail >= left)
			break;
		want = avail < left / 2 ? avail * 2 : (size_t)left;
	}
	free(buf);
	return -1;
}

/* A delta's header number at *pos in d[0..len): 0, or -1. */
static int pack_delta_size(const unsigned char *d, size_t len, size_t *pos, size_t *out)
{
	uint64_t size = 0;
	unsigned int shift = 0;
	unsigned char c;

	do {
		if (*pos >= len || shift > 63)
			return -1;
		c = d[(*pos)++];
		size |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	if (size > SIZE_MAX - 1)
		return -1;
	*out = (size_t)size;
	return 0;
}

int pack_delta_apply(char **out, size_t *out_len, const unsigned char *base, size_t base_len,
		     const unsigned char *delta, size_t delta_len, size_t max_size)
{
	size_t pos = 0, src_size, dst_size, done = 0, cp_off, cp_size;
	unsigned char cmd;
	char *dst;

	*out = NULL;
	if (pack_delta_size(delta, delta_len, &pos, &src_size) < 0 || src_size != base_len ||
	    pack_delta_size(delta, delta_len, &pos, &dst_size) < 0 || dst_size > max_size)
		return -1;
	if (!(dst = malloc(dst_size + 1)))
		return -1;
	while (pos < delta_len) {
		cmd = delta[pos++];
		if (cmd & 0x80) {
			cp_off = cp_size = 0;
			for (int bit = 0; bit < 4; bit++)
				if (cmd & (1u << bit)) {
					if (pos >= delta_len)
						goto fail;
					cp_off |= (size_t)delta[pos++] << (8 * bit);
				}
			for (int bit = 0; bit < 3; bit++)
				if (cmd & (0x10u << bit)) {
					if (pos >= delta_len)
						goto fail;
					cp_size |= (size_t)delta[pos++] << (8 * bit);
				}
			if (cp_size == 0)
				cp_size = 0x10000;
			if (cp_off > base_len || cp_size > base_len - cp_off ||
			    cp_size > dst_size - done)
				goto fail;
			memcpy(dst + done, base + cp_off, cp_size);
			done += cp_size;
		} else if (cmd) {
			if (cmd > delta_len - pos || cmd > dst_size - done)
				goto fail;
			memcpy(dst + done, delta + pos, cmd);
			pos += cmd;
			done += cmd;
		} else {
			goto fail; /* reserved */
		}
	}
	if (done != dst_size)
		goto fail;
	dst[dst_size] = '\0';
	*out = dst;
	*out_len = dst_size;
	return 0;
fail:
	free(dst);
	return -1;
}

/* The slot of the base at (pack, off). */
static int pack_cache_slot(uint64_t pack, uint64_t off)
{
	return (int)(((off + pack * 0x51ed27) * UINT64_C(0x9e3779b97f4a7c15)) >> 54 &
		     (PACK_BASE_CACHE_SLOTS - 1));
}

/* Drops a reference to b (under the cache's lock): the last frees it. */
static void pack_base_unref(struct pack_base *b)
{
	if (--b->refs == 0) {
		free(b->data);
		free(b);
	}
}

static void pack_cache_unlink(struct pack_cache *c, int k)
{
	struct pack_cache_slot *s = &c->slots[k];

	if (s->prev >= 0)
		c->slots[s->prev].next = s->next;
	else
		c->lru_head = s->next;
	if (s->next >= 0)
		c->slots[s->next].prev = s->prev;
	else
		c->lru_tail = s->prev;
	s->prev = s->next = -1;
}

static void pack_cache_link(struct pack_cache *c, int k)
{
	struct pack_cache_slot *s = &c->slots[k];

	s->prev = -1;
	s->next = c->lru_head;
	if (c->lru_head >= 0)
		c->slots[c->lru_head].prev = k;
	c->lru_head = k;
	if (c->lru_tail < 0)
		c->lru_tail = k;
}

/* Empties slot k (under the lock). */
static void pack_cache_drop(struct pack_cache *c, int k)
{
	struct pack_cache_slot *s = &c->slots[k];

	if (!s->base)
		return;
	pack_cache_unlink(c, k);
	c->bytes -= s->base->size;
	pack_base_unref(s->base);
	s->base = NULL;
}

struct pack_cache *pack_cache_new(size_t bytes)
{
	struct pack_cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		return NULL;
	}
	for (int k = 0; k < PACK_BASE_CACHE_SLOTS; k++)
		c->slots[k].prev = c->slots[k].next = -1;
	c->lru_head = c->lru_tail = -1;
	c->max_bytes = bytes;
	return c;
}

void pack_cache_free(struct pack_cache *c)
{
	if (!c)
		return;
	for (int k = 0; k < PACK_BASE_CACHE_SLOTS; k++)
		pack_cache_drop(c, k);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/*
 * The base kept for (p, off), now the most recently used, or NULL: a
 * reference of the caller's (pack_base_release()).
 */
static struct pack_base *pack_base_get(struct pack_reader *r, size_t p, uint64_t off)
{
	struct pack_cache *c = r->cache;
	uint64_t pack = r->packs[p].key;
	int k = pack_cache_slot(pack, off);
	struct pack_cache_slot *s = &c->slots[k];
	struct pack_base *b = NULL;

	pthread_mutex_lock(&c->lock);
	if (s->base && s->pack == pack && s->off == off) {
		b = s->base;
		b->refs++;
		if (c->lru_head != k) {
			pack_cache_unlink(c, k);
			pack_cache_link(c, k);
		}
	}
	pthread_mutex_unlock(&c->lock);
	return b;
}

static void pack_base_release(struct pack_reader *r, struct pack_base *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&r->cache->lock);
	pack_base_unref(b);
	pthread_mutex_unlock(&r->cache->lock);
}

/*
 * Keeps data[0..size) as the base at (p, off), the cache's from now on:
 * returns a reference of the caller's to it (pack_base_release()), or NULL
 * when it is too large to keep or memory runs out (data stays the
 * caller's).
 */
static struct pack_base *pack_base_put(struct pack_reader *r, size_t p, uint64_t off,
				       enum pack_type type, char *data, size_t size)
{
	struct pack_cache *c = r->cache;
	uint64_t pack = r->packs[p].key;
	int k = pack_cache_slot(pack, off);
	struct pack_base *b;

	if (size > c->max_bytes / 4 || !(b = malloc(sizeof(*b))))
		return NULL;
	b->refs = 2; /* the cache's and the caller's */
	b->type = type;
	b->size = size;
	b->data = data;
	pthread_mutex_lock(&c->lock);
	pack_cache_drop(c, k);
	while (c->bytes + size > c->max_bytes && c->lru_tail >= 0)
		pack_cache_drop(c, c->lru_tail);
	c->slots[k].pack = pack;
	c->slots[k].off = off;
	c->slots[k].base = b;
	pack_cache_link(c, k);
	c->bytes += size;
	pthread_mutex_unlock(&c->lock);
	return b;
}

/* Appends e to the chain being resolved: 0, or -1. */
static int pack_chain_push(struct pack_reader *r, size_t n, const struct pack_entry *e)
{
	if (n >= PACK_CHAIN_MAX)
		return -1;
	if (n == r->chain_alloc) {
		size_t alloc = r->chain_alloc ? r->chain_alloc * 2 : 64;
		struct pack_entry *more = realloc(r->chain, alloc * sizeof(*more));

		if (!more)
			return -1;
		r->chain = more;
		r->chain_alloc = alloc;
	}
	r->chain[n] = *e;
	return 0;
}

/* A copy of data[0..size) with a NUL after it, or NULL. */
static char *pack_copy(const char *data, size_t size)
{
	char *copy = malloc(size + 1);

	if (copy) {
		memcpy(copy, data, size);
		copy[size] = '\0';
	}
	return copy;
}

/* pack_read() of the object at `off` of pack p. */
static int pack_read_at(struct pack_object *out, struct pack_reader *r, size_t p, uint64_t off,
			size_t max_size)
{
	size_t limit = max_size > PACK_OBJECT_LIMIT ? max_size : PACK_OBJECT_LIMIT;
	size_t n = 0, i, pos, src_size, size, base_size = 0, result_size;
	char *top_delta = NULL, *delta = NULL, *base = NULL, *result;
	/* The kept base `base` is of (a reference to it), or NULL: base is ours. */
	struct pack_base *held = NULL;
	enum pack_type type;
	struct pack_entry e;

	/* Down the chain to a base that is not a delta, or one kept. */
	for (;;) {
		if ((held = pack_base_get(r, p, off)) != NULL)
			break;
		if (pack_entry_parse(r, p, off, &e) < 0)
			return PACK_ERROR;
		if (e.type != PACK_OFS_DELTA && e.type != PACK_REF_DELTA)
			break;
		if (pack_chain_push(r, n++, &e) < 0)
			return PACK_ERROR;
		if (e.type == PACK_OFS_DELTA) {
			off = e.base_off;
		} else if (pack_find(r, e.base_id, &p, &off) != 1) {
			return PACK_ERROR; /* its base elsewhere: libgit2's */
		}
	}
	type = held ? held->type : (enum pack_type)e.type;

	if (n == 0) {
		size = held ? held->size : e.size;
		out->type = type;
		out->size = size;
		out->data = NULL;
		if (size <= max_size) {
			if (held)
				out->data = pack_copy(held->data, held->size);
			else
				pack_entry_inflate(r, &e, &out->data);
		}
		pack_base_release(r, held);
		return size > max_size ? PACK_TOO_LARGE : out->data ? PACK_OK : PACK_ERROR;
	}

	/* The result's size is in the newest delta's header. */
	if (r->chain[0].size > limit || pack_entry_inflate(r, &r->chain[0], &top_delta) < 0)
		goto fail;
	pos = 0;
	if (pack_delta_size((unsigned char *)top_delta, r->chain[0].size, &pos, &src_size) < 0 ||
	    pack_delta_size((unsigned char *)top_delta, r->chain[0].size, &pos, &result_size) < 0)
		goto fail;
	if (result_size > max_size) {
		free(top_delta);
		pack_base_release(r, held);
		out->type = type;
		out->size = result_size;
		out->data = NULL;
		return PACK_TOO_LARGE;
	}

	if (held) {
		base = held->data;
		base_size = held->size;
	} else {
		if (e.size > limit || pack_entry_inflate(r, &e, &base) < 0)
			goto fail;
		base_size = e.size;
		held = pack_base_put(r, e.pack, e.off, type, base, base_size);
	}
	/* Up the chain: each delta applied to the base below it. */
	for (i = n; i-- > 0;) {
		if (i == 0) {
			delta = top_delta;
			top_delta = NULL;
		} else if (r->chain[i].size > limit ||
			   pack_entry_inflate(r, &r->chain[i], &delta) < 0) {
			goto fail;
		}
		if (pack_delta_apply(&result, &size, (unsigned char *)base, base_size,
				     (unsigned char *)delta, r->chain[i].size,
				     i == 0 ? max_size : limit) < 0)
			goto fail;
		free(delta);
		delta = NULL;
		if (held)
			pack_base_release(r, held);
		else
			free(base);
		base = result;
		base_size = size;
		/* Each result but the last is a base: kept (the last is the caller's). */
		held = i == 0 ? NULL
			      : pack_base_put(r, r->chain[i].pack, r->chain[i].off, type, base,
					      base_size);
	}
	out->type = type;
	out->size = base_size;
	out->data = base;
	return PACK_OK;
fail:
	free(delta);
	free(top_delta);
	if (held)
		pack_base_release(r, held);
	else
		free(base);
	return PACK_ERROR;
}

int pack_read(struct pack_object *out, struct pack_reader *r, const unsigned char id[20],
	      size_t max_size)
{
	uint64_t off;
	size_t p;
	int found;

	if ((found = pack_find(r, id, &p, &off)) < 0)
		return PACK_ERROR;
	if (found == 0)
		return PACK_NOT_FOUND;
	found = pack_read_at(out, r, p, off, max_size);
	/* An entry larger than a window was read whole: not kept past a few MiB. */
	if (r->big_alloc > PACK_BIG_KEEP) {
		free(r->big);
		r->big = NULL;
		r->big_alloc = 0;
	}
	return found;
}
