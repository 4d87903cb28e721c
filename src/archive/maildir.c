/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Maildirs: a directory with cur/ (and new/, tmp/).  The messages are the
 * regular files of cur/ and new/ (tmp/ holds deliveries in progress; names
 * starting with '.' and anything that is not a regular file, such as a
 * subdirectory, are skipped; symbolic links are followed).
 *
 * archive_open() lists them and reads each one's header block (up to the
 * first empty line, at most MAILDIR_HEADER_MAX bytes) for its Date, so the
 * order and the count are known before the first message: by Date, oldest
 * first; equal dates by file name (the base name, whose first field is the
 * delivery time, then the directory: cur/ before new/).  A message without
 * a Date header that util/date.c can parse sorts before all dated ones (as
 * mutt and mblaze's msort take it: as the oldest), by name among
 * themselves; the modification time is not used, as copying a Maildir
 * changes it.  archive_next() then reads one whole file at a time, in that
 * order.  A file larger than archive_maildir_message_max (64 MiB) is
 * skipped with a warning, as is one that is gone since the listing (a mail
 * client renamed it: new/ to cur/, or its flags); other errors (EACCES,
 * EIO) are the archive's and fatal.
 *
 * A Maildir has no revisions: only the whole of it is a window, of as many
 * messages as were listed.  Positions are 1-based places in the order;
 * messages have no id and no time.
 *
 * The identity (root_id) is "maildir:" and 16 hex digits of a 64-bit FNV-1a
 * hash of the oldest message's Message-ID (without the angle brackets), or
 * of its whole header block when it has none: it survives moving the
 * Maildir, new messages, and messages moving from new/ to cur/.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* strncasecmp() under -std=c11; meson defines it too */
#endif

#include "archive/archive-internal.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* A header block is read this much at a time, up to its end or the maximum. */
#define MAILDIR_HEADER_STEP ((size_t)8 << 10)
#define MAILDIR_HEADER_MAX  ((size_t)64 << 10)

/*
 * The largest message handed on; larger ones are skipped.  Not static:
 * tests lower it to exercise the skipping without writing 64 MiB.
 */
size_t archive_maildir_message_max = (size_t)64 << 20;

/* One message file. */
struct maildir_entry {
	char *name;   /* "cur/NAME" or "new/NAME", under the Maildir */
	int64_t date; /* its Date, when `dated` */
	int dated;
};

struct archive_maildir {
	struct maildir_entry *entries; /* in reading order, after the listing */
	size_t nr;
	size_t alloc;
	size_t pos;	 /* the next entry to read */
	struct buf file; /* the path of a file, built as needed */
	struct buf msg;	 /* the current message */
	struct buf head; /* a header block */
};

/* The end of the header block in h[0..len): after its empty line, or len. */
static size_t maildir_header_end(const char *h, size_t len)
{
	const char *nl;
	size_t pos = 0;

	while (pos < len && (nl = memchr(h + pos, '\n', len - pos))) {
		if (nl == h + pos || (nl == h + pos + 1 && h[pos] == '\r'))
			return pos;
		pos = (size_t)(nl - h) + 1;
	}
	return len;
}

/* Counts n more bytes read into b's spare room (buf_grow made it). */
static void maildir_buf_extend(struct buf *b, size_t n)
{
	b->len += n;
	b->data[b->len] = '\0';
}

/*
 * Reads the header block of the file at `path` into `out`, without the
 * empty line that ends it.  Returns 0, 1 when the file is gone (ENOENT), or
 * a negative code with the message set.
 */
static int maildir_read_header(struct buf *out, const char *path)
{
	char reason[128];
	ssize_t n;
	int fd, error = 0;

	buf_reset(out);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 1;
		return error_set(MD_ERR_INPUT, "cannot read '%s': %s", path,
				 archive_strerror(errno, reason, sizeof(reason)));
	}
	while (out->len < MAILDIR_HEADER_MAX) {
		buf_grow(out, MAILDIR_HEADER_STEP);
		n = read(fd, out->data + out->len, MAILDIR_HEADER_STEP);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", path,
					  archive_strerror(errno, reason, sizeof(reason)));
			goto cleanup;
		}
		if (n == 0)
			break;
		maildir_buf_extend(out, (size_t)n);
		if (maildir_header_end(out->data, out->len) < out->len)
			break;
	}
	buf_setlen(out, maildir_header_end(out->data, out->len));
cleanup:
	close(fd);
	return error;
}

/* Lists the regular files of `sub` ("cur" or "new"), with their dates. */
static int maildir_list(struct archive *a, const char *sub, int required)
{
	struct archive_maildir *md = a->impl;
	struct maildir_entry *e;
	struct dirent *de;
	struct stat st;
	const char *value;
	size_t value_len, dir_len;
	char reason[128];
	DIR *dir = NULL;
	int error = 0;

	buf_reset(&md->file);
	buf_addf(&md->file, "%s/%s", a->path, sub);
	dir_len = md->file.len;
	if (!(dir = opendir(md->file.data))) {
		if (errno == ENOENT && !required)
			return 0;
		return error_set(MD_ERR_INPUT, "cannot read '%s': %s", md->file.data,
				 archive_strerror(errno, reason, sizeof(reason)));
	}
	for (;;) {
		errno = 0;
		if (!(de = readdir(dir))) {
			if (errno) {
				error =
				    error_set(MD_ERR_INPUT, "cannot read '%s/%s': %s", a->path, sub,
					      archive_strerror(errno, reason, sizeof(reason)));
				goto cleanup;
			}
			break;
		}
		if (de->d_name[0] == '.')
			continue;
		buf_setlen(&md->file, dir_len);
		buf_addf(&md->file, "/%s", de->d_name);
		if (stat(md->file.data, &st) < 0) {
			if (errno == ENOENT)
				continue; /* gone since readdir(), or a dangling link */
			error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", md->file.data,
					  archive_strerror(errno, reason, sizeof(reason)));
			goto cleanup;
		}
		if (!S_ISREG(st.st_mode))
			continue;
		if ((error = maildir_read_header(&md->head, md->file.data)) < 0)
			goto cleanup;
		if (error > 0) {
			error = 0;
			continue;
		}
		if (md->nr == md->alloc) {
			md->alloc = md->alloc ? md->alloc * 2 : 256;
			md->entries = xrealloc(md->entries, md->alloc * sizeof(*md->entries));
		}
		e = &md->entries[md->nr++];
		e->name = xstrdup(md->file.data + strlen(a->path) + 1);
		e->dated =
		    archive_header_find(md->head.data, md->head.len, "Date", &value, &value_len) &&
		    date_parse_rfc5322(value, value_len, &e->date) == 0;
		if (!e->dated)
			e->date = 0;
	}
cleanup:
	closedir(dir);
	return error;
}

/* Undated first, then by date, then by base name, then by directory. */
static int maildir_entry_cmp(const void *pa, const void *pb)
{
	const struct maildir_entry *x = pa, *y = pb;
	int cmp;

	if (x->dated != y->dated)
		return x->dated ? 1 : -1;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	/* "cur/" and "new/" are both four bytes long. */
	if ((cmp = strcmp(x->name + 4, y->name + 4)) != 0)
		return cmp;
	return strcmp(x->name, y->name);
}

static void archive_maildir_release(struct archive *a)
{
	struct archive_maildir *md = a->impl;
	size_t i;

	if (!md)
		return;
	for (i = 0; i < md->nr; i++)
		free(md->entries[i].name);
	free(md->entries);
	buf_release(&md->file);
	buf_release(&md->msg);
	buf_release(&md->head);
	free(md);
	a->impl = NULL;
}

static int archive_maildir_open(struct archive *a)
{
	struct archive_maildir *md;
	struct stat st;
	int error;

	md = xcalloc(1, sizeof(*md));
	buf_init(&md->file);
	buf_init(&md->msg);
	buf_init(&md->head);
	a->impl = md;

	buf_addf(&md->file, "%s/cur", a->path);
	if (stat(md->file.data, &st) < 0 || !S_ISDIR(st.st_mode))
		return error_set(MD_ERR_INPUT,
				 "cannot read '%s': not a Maildir (no cur/ directory)", a->path);
	if ((error = maildir_list(a, "cur", 1)) < 0 || (error = maildir_list(a, "new", 0)) < 0)
		return error;
	if (md->nr > 1)
		qsort(md->entries, md->nr, sizeof(*md->entries), maildir_entry_cmp);
	return 0;
}

static int archive_maildir_set_window(struct archive *a, const char *from, const char *to)
{
	struct archive_maildir *md = a->impl;

	if (from || to)
		return error_set(
		    MD_ERR_INPUT,
		    "'%s' is a Maildir: windows are by date (--since, --until), not by "
		    "revision",
		    a->path);
	md->pos = 0;
	a->window_size = md->nr;
	return 0;
}

/*
 * Reads the file `path` whole into `out`.  Returns 0, 1 when it is gone,
 * 2 when it is larger than archive_maildir_message_max, or a negative code.
 */
static int maildir_read_file(struct buf *out, const char *path)
{
	char reason[128];
	struct stat st;
	ssize_t n;
	int fd, error = 0;

	buf_reset(out);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 1;
		return error_set(MD_ERR_INPUT, "cannot read '%s': %s", path,
				 archive_strerror(errno, reason, sizeof(reason)));
	}
	if (fstat(fd, &st) < 0)
		goto fail;
	if ((uint64_t)st.st_size > archive_maildir_message_max) {
		error = 2;
		goto cleanup;
	}
	buf_grow(out, (size_t)st.st_size + 1);
	for (;;) {
		if (out->len > archive_maildir_message_max) {
			error = 2; /* it grew since fstat() */
			goto cleanup;
		}
		if (out->alloc - out->len < 2)
			buf_grow(out, MAILDIR_HEADER_STEP);
		n = read(fd, out->data + out->len, out->alloc - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		maildir_buf_extend(out, (size_t)n);
	}
	goto cleanup;
fail:
	error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", path,
			  archive_strerror(errno, reason, sizeof(reason)));
cleanup:
	close(fd);
	return error;
}

static int archive_maildir_next(struct archive *a, struct archive_message *out)
{
	struct archive_maildir *md = a->impl;
	const struct maildir_entry *e;
	int error;

	while (md->pos < md->nr) {
		e = &md->entries[md->pos++];
		buf_reset(&md->file);
		buf_addf(&md->file, "%s/%s", a->path, e->name);
		if ((error = maildir_read_file(&md->msg, md->file.data)) < 0)
			return error;
		if (error == 1) {
			warning("skipping message %zu of '%s': '%s' is gone (renamed by a mail "
				"client?)",
				md->pos, a->path, e->name);
			continue;
		}
		if (error == 2) {
			warning("skipping message %zu of '%s': '%s' is larger than %zu KiB",
				md->pos, a->path, e->name, archive_maildir_message_max >> 10);
			continue;
		}
		out->raw = md->msg.data;
		out->len = md->msg.len;
		out->id[0] = '\0';
		out->time = 0;
		out->position = (unsigned long)md->pos;
		return 1;
	}
	return 0;
}

static int archive_maildir_root_id(struct archive *a, char out[41])
{
	struct archive_maildir *md = a->impl;
	int error;

	if (md->nr == 0)
		return error_set(MD_ERR_INPUT, "cannot read '%s': no messages", a->path);
	/* Its own buffers: the current message stays as it is. */
	buf_reset(&md->file);
	buf_addf(&md->file, "%s/%s", a->path, md->entries[0].name);
	if ((error = maildir_read_header(&md->head, md->file.data)) < 0)
		return error;
	if (error > 0)
		return error_set(MD_ERR_INPUT, "cannot read '%s': it is gone", md->file.data);
	archive_message_identity(out, "maildir", md->head.data, md->head.len);
	return 0;
}

const struct archive_ops archive_maildir_ops = {
    .kind = "maildir",
    .has_revisions = 0,
    .open = archive_maildir_open,
    .set_window = archive_maildir_set_window,
    .root_id = archive_maildir_root_id,
    .next = archive_maildir_next,
    .release = archive_maildir_release,
};
