/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mbox files, mboxrd or mboxo, plain or gzip-compressed, read as a stream:
 * only the current message and the next chunk of the file are held.
 *
 * The file goes through zlib (gzdopen/gzread), which tells gzip data from
 * plain text by its magic bytes (1f 8b), not by the file's name, and reads
 * plain files as they are.  The messages are read into one buffer: after a
 * message is handed on, the buffer keeps the bytes read past it, and the
 * next archive_next() searches on from there, reading MBOX_CHUNK more at a
 * time, moving what is left to the front of the buffer first.
 *
 * Where a message starts (what mutt and mblaze accept, less their guesses):
 *  - The file starts with a "From " line, after blank lines if any.  Any
 *    other first line is an error: "not an mbox".  An empty file (or one
 *    of blank lines only) is an mbox of no messages, as a mail client sees
 *    a new mailbox; the run then finds nothing to digest.
 *  - After that, a line is a separator when it starts with "From ", follows
 *    an empty line ("\n" or "\r\n", so CRLF files work), and looks like a
 *    From_ line: among the words after "From " are a month name ("Jan"), a
 *    time ("00:00" or "00:00:00") and a four-digit year, as in asctime()'s
 *    "From mboxrd@z Thu Jan  1 00:00:00 1970" and git format-patch's
 *    "From 1a2b... Mon Sep 17 00:00:00 2001".  Other "From " lines, after a
 *    blank line or not, are text ("From what I can see, ..."): mboxo does
 *    not escape them, and this keeps most of them whole.
 *  - The separator line is not part of either message; the empty line
 *    before it is the writer's and is dropped too (public-inbox's mboxrd
 *    writer ends each message with a newline and adds one blank line), as is
 *    one blank line at the end of the file.  A message without a final
 *    newline at the end of the file is handed on as it is.
 *  - Lines matching ^>+From  lose one '>'.  That undoes mboxrd's escaping
 *    exactly.  An mboxo file cannot be told from mboxrd: its writer turned
 *    "From " into ">From " but left ">From " alone, so the same rule gives
 *    back its "From " lines and also takes one '>' from lines that were
 *    ">From " in the original (rare: a quoted line that started "From ").
 *
 * A message larger than archive_mbox_message_max (64 MiB) is skipped with
 * a warning naming its place in the file, and is not held: its bytes are
 * dropped as they are searched.  The next message keeps its place number.
 *
 * Damaged gzip data is an error, met when the reader gets there: the
 * messages before the damage are handed on first (the run fails then, and
 * changes nothing).
 *
 * An mbox has no revisions: only the whole file is a window; its size is 0
 * (unknown) as counting the messages would mean reading the file twice.
 * Positions are 1-based places in the file; messages have no id and no time.
 *
 * The archive's identity (root_id) is "mbox:" and 16 hex digits of a 64-bit
 * FNV-1a hash of the first message's Message-ID (without the angle
 * brackets), or of its whole header block when it has none: it survives
 * moving or renaming the file, gzipping it, and appending to it (but not
 * deleting its first message).  It is taken at open from the first header
 * block, which the stream has to read anyway, so it works on pipes too.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* strncasecmp() under -std=c11; meson defines it too */
#endif

#include "archive/archive-internal.h"
#include "util/buf.h"
#include "util/error.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Read at least this much at a time; zlib's own buffer is as large. */
#define MBOX_CHUNK ((size_t)256 << 10)
/* And at most this much. */
#define MBOX_READ_MAX ((size_t)4 << 20)
/* The first message's header block, as far as the identity looks. */
#define MBOX_HEADER_MAX ((size_t)64 << 10)
/* A longer line is not a From_ line (a separator). */
#define MBOX_FROM_LINE_MAX 1024

/*
 * The largest message handed on; larger ones are skipped.  Not static:
 * tests lower it (not below MBOX_HEADER_MAX) to exercise the skipping
 * without writing 64 MiB.
 */
size_t archive_mbox_message_max = (size_t)64 << 20;

struct archive_mbox {
	const char *path; /* the archive's, for messages */
	gzFile gz;
	/* buf[start..len): the current message and what was read past it */
	char *buf;
	size_t len;
	size_t alloc;
	size_t start;		/* the current message's first byte */
	size_t scan;		/* the search for its end goes on here */
	int eof;		/* gzread() has nothing more */
	int at_end;		/* no message is left */
	int skipping;		/* the current message is too large: dropped as read */
	int started;		/* archive_next() was called: set_window rewinds */
	unsigned long position; /* messages handed on or skipped */
	char identity[41];	/* root_id; "" for an empty file */
};

/*
 * The first `needle` (nlen > 0 bytes) in h[0..len), or NULL: memmem(), which
 * C11 and POSIX 2008 lack.
 */
static const char *mbox_search(const char *h, size_t len, const char *needle, size_t nlen)
{
	const char *p = h, *end = h + len;

	while ((size_t)(end - p) >= nlen &&
	       (p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1))) {
		if (!memcmp(p + 1, needle + 1, nlen - 1))
			return p;
		p++;
	}
	return NULL;
}

/*
 * Reads more of the file onto the end of the buffer, first dropping what is
 * before the current message (or, when it is being skipped, all of it but
 * the two bytes before `scan`, which tell whether a blank line ends there).
 * At the end of the file sets `eof`; damaged gzip data is an error.
 */
static int mbox_fill(struct archive_mbox *m)
{
	size_t keep, room, want;
	const char *why;
	char reason[128];
	int n, errnum;

	if (!m->skipping && m->len - m->start > archive_mbox_message_max)
		m->skipping = 1;
	keep = m->start;
	if (m->skipping && m->scan >= m->start + 2)
		keep = m->scan - 2;
	if (keep > 0) {
		memmove(m->buf, m->buf + keep, m->len - keep);
		m->len -= keep;
		m->scan -= keep;
		m->start = 0;
	}
	if (m->alloc - m->len < MBOX_CHUNK) {
		want = m->alloc + m->alloc / 2;
		if (want < m->len + MBOX_CHUNK)
			want = m->len + MBOX_CHUNK;
		m->buf = xrealloc(m->buf, want);
		m->alloc = want;
	}
	room = m->alloc - m->len;
	if (room > MBOX_READ_MAX)
		room = MBOX_READ_MAX;

	n = gzread(m->gz, m->buf + m->len, (unsigned)room);
	if (n > 0) {
		m->len += (size_t)n;
		return 0;
	}
	why = gzerror(m->gz, &errnum);
	if (n == 0 && errnum == Z_OK) {
		m->eof = 1;
		return 0;
	}
	if (errnum == Z_ERRNO)
		return error_set(MD_ERR_INPUT, "cannot read '%s': %s", m->path,
				 archive_strerror(errno, reason, sizeof(reason)));
	if (errnum == Z_MEM_ERROR)
		return error_set(MD_ERR_NOMEM, "cannot read '%s': out of memory", m->path);
	if (errnum == Z_BUF_ERROR)
		return error_set(MD_ERR_INPUT,
				 "cannot read '%s': truncated gzip data in message %lu", m->path,
				 m->position + 1);
	return error_set(MD_ERR_INPUT, "cannot read '%s': corrupt gzip data in message %lu (%s)",
			 m->path, m->position + 1, why && *why ? why : "unknown error");
}

/* A word of three letters that names a month ("Jan", any case). */
static int mbox_is_month(const char *w, size_t len)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	char lower[3];
	size_t i;

	if (len != 3)
		return 0;
	for (i = 0; i < 3; i++)
		lower[i] = (char)((w[i] >= 'A' && w[i] <= 'Z') ? w[i] - 'A' + 'a' : w[i]);
	for (i = 0; i < sizeof(months) - 1; i += 3)
		if (!memcmp(months + i, lower, 3))
			return 1;
	return 0;
}

/* "0:00", "00:00" or "00:00:00". */
static int mbox_is_time(const char *w, size_t len)
{
	static const char *const shapes[] = {"d:dd", "dd:dd", "d:dd:dd", "dd:dd:dd"};
	size_t i, j;

	for (i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		if (strlen(shapes[i]) != len)
			continue;
		for (j = 0; j < len; j++)
			if (shapes[i][j] == 'd' ? !(w[j] >= '0' && w[j] <= '9') : w[j] != ':')
				break;
		if (j == len)
			return 1;
	}
	return 0;
}

static int mbox_is_year(const char *w, size_t len)
{
	size_t i;

	if (len != 4)
		return 0;
	for (i = 0; i < len; i++)
		if (!(w[i] >= '0' && w[i] <= '9'))
			return 0;
	return 1;
}

/*
 * Whether s[0..len) (a line that starts "From ", without its "\n") looks
 * like a From_ line: a month name, a time and a year among its words.
 */
static int mbox_is_from_line(const char *s, size_t len)
{
	int has_month = 0, has_time = 0, has_year = 0;
	size_t i = 5, w;

	if (len > 0 && s[len - 1] == '\r')
		len--;
	while (i < len) {
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
			i++;
		w = i;
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != ',')
			i++;
		has_month |= mbox_is_month(s + w, i - w);
		has_time |= mbox_is_time(s + w, i - w);
		has_year |= mbox_is_year(s + w, i - w);
	}
	return has_month && has_time && has_year;
}

/*
 * Whether the line ending with the '\n' at buf[q] is empty ("\n" or
 * "\r\n").  Bytes before `start` belong to another message, unless the
 * current one is being skipped (then start is not where it begins).
 */
static int mbox_blank_before(const struct archive_mbox *m, size_t q)
{
	const char *b = m->buf;
	int at_start = !m->skipping;

	if (q == m->start)
		return at_start;
	if (b[q - 1] == '\n')
		return 1;
	if (b[q - 1] != '\r')
		return 0;
	if (q - 1 == m->start)
		return at_start;
	return b[q - 2] == '\n';
}

/*
 * Finds the end of the current message: *end is its end in the buffer
 * (the separator's "From ", or the end of the file), *next where the next
 * message starts (after the separator's line).  Sets at_end at the end of
 * the file.
 */
static int mbox_find_end(struct archive_mbox *m, size_t *end, size_t *next)
{
	const char *p, *nl;
	size_t q, s, line;
	int error;

	for (;;) {
		p = m->scan < m->len ? mbox_search(m->buf + m->scan, m->len - m->scan, "\nFrom ", 6)
				     : NULL;
		if (!p) {
			if (m->len >= m->start + 5 && m->scan < m->len - 5)
				m->scan = m->len - 5; /* "\nFrom" may go on in the next chunk */
			if (m->eof) {
				*end = *next = m->len;
				m->at_end = 1;
				return 0;
			}
			if ((error = mbox_fill(m)) < 0)
				return error;
			continue;
		}
		q = (size_t)(p - m->buf);
		if (!mbox_blank_before(m, q)) {
			m->scan = q + 1;
			continue;
		}
		s = q + 1;
		line = m->len - s < MBOX_FROM_LINE_MAX + 1 ? m->len - s : MBOX_FROM_LINE_MAX + 1;
		nl = memchr(m->buf + s, '\n', line);
		if (!nl && !m->eof && m->len - s <= MBOX_FROM_LINE_MAX) {
			m->scan = q; /* the whole line first */
			if ((error = mbox_fill(m)) < 0)
				return error;
			continue;
		}
		line = nl ? (size_t)(nl - m->buf) - s : m->len - s;
		if (line <= MBOX_FROM_LINE_MAX && mbox_is_from_line(m->buf + s, line)) {
			*end = s;
			*next = nl ? (size_t)(nl - m->buf) + 1 : m->len;
			return 0;
		}
		m->scan = q + 1;
	}
}

/* Drops one blank line ("\n" or "\r\n") from the end of msg[0..len). */
static size_t mbox_trim(const char *msg, size_t len)
{
	if (len == 0 || msg[len - 1] != '\n')
		return len;
	if (len == 1 || msg[len - 2] == '\n')
		return len - 1;
	if (msg[len - 2] == '\r' && (len == 2 || msg[len - 3] == '\n'))
		return len - 2;
	return len;
}

/* Takes one '>' off each line of msg[0..len) that matches ^>+From ; returns the new length. */
static size_t mbox_unescape(char *msg, size_t len)
{
	size_t r = 0, w = 0, from = 0, q, ls;
	const char *p;

	while (from < len && (p = mbox_search(msg + from, len - from, ">From ", 6)) != NULL) {
		q = (size_t)(p - msg);
		ls = q;
		while (ls > 0 && msg[ls - 1] == '>')
			ls--;
		if (ls == 0 || msg[ls - 1] == '\n') {
			memmove(msg + w, msg + r, ls - r);
			w += ls - r;
			r = ls + 1;
		}
		from = q + 6;
	}
	memmove(msg + w, msg + r, len - r);
	return w + len - r;
}

/*
 * Reads the beginning of the file: blank lines, the first From_ line, and
 * the first message's header block, for the identity.  After it, `start`
 * is the first message's first byte.
 */
static int mbox_begin(struct archive *a)
{
	struct archive_mbox *m = a->impl;
	const char *nl, *blank;
	size_t pos;
	int error;

	m->len = m->start = m->scan = 0;
	m->eof = m->at_end = m->skipping = m->started = 0;
	m->position = 0;
	m->identity[0] = '\0';

	for (;;) {
		pos = m->start;
		while (pos < m->len &&
		       (m->buf[pos] == '\n' ||
			(m->buf[pos] == '\r' && pos + 1 < m->len && m->buf[pos + 1] == '\n')))
			pos += m->buf[pos] == '\r' ? 2 : 1;
		m->start = m->scan = pos;
		if (m->len - pos >= 5 || m->eof)
			break;
		if ((error = mbox_fill(m)) < 0)
			return error;
	}
	if (m->len == m->start) {
		m->at_end = 1; /* empty, or blank lines only: no messages */
		return 0;
	}
	if (m->len - m->start < 5 || memcmp(m->buf + m->start, "From ", 5))
		return error_set(MD_ERR_INPUT,
				 "cannot read '%s': not an mbox (no \"From \" line at the start)",
				 a->path);

	while (!(nl = memchr(m->buf + m->start, '\n', m->len - m->start)) && !m->eof) {
		if (m->len - m->start > MBOX_HEADER_MAX)
			return error_set(
			    MD_ERR_INPUT,
			    "cannot read '%s': not an mbox (no \"From \" line at the start)",
			    a->path);
		if ((error = mbox_fill(m)) < 0)
			return error;
	}
	m->start = m->scan = nl ? (size_t)(nl - m->buf) + 1 : m->len;

	/* The header block: up to the first blank line. */
	for (;;) {
		if (m->len > m->start && m->buf[m->start] == '\n') {
			blank = m->buf + m->start;
			break;
		}
		blank = mbox_search(m->buf + m->start, m->len - m->start, "\n\n", 2);
		if (!blank)
			blank = mbox_search(m->buf + m->start, m->len - m->start, "\n\r\n", 3);
		if (blank || m->eof || m->len - m->start >= MBOX_HEADER_MAX)
			break;
		if ((error = mbox_fill(m)) < 0)
			return error;
	}
	pos = blank ? (size_t)(blank - m->buf) + 1 : m->len;
	if (pos - m->start > MBOX_HEADER_MAX)
		pos = m->start + MBOX_HEADER_MAX;
	archive_message_identity(m->identity, "mbox", m->buf + m->start, pos - m->start);
	return 0;
}

static int archive_mbox_open(struct archive *a)
{
	struct archive_mbox *m;
	struct stat st;
	char reason[128];
	int fd, error;

	m = xcalloc(1, sizeof(*m));
	m->path = a->path;
	a->impl = m;

	if ((fd = open(a->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", a->path,
				  archive_strerror(errno, reason, sizeof(reason)));
		goto cleanup;
	}
	if (S_ISDIR(st.st_mode)) {
		error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", a->path,
				  archive_strerror(EISDIR, reason, sizeof(reason)));
		goto cleanup;
	}
	if (!(m->gz = gzdopen(fd, "rb"))) {
		error = error_set(MD_ERR_NOMEM, "cannot read '%s': out of memory", a->path);
		goto cleanup;
	}
	fd = -1; /* the stream's now: gzclose_r() closes it */
	gzbuffer(m->gz, (unsigned)MBOX_CHUNK);
	error = mbox_begin(a);
cleanup:
	if (fd >= 0)
		close(fd);
	return error;
}

static void archive_mbox_release(struct archive *a)
{
	struct archive_mbox *m = a->impl;

	if (!m)
		return;
	if (m->gz)
		gzclose_r(m->gz);
	free(m->buf);
	free(m);
	a->impl = NULL;
}

static int archive_mbox_set_window(struct archive *a, const char *from, const char *to)
{
	struct archive_mbox *m = a->impl;
	int error;

	if (from || to)
		return error_set(MD_ERR_INPUT,
				 "'%s' is an mbox: windows are by date (--since, --until), not by "
				 "revision",
				 a->path);
	if (m->started) {
		/* Read from the start again (not on a pipe). */
		if (gzrewind(m->gz) < 0)
			return error_set(MD_ERR_INPUT,
					 "cannot read '%s' again: it cannot be rewound (a pipe?)",
					 a->path);
		if ((error = mbox_begin(a)) < 0)
			return error;
	}
	a->window_size = 0; /* unknown: counting would read the file twice */
	return 0;
}

static int archive_mbox_next(struct archive *a, struct archive_message *out)
{
	struct archive_mbox *m = a->impl;
	size_t end, next, len;
	int error;

	m->started = 1;
	while (!m->at_end) {
		if ((error = mbox_find_end(m, &end, &next)) < 0)
			return error;
		m->position++;
		if (m->skipping || end - m->start > archive_mbox_message_max) {
			warning("skipping message %lu of '%s': larger than %zu KiB", m->position,
				a->path, archive_mbox_message_max >> 10);
			m->start = m->scan = next;
			m->skipping = 0;
			continue;
		}
		len = mbox_trim(m->buf + m->start, end - m->start);
		len = mbox_unescape(m->buf + m->start, len);
		out->raw = m->buf + m->start;
		out->len = len;
		out->id[0] = '\0';
		out->time = 0;
		out->position = m->position;
		m->start = m->scan = next; /* the buffer before it is kept until the next fill */
		return 1;
	}
	return 0;
}

static int archive_mbox_root_id(struct archive *a, char out[41])
{
	struct archive_mbox *m = a->impl;

	if (!m->identity[0])
		return error_set(MD_ERR_INPUT, "cannot read '%s': no messages", a->path);
	memcpy(out, m->identity, sizeof(m->identity));
	return 0;
}

const struct archive_ops archive_mbox_ops = {
    .kind = "mbox",
    .has_revisions = 0,
    .open = archive_mbox_open,
    .set_window = archive_mbox_set_window,
    .root_id = archive_mbox_root_id,
    .next = archive_mbox_next,
    .release = archive_mbox_release,
};
