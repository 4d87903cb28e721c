/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/spool.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/tempfile.h"

/* The tail is written to the file when it reaches this many bytes. */
#define SPOOL_FLUSH (64 * 1024)

/*
 * Offsets run over the file, then the tail: bytes [0, file_size) are in
 * the file, [file_size, file_size + tail.len) in memory (a text may start
 * in one and end in the other when a write failed half way).  Without a
 * file (none could be made, or a write failed) the tail only grows.
 */
struct spool {
	int fd;	   /* -1: no file */
	bool full; /* a write failed: the file is read, no longer written */
	uint64_t file_size;
	struct buf tail;
};

struct spool *spool_new(void)
{
	struct spool *s = xcalloc(1, sizeof(*s));

	s->fd = tempfile_open("mldigest-spool");
	buf_init(&s->tail);
	return s;
}

void spool_free(struct spool *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	buf_release(&s->tail);
	free(s);
}

/* Writes the tail to the file; when writing fails, keeps it (and all that
 * comes later) in memory. */
static void flush_tail(struct spool *s)
{
	size_t done = 0;

	while (done < s->tail.len) {
		ssize_t n = pwrite(s->fd, s->tail.data + done, s->tail.len - done,
				   (off_t)(s->file_size + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* disk full: what is written stays readable; the rest
			 * is kept in memory, from the end of the file on */
			s->file_size += done;
			memmove(s->tail.data, s->tail.data + done, s->tail.len - done);
			buf_setlen(&s->tail, s->tail.len - done);
			s->full = true;
			return;
		}
		done += (size_t)n;
	}
	s->file_size += done;
	if (s->tail.alloc > 2 * SPOOL_FLUSH)
		buf_release(&s->tail); /* a large text passed through */
	else
		buf_reset(&s->tail);
}

struct spool_text spool_add(struct spool *s, const char *data, size_t len)
{
	struct spool_text t = {s->file_size + s->tail.len, len};

	buf_add(&s->tail, data, len);
	if (s->fd >= 0 && !s->full && s->tail.len >= SPOOL_FLUSH)
		flush_tail(s);
	return t;
}

void spool_append(struct buf *out, const struct spool *s, struct spool_text t)
{
	size_t in_file = 0, done = 0;

	if (t.off < s->file_size) /* all of it, or its start when a write failed */
		in_file = t.off + t.len <= s->file_size ? t.len : (size_t)(s->file_size - t.off);
	buf_grow(out, t.len);
	while (done < in_file) {
		ssize_t n = pread(s->fd, out->data + out->len + done, in_file - done,
				  (off_t)(t.off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "mldigest: cannot read back a temporary file: %s\n",
				n < 0 ? strerror(errno) : "it is shorter than written");
			abort();
		}
		done += (size_t)n;
	}
	out->len += in_file;
	out->data[out->len] = '\0';
	if (in_file < t.len)
		buf_add(out, s->tail.data + (t.off + in_file - s->file_size), t.len - in_file);
}

size_t spool_memory(const struct spool *s)
{
	return s->tail.alloc;
}
