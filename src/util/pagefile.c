/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/pagefile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/tempfile.h"

#define NO_PAGE UINT32_MAX
/* pagefile.fd before the file is needed (have_file) */
#define FD_NOT_YET (-2)

/* A page held in memory: a copy of page `no` of the file, newer when dirty. */
struct page {
	uint64_t no;
	char *data;
	uint32_t next; /* the next page of its bucket, NO_PAGE at the end */
	bool dirty;
	bool referenced; /* used since the clock's hand last passed */
};

/*
 * The pages in memory are found through buckets by page number; when the
 * cache is full, the clock (second chance) chooses the page that leaves,
 * written back first when dirty.  Without a file no page leaves memory: the
 * cache only grows.  A dirty page that cannot be written back (the disk is
 * full, the file too large) stays in memory, out of the clock's ring; the
 * others still come and go.
 */
struct pagefile {
	int fd;		/* -1: no file; FD_NOT_YET: none needed so far */
	unsigned shift; /* page_size == 1 << shift */
	size_t page_size, max_pages;
	uint64_t size;
	uint64_t file_pages; /* pages from here on were never written to the file */
	struct page *pages;
	size_t npages, pages_alloc;
	uint32_t *buckets;
	size_t nbuckets; /* a power of two, at least npages */
	size_t nring;	 /* pages [0, nring) are the clock's; the others could not be
			    written back (the disk is full) and stay */
	size_t hand;	 /* the clock's, in [0, nring) */
	size_t last;	 /* the page found last (most accesses are in it again) */
};

struct pagefile *pagefile_new(size_t page_size, size_t max_pages)
{
	struct pagefile *pf = xcalloc(1, sizeof(*pf));

	if (!page_size || (page_size & (page_size - 1)) || !max_pages) {
		fprintf(stderr, "mldigest: pagefile_new: bad page size %zu or count %zu\n",
			page_size, max_pages);
		abort(); /* a programmer's error */
	}
	while (((size_t)1 << pf->shift) < page_size)
		pf->shift++;
	pf->page_size = page_size;
	pf->max_pages = max_pages;
	pf->fd = FD_NOT_YET;
	pf->last = NO_PAGE;
	return pf;
}

void pagefile_free(struct pagefile *pf)
{
	size_t i;

	if (!pf)
		return;
	if (pf->fd >= 0)
		close(pf->fd);
	for (i = 0; i < pf->npages; i++)
		free(pf->pages[i].data);
	free(pf->pages);
	free(pf->buckets);
	free(pf);
}

uint64_t pagefile_size(const struct pagefile *pf)
{
	return pf->size;
}

size_t pagefile_memory(const struct pagefile *pf)
{
	return pf->npages * pf->page_size;
}

static size_t bucket_of(const struct pagefile *pf, uint64_t no)
{
	return (size_t)((no * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & (pf->nbuckets - 1);
}

static void link_page(struct pagefile *pf, size_t i)
{
	size_t b = bucket_of(pf, pf->pages[i].no);

	pf->pages[i].next = pf->buckets[b];
	pf->buckets[b] = (uint32_t)i;
}

static void unlink_page(struct pagefile *pf, size_t i)
{
	uint32_t *at = &pf->buckets[bucket_of(pf, pf->pages[i].no)];

	while (*at != i)
		at = &pf->pages[*at].next;
	*at = pf->pages[i].next;
}

/* Room for one more page in the buckets (at most one a bucket on average),
 * before it is added. */
static void grow_buckets(struct pagefile *pf)
{
	size_t i;

	if (pf->npages + 1 <= pf->nbuckets)
		return;
	pf->nbuckets = pf->nbuckets ? pf->nbuckets * 2 : 64;
	free(pf->buckets);
	pf->buckets = xmalloc(pf->nbuckets * sizeof(*pf->buckets));
	for (i = 0; i < pf->nbuckets; i++)
		pf->buckets[i] = NO_PAGE;
	for (i = 0; i < pf->npages; i++)
		link_page(pf, i);
}

/* Writes page `p` back to the file; false when that fails (the disk is full). */
static bool write_back(struct pagefile *pf, struct page *p)
{
	size_t done = 0;

	while (done < pf->page_size) {
		ssize_t n = pwrite(pf->fd, p->data + done, pf->page_size - done,
				   (off_t)((p->no << pf->shift) + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	p->dirty = false;
	if (p->no >= pf->file_pages)
		pf->file_pages = p->no + 1;
	return true;
}

/* Reads page `p` from the file: what is past its end (or never written) is zeros. */
static void read_in(struct pagefile *pf, struct page *p)
{
	size_t done = 0;

	/* a page never written back is zeros (or was in memory all along):
	 * no system call for it */
	while (pf->fd >= 0 && p->no < pf->file_pages && done < pf->page_size) {
		ssize_t n = pread(pf->fd, p->data + done, pf->page_size - done,
				  (off_t)((p->no << pf->shift) + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "mldigest: cannot read back a temporary file: %s\n",
				strerror(errno));
			abort();
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	memset(p->data + done, 0, pf->page_size - done);
}

/* Swaps pages i and j in pf->pages (and in the buckets). */
static void swap_pages(struct pagefile *pf, size_t i, size_t j)
{
	struct page t;

	if (i == j)
		return;
	unlink_page(pf, i);
	unlink_page(pf, j);
	t = pf->pages[i];
	pf->pages[i] = pf->pages[j];
	pf->pages[j] = t;
	link_page(pf, i);
	link_page(pf, j);
	if (pf->last == i)
		pf->last = j;
	else if (pf->last == j)
		pf->last = i;
}

/*
 * The temporary file, made when a page first has to leave memory: a
 * pagefile whose pages all fit in its cache (a small window) makes none.
 * Without one (none can be made), pages stay in memory.
 */
static bool have_file(struct pagefile *pf)
{
	if (pf->fd == FD_NOT_YET)
		pf->fd = tempfile_open("mldigest-pages");
	return pf->fd >= 0;
}

/*
 * A place for another page: the one the clock chooses (written back first
 * when dirty) when the cache is full, else a new one.  A dirty page that
 * cannot be written (the disk is full) leaves the clock's ring and stays
 * in memory; the ring goes on with the others.
 */
static size_t free_slot(struct pagefile *pf)
{
	size_t i;

	while (pf->nring >= pf->max_pages && have_file(pf)) {
		struct page *p;

		i = pf->hand;
		p = &pf->pages[i];
		if (p->referenced) {
			p->referenced = false;
			pf->hand = (i + 1) % pf->nring;
			continue;
		}
		if (p->dirty && !write_back(pf, p)) {
			swap_pages(pf, i, --pf->nring); /* out of the ring, kept */
			if (pf->hand >= pf->nring)
				pf->hand = 0;
			continue;
		}
		unlink_page(pf, i);
		pf->hand = (i + 1) % pf->nring;
		return i;
	}
	if (pf->npages == pf->pages_alloc) {
		pf->pages_alloc = pf->pages_alloc ? pf->pages_alloc * 2 : 16;
		pf->pages = xrealloc(pf->pages, pf->pages_alloc * sizeof(*pf->pages));
	}
	grow_buckets(pf);
	i = pf->npages++;
	pf->pages[i].data = xmalloc(pf->page_size);
	pf->pages[i].no = UINT64_MAX; /* linked for the swap, relinked by the caller */
	link_page(pf, i);
	swap_pages(pf, i, pf->nring); /* into the ring, before the pages kept */
	i = pf->nring++;
	unlink_page(pf, i);
	return i;
}

/* Page `no`, in memory. */
static struct page *get_page(struct pagefile *pf, uint64_t no)
{
	struct page *p;
	uint32_t i;
	size_t slot;

	if (pf->last != NO_PAGE && pf->pages[pf->last].no == no) {
		pf->pages[pf->last].referenced = true;
		return &pf->pages[pf->last];
	}
	if (pf->nbuckets)
		for (i = pf->buckets[bucket_of(pf, no)]; i != NO_PAGE; i = pf->pages[i].next)
			if (pf->pages[i].no == no) {
				pf->pages[i].referenced = true;
				pf->last = i;
				return &pf->pages[i];
			}
	slot = free_slot(pf);
	p = &pf->pages[slot];
	p->no = no;
	p->dirty = false;
	p->referenced = true;
	read_in(pf, p);
	link_page(pf, slot);
	pf->last = slot;
	return p;
}

void pagefile_read(struct pagefile *pf, uint64_t off, void *out, size_t len)
{
	size_t in_page = (size_t)(off & (pf->page_size - 1));
	char *to = out;

	/* most reads are a small record in the page read last */
	if (pf->last != NO_PAGE && pf->pages[pf->last].no == off >> pf->shift &&
	    in_page + len <= pf->page_size) {
		pf->pages[pf->last].referenced = true;
		memcpy(to, pf->pages[pf->last].data + in_page, len);
		return;
	}
	while (len) {
		size_t at = (size_t)(off & (pf->page_size - 1));
		size_t n = pf->page_size - at < len ? pf->page_size - at : len;
		struct page *p = get_page(pf, off >> pf->shift);

		memcpy(to, p->data + at, n);
		to += n;
		off += n;
		len -= n;
	}
}

void pagefile_write(struct pagefile *pf, uint64_t off, const void *data, size_t len)
{
	const char *from = data;

	if (len && off + len > pf->size)
		pf->size = off + len;
	while (len) {
		size_t at = (size_t)(off & (pf->page_size - 1));
		size_t n = pf->page_size - at < len ? pf->page_size - at : len;
		struct page *p = get_page(pf, off >> pf->shift);

		memcpy(p->data + at, from, n);
		p->dirty = true;
		from += n;
		off += n;
		len -= n;
	}
}

void pagefile_rehash(struct pagefile *to, size_t to_slots, struct pagefile *from, size_t from_slots,
		     size_t slot_size, size_t hash_at)
{
	static const unsigned char empty[PAGEFILE_SLOT_MAX];
	unsigned char slot[PAGEFILE_SLOT_MAX], there[PAGEFILE_SLOT_MAX];
	size_t i, j;
	uint32_t hash;

	if (slot_size > PAGEFILE_SLOT_MAX || hash_at + sizeof(hash) > slot_size) {
		fprintf(stderr, "mldigest: pagefile_rehash: bad slot size %zu\n", slot_size);
		abort(); /* a programmer's error */
	}
	for (i = 0; i < from_slots; i++) {
		pagefile_read(from, (uint64_t)i * slot_size, slot, slot_size);
		if (!memcmp(slot, empty, slot_size))
			continue;
		memcpy(&hash, slot + hash_at, sizeof(hash));
		for (j = hash & (to_slots - 1);; j = (j + 1) & (to_slots - 1)) {
			pagefile_read(to, (uint64_t)j * slot_size, there, slot_size);
			if (!memcmp(there, empty, slot_size))
				break;
		}
		pagefile_write(to, (uint64_t)j * slot_size, slot, slot_size);
	}
}
