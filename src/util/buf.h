/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_UTIL_BUF_H
#define MLDIGEST_UTIL_BUF_H

#include <stddef.h>

/*
 * A growable byte buffer.  Invariants: `data` is never NULL after
 * buf_init() and is always NUL-terminated at data[len]; the bytes may hold
 * NULs.  Out of memory aborts (the process cannot do anything useful then).
 */
struct buf {
	char *data;
	size_t len;
	size_t alloc;
};

#define BUF_INIT {buf_empty, 0, 0}
extern char buf_empty[];

void buf_init(struct buf *b);
void buf_release(struct buf *b);            /* frees; the buffer is BUF_INIT again */
void buf_reset(struct buf *b);              /* len = 0, keeps the allocation */
void buf_grow(struct buf *b, size_t extra); /* room for `extra` more bytes */
void buf_add(struct buf *b, const void *data, size_t len);
void buf_addstr(struct buf *b, const char *s);
void buf_addch(struct buf *b, int c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_setlen(struct buf *b, size_t len); /* len <= b->len */
/* Hands the string to the caller, who frees it with free(); b is BUF_INIT again. */
char *buf_detach(struct buf *b, size_t *len_out);

/* Allocation helpers that abort on failure. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xmemdupz(const void *data, size_t len); /* copy plus a NUL */

#endif
