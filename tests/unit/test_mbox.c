/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The mbox reader (src/archive/mbox.c), on files this test writes in a
 * temporary directory: the splitter's table (separators, mboxrd escapes,
 * CRLF, the ends of the file), gzip (whole, truncated, corrupt), messages
 * larger than the reader's chunk and than its limit, errors, the identity,
 * and the seed window's mbox (tests/data/seed-window/seed-window.mbox),
 * compared with its git archive when git can clone the bundle.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw under -std=c11 */
#endif

#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "archive/archive.h"
#include "util/buf.h"
#include "util/error.h"
#include "tmpdir.h"

/* mbox.c's limit on a message, lowered here (not declared in a header). */
extern size_t archive_mbox_message_max;

#define FROM_LINE "From mboxrd@z Thu Jan  1 00:00:00 1970\n"
#define FROM_CRLF "From mboxrd@z Thu Jan  1 00:00:00 1970\r\n"

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void write_gzip(const char *path, const char *data, size_t len)
{
	gzFile gz = gzopen(path, "wb");

	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
	assert_int_equal(gzclose(gz), Z_OK);
}

/* The messages read from an archive, copied. */
struct read_result {
	struct buf *msgs;
	unsigned long *positions;
	size_t nr;
	int error;	   /* 0, or the code archive_open/set_window/next returned */
	char message[512]; /* the error's message */
};

static void read_result_release(struct read_result *r)
{
	size_t i;

	for (i = 0; i < r->nr; i++)
		buf_release(&r->msgs[i]);
	free(r->msgs);
	free(r->positions);
	memset(r, 0, sizeof(*r));
}

/* Reads the whole archive at `path` as `kind` into *r (errors recorded, not failed). */
static void read_all(struct read_result *r, const char *path, const char *kind)
{
	struct archive_message m;
	struct archive *a = NULL;
	int error;

	memset(r, 0, sizeof(*r));
	error_clear();
	if ((error = archive_open_as(&a, path, kind)) < 0 ||
	    (error = archive_set_window(a, NULL, NULL)) < 0)
		goto cleanup;
	while ((error = archive_next(a, &m)) > 0) {
		r->msgs = realloc(r->msgs, (r->nr + 1) * sizeof(*r->msgs));
		r->positions = realloc(r->positions, (r->nr + 1) * sizeof(*r->positions));
		assert_non_null(r->msgs);
		assert_non_null(r->positions);
		buf_init(&r->msgs[r->nr]);
		buf_add(&r->msgs[r->nr], m.raw, m.len);
		r->positions[r->nr] = m.position;
		if (!kind || strcmp(kind, "git")) {
			assert_string_equal(m.id, ""); /* an mbox has no commits */
			assert_true(m.time == 0);
		}
		r->nr++;
	}
cleanup:
	r->error = error;
	snprintf(r->message, sizeof(r->message), "%s", error < 0 ? error_message() : "");
	archive_free(a);
}

/*
 * The splitter: an mbox's bytes and the messages it holds (NULL-ended), or
 * the error opening it gives.
 */
static const struct {
	const char *name;
	const char *in;
	const char *want[5];
	const char *error; /* what the message says after "cannot read '<path>': " */
	const char *why;
} split_cases[] = {
    {"two",
     FROM_LINE "Subject: 1\n\nbody 1\n\n" FROM_LINE "Subject: 2\n\nbody 2\n\n",
     {"Subject: 1\n\nbody 1\n", "Subject: 2\n\nbody 2\n"},
     NULL,
     "public-inbox's mboxrd: the separator line and the blank line before it are the "
     "writer's, as is the last blank line"},
    {"mboxrd-escapes",
     FROM_LINE "Subject: 1\n\n>From the start\n>>From quoted\n>>>From deep\n> From spaced\n"
	       ">Fromage\nx>From inside\n\n",
     {"Subject: 1\n\nFrom the start\n>From quoted\n>>From deep\n> From spaced\n>Fromage\n"
      "x>From inside\n"},
     NULL,
     "mboxrd unescaping takes one '>' from ^>+From  lines and nothing else"},
    {"mboxo",
     FROM_LINE "Subject: 1\n\n>From an escaped line\n>From a line that had its '>'\n",
     {"Subject: 1\n\nFrom an escaped line\nFrom a line that had its '>'\n"},
     NULL,
     "mboxo cannot be told from mboxrd: its \">From \" lines are unescaped too, those "
     "that were \">From \" to begin with included (the known ambiguity)"},
    {"escaped-first-line",
     FROM_LINE ">From x\n\nbody\n",
     {"From x\n\nbody\n"},
     NULL,
     "an escaped line at the very start of a message is unescaped too"},
    {"from-not-after-blank",
     FROM_LINE "Subject: 1\n\ntext\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\nmore\n",
     {"Subject: 1\n\ntext\nFrom mboxrd@z Thu Jan  1 00:00:00 1970\nmore\n"},
     NULL,
     "a From_ line that does not follow a blank line is text (mboxo leaves them)"},
    {"from-prose-after-blank",
     FROM_LINE "Subject: 1\n\nhello\n\nFrom what I can see, it works.\n",
     {"Subject: 1\n\nhello\n\nFrom what I can see, it works.\n"},
     NULL,
     "after a blank line, a \"From \" line without a date is text, not a separator"},
    {"format-patch",
     "From 1a2b3c4d5e6f Mon Sep 17 00:00:00 2001\nFrom: A <a@x>\nSubject: [PATCH 1/2] a\n\n"
     "a\n\nFrom 9f8e7d6c5b4a Mon Sep 17 00:00:00 2001\nFrom: A <a@x>\nSubject: [PATCH 2/2] "
     "b\n\nb\n",
     {"From: A <a@x>\nSubject: [PATCH 1/2] a\n\na\n",
      "From: A <a@x>\nSubject: [PATCH 2/2] b\n\nb\n"},
     NULL,
     "git format-patch's separators (a commit id for a sender)"},
    {"other-from-lines",
     "From MAILER-DAEMON Fri Jul  8 12:08:34 2011\nS: 1\n\n1\n\nFrom - Mon Jan 01 00:00:00 "
     "2001\nS: 2\n\n2\n\nFrom a@b Tue, 27 Jan 2026 07:00 +0000\nS: 3\n\n3\n",
     {"S: 1\n\n1\n", "S: 2\n\n2\n", "S: 3\n\n3\n"},
     NULL,
     "From_ lines of other writers: mutt, Thunderbird, an RFC 5322 date"},
    {"crlf",
     FROM_CRLF "Subject: 1\r\n\r\nbody\r\n>From x\r\n\r\n" FROM_CRLF "Subject: 2\r\n\r\nb2\r\n",
     {"Subject: 1\r\n\r\nbody\r\nFrom x\r\n", "Subject: 2\r\n\r\nb2\r\n"},
     NULL,
     "CRLF files: separators after \"\\r\\n\" blank lines, CRs kept, escapes undone"},
    {"no-final-newline",
     FROM_LINE "Subject: 1\n\n1\n\n" FROM_LINE "Subject: 2\n\nlast line",
     {"Subject: 1\n\n1\n", "Subject: 2\n\nlast line"},
     NULL,
     "a last message without a newline at the end of the file"},
    {"one-no-blank-at-end",
     FROM_LINE "Subject: 1\n\nbody\n",
     {"Subject: 1\n\nbody\n"},
     NULL,
     "a file that does not end with a blank line keeps the message's last newline"},
    {"extra-blank-lines",
     FROM_LINE "Subject: 1\n\nbody\n\n\n\n" FROM_LINE "Subject: 2\n\n2\n",
     {"Subject: 1\n\nbody\n\n\n", "Subject: 2\n\n2\n"},
     NULL,
     "only one blank line is the writer's: more are the message's"},
    {"empty-body",
     FROM_LINE "Subject: 1\n\n" FROM_LINE "Subject: 2\n\n2\n",
     {"Subject: 1\n", "Subject: 2\n\n2\n"},
     NULL,
     "the blank line that ends a header block can be the one before a separator"},
    {"leading-blank-lines",
     "\n\r\n\n" FROM_LINE "Subject: 1\n\n1\n",
     {"Subject: 1\n\n1\n"},
     NULL,
     "blank lines before the first From_ line are skipped"},
    {"separator-at-eof",
     FROM_LINE "Subject: 1\n\n1\n\nFrom a Thu Jan  1 00:00:00 1970",
     {"Subject: 1\n\n1\n", ""},
     NULL,
     "a From_ line without a newline ends the file: an empty last message"},
    {"empty", "", {NULL}, NULL, "an empty file is an mbox of no messages"},
    {"blank-only", "\n\n\r\n", {NULL}, NULL, "as is one of blank lines only"},
    {"not-mbox",
     "Subject: 1\n\nbody\n",
     {NULL},
     "not an mbox (no \"From \" line at the start)",
     "a file that does not start with a From_ line"},
    {"eml",
     "From: A <a@x>\nSubject: 1\n\nbody\n",
     {NULL},
     "not an mbox (no \"From \" line at the start)",
     "a single message (\"From:\" is a header, not a separator)"},
    {"late-from",
     "garbage\n\n" FROM_LINE "Subject: 1\n\n1\n",
     {NULL},
     "not an mbox (no \"From \" line at the start)",
     "a From_ line later in the file does not make it an mbox"},
    {"short",
     "Fro",
     {NULL},
     "not an mbox (no \"From \" line at the start)",
     "shorter than \"From \""},
};

static void test_split(void **state)
{
	struct read_result r;
	char want_error[1024];
	size_t i, n;
	const char *path;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(split_cases); i++) {
		path = tmp_path(split_cases[i].name);
		write_file(path, split_cases[i].in, strlen(split_cases[i].in));
		read_all(&r, path, "mbox");
		if (split_cases[i].error) {
			snprintf(want_error, sizeof(want_error), "cannot read '%s': %s", path,
				 split_cases[i].error);
			if (r.error != MD_ERR_INPUT || strcmp(r.message, want_error))
				fail_msg("%s (%s): got %d '%s', want '%s'", split_cases[i].name,
					 split_cases[i].why, r.error, r.message, want_error);
			read_result_release(&r);
			continue;
		}
		if (r.error != 0)
			fail_msg("%s (%s): %s", split_cases[i].name, split_cases[i].why, r.message);
		for (n = 0; split_cases[i].want[n]; n++) {
			if (n >= r.nr)
				fail_msg("%s (%s): %zu messages, want more", split_cases[i].name,
					 split_cases[i].why, r.nr);
			if (strcmp(r.msgs[n].data, split_cases[i].want[n]) ||
			    r.msgs[n].len != strlen(split_cases[i].want[n]))
				fail_msg("%s (%s): message %zu is\n[%s]\nwant\n[%s]",
					 split_cases[i].name, split_cases[i].why, n + 1,
					 r.msgs[n].data, split_cases[i].want[n]);
			assert_int_equal(r.positions[n], n + 1);
		}
		if (r.nr != n)
			fail_msg("%s (%s): %zu messages, want %zu", split_cases[i].name,
				 split_cases[i].why, r.nr, n);
		read_result_release(&r);
	}
}

/*
 * Many messages of many sizes: the separators fall at every offset of the
 * reader's chunks, "\nFrom " across two reads included.  Returns the file's
 * bytes in `file` and the messages in want[0..count).
 */
static void many_messages(struct buf *file, struct buf *want, size_t count)
{
	size_t i, j;

	for (i = 0; i < count; i++) {
		buf_init(&want[i]);
		buf_addf(&want[i], "Message-ID: <m%zu@example.org>\nSubject: %zu\n\n", i, i);
		for (j = 0; j < (i * 7919) % 97; j++)
			buf_addf(&want[i], "line %zu of message %zu, padding to vary the size\n", j,
				 i);
		if (i % 5 == 0)
			buf_addstr(&want[i], "From the body, unescaped\n");
		buf_addstr(file, FROM_LINE);
		/* mboxrd's escaping: the reader must undo it. */
		if (i % 5 == 0) {
			buf_add(file, want[i].data,
				want[i].len - strlen("From the body, unescaped\n"));
			buf_addstr(file, ">From the body, unescaped\n");
		} else {
			buf_add(file, want[i].data, want[i].len);
		}
		buf_addch(file, '\n');
	}
}

/* The first n messages of r are want[0..n). */
static void check_messages(const struct read_result *r, const struct buf *want, size_t n)
{
	size_t i;

	assert_true(r->nr >= n);
	for (i = 0; i < n; i++) {
		if (r->msgs[i].len != want[i].len ||
		    memcmp(r->msgs[i].data, want[i].data, want[i].len))
			fail_msg("message %zu differs:\n[%s]\nwant\n[%s]", i + 1, r->msgs[i].data,
				 want[i].data);
		assert_int_equal(r->positions[i], i + 1);
	}
}

/* r is want[0..count), and no error. */
static void check_many(const struct read_result *r, const struct buf *want, size_t count)
{
	if (r->error)
		fail_msg("%s", r->message);
	assert_int_equal(r->nr, count);
	check_messages(r, want, count);
}

#define MANY 3000

/* Plain and gzip (named without .gz: found by its magic bytes) give the same. */
static void test_many_plain_and_gzip(void **state)
{
	struct buf file = BUF_INIT, *want = calloc(MANY, sizeof(*want));
	struct read_result r;
	size_t i;

	(void)state;
	many_messages(&file, want, MANY);
	assert_true(file.len > (size_t)4 << 20); /* more than a few of the reader's reads */
	write_file(tmp_path("many.mbox"), file.data, file.len);
	write_gzip(tmp_path("many-gzip.mbox"), file.data, file.len);

	read_all(&r, tmp_path("many.mbox"), "mbox");
	check_many(&r, want, MANY);
	read_result_release(&r);
	read_all(&r, tmp_path("many-gzip.mbox"), NULL); /* a file: detected as an mbox */
	check_many(&r, want, MANY);
	read_result_release(&r);

	for (i = 0; i < MANY; i++)
		buf_release(&want[i]);
	free(want);
	buf_release(&file);
}

/* A truncated gzip file: the messages before the damage, then an error naming the file. */
static void test_gzip_truncated(void **state)
{
	struct buf file = BUF_INIT, *want = calloc(MANY, sizeof(*want));
	struct read_result r;
	struct stat st;
	const char *path = tmp_path("truncated.mbox.gz");
	char expect[600];
	size_t i;

	(void)state;
	many_messages(&file, want, MANY);
	write_gzip(path, file.data, file.len);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size / 2), 0);

	read_all(&r, path, "mbox");
	assert_int_equal(r.error, MD_ERR_INPUT);
	snprintf(expect, sizeof(expect), "cannot read '%s': truncated gzip data in message %zu",
		 path, r.nr + 1);
	assert_string_equal(r.message, expect);
	/* About half the messages, each whole. */
	assert_true(r.nr > MANY / 4 && r.nr < MANY * 3 / 4);
	check_messages(&r, want, r.nr);
	read_result_release(&r);

	for (i = 0; i < MANY; i++)
		buf_release(&want[i]);
	free(want);
	buf_release(&file);
}

/* Corrupt gzip data (bytes changed in the middle): an error naming the file. */
static void test_gzip_corrupt(void **state)
{
	struct buf file = BUF_INIT, *want = calloc(MANY, sizeof(*want));
	struct read_result r;
	const char *path = tmp_path("corrupt.mbox.gz");
	char prefix[600];
	FILE *f;
	long size;
	int i;

	(void)state;
	many_messages(&file, want, MANY);
	write_gzip(path, file.data, file.len);
	f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_int_equal(fseek(f, size / 2, SEEK_SET), 0);
	for (i = 0; i < 64; i++)
		fputc(0xa5 ^ i, f);
	assert_int_equal(fclose(f), 0);

	read_all(&r, path, "mbox");
	assert_int_equal(r.error, MD_ERR_INPUT);
	snprintf(prefix, sizeof(prefix), "cannot read '%s': corrupt gzip data in message ", path);
	if (strncmp(r.message, prefix, strlen(prefix)))
		fail_msg("got '%s'", r.message);
	assert_true(r.nr < MANY);
	read_result_release(&r);

	for (i = 0; i < MANY; i++)
		buf_release(&want[i]);
	free(want);
	buf_release(&file);
}

/* A message of 3 MiB, more than the reader's chunk: whole, escapes undone at any offset. */
static void test_large_message(void **state)
{
	struct buf file = BUF_INIT, big = BUF_INIT;
	struct read_result r;
	size_t i;

	(void)state;
	buf_addstr(&big, "Subject: big\n\n");
	for (i = 0; big.len < (size_t)3 << 20; i++) {
		if (i % 1000 == 999)
			buf_addstr(&big, "\nFrom the body after a blank line, escaped\n");
		else
			buf_addf(&big, "%08zu: the quick brown fox jumps over the lazy dog\n", i);
	}
	buf_addstr(&file, FROM_LINE "Subject: small\n\n1\n\n" FROM_LINE);
	for (i = 0; i < big.len; i++) {
		if (!strncmp(big.data + i, "From ", 5) && big.data[i - 1] == '\n')
			buf_addch(&file, '>');
		buf_addch(&file, big.data[i]);
	}
	buf_addstr(&file, "\n" FROM_LINE "Subject: after\n\n3\n");
	write_file(tmp_path("large.mbox"), file.data, file.len);

	read_all(&r, tmp_path("large.mbox"), "mbox");
	if (r.error)
		fail_msg("%s", r.message);
	assert_int_equal(r.nr, 3);
	assert_string_equal(r.msgs[0].data, "Subject: small\n\n1\n");
	assert_int_equal(r.msgs[1].len, big.len);
	assert_memory_equal(r.msgs[1].data, big.data, big.len);
	assert_string_equal(r.msgs[2].data, "Subject: after\n\n3\n");
	read_result_release(&r);
	buf_release(&big);
	buf_release(&file);
}

/*
 * A separator across two reads: the reader's first read is 256 KiB
 * (MBOX_CHUNK), so a first message of the right length puts "\nFrom " and
 * its line across that boundary at each offset.  (Were the chunk to change,
 * this would still pass, and test less.)
 */
static void test_separator_across_reads(void **state)
{
	static const char second[] = "Subject: 2\n\n2\n";
	struct buf file = BUF_INIT, first = BUF_INIT;
	struct read_result r;
	const size_t chunk = (size_t)256 << 10;
	size_t k, want, line, i;

	(void)state;
	for (k = 0; k <= strlen(FROM_LINE) + 2; k++) {
		/* The file: FROM_LINE, first, "\n" (the blank line), FROM_LINE, second. */
		buf_reset(&first);
		buf_addstr(&first, "Subject: 1\n\n");
		/* Lines of x up to the length that puts the blank line at chunk - k. */
		want = chunk - k - strlen(FROM_LINE);
		while (first.len < want) {
			line = want - first.len > 64 ? 64 : want - first.len;
			for (i = 1; i < line; i++)
				buf_addch(&first, 'x');
			buf_addch(&first, '\n');
		}
		buf_reset(&file);
		buf_addstr(&file, FROM_LINE);
		buf_add(&file, first.data, first.len);
		buf_addstr(&file, "\n" FROM_LINE);
		buf_addstr(&file, second);
		assert_int_equal(file.len - strlen(second) - strlen(FROM_LINE) - 1, chunk - k);
		write_file(tmp_path("across.mbox"), file.data, file.len);

		read_all(&r, tmp_path("across.mbox"), "mbox");
		if (r.error)
			fail_msg("k %zu: %s", k, r.message);
		if (r.nr != 2)
			fail_msg("k %zu: %zu messages, want 2", k, r.nr);
		assert_int_equal(r.msgs[0].len, first.len);
		assert_memory_equal(r.msgs[0].data, first.data, first.len);
		assert_string_equal(r.msgs[1].data, second);
		read_result_release(&r);
	}
	buf_release(&first);
	buf_release(&file);
}

/*
 * Messages over the limit (lowered to 100 KiB) are skipped with a warning;
 * the others keep their places.  One is found whole in the first read, one
 * only after many, with its bytes dropped as they are read.
 */
static void test_too_large(void **state)
{
	struct buf file = BUF_INIT;
	struct read_result r;
	unsigned long warnings = warning_count();
	size_t saved = archive_mbox_message_max, i;

	(void)state;
	archive_mbox_message_max = (size_t)100 << 10;
	buf_addstr(&file, FROM_LINE "Subject: 1\n\n1\n\n" FROM_LINE "Subject: 2\n\n");
	for (i = 0; file.len < (size_t)150 << 10; i++)
		buf_addf(&file, "%08zu: in the first read, over the limit\n", i);
	buf_addstr(&file, "\n" FROM_LINE "Subject: 3\n\n3\n\n" FROM_LINE "Subject: 4\n\n");
	for (i = 0; file.len < (size_t)5 << 20; i++)
		buf_addf(&file, "%08zu: a line of a message too large to hold\n", i);
	buf_addstr(&file, "\n" FROM_LINE "Subject: 5\n\n5\n");
	write_file(tmp_path("too-large.mbox"), file.data, file.len);

	warning_set_quiet(1);
	read_all(&r, tmp_path("too-large.mbox"), "mbox");
	warning_set_quiet(0);
	archive_mbox_message_max = saved;
	if (r.error)
		fail_msg("%s", r.message);
	assert_int_equal(r.nr, 3);
	assert_string_equal(r.msgs[0].data, "Subject: 1\n\n1\n");
	assert_int_equal(r.positions[0], 1);
	assert_string_equal(r.msgs[1].data, "Subject: 3\n\n3\n");
	assert_int_equal(r.positions[1], 3);
	assert_string_equal(r.msgs[2].data, "Subject: 5\n\n5\n");
	assert_int_equal(r.positions[2], 5);
	assert_int_equal(warning_count() - warnings, 2);
	read_result_release(&r);
	buf_release(&file);
}

/* Errors that name the file: missing, a directory, revisions for a window. */
static void test_errors(void **state)
{
	struct archive *a = NULL;
	char want[600];
	const char *path;

	(void)state;
	path = tmp_path("missing.mbox");
	assert_int_equal(archive_open_as(&a, path, "mbox"), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read '%s': no such file or directory", path);
	assert_string_equal(error_message(), want);

	/* Tests run as root: EACCES cannot be had, a directory can. */
	path = tmp_path("adir");
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(archive_open_as(&a, path, "mbox"), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read '%s': is a directory", path);
	assert_string_equal(error_message(), want);
	assert_null(a);

	path = tmp_path("window.mbox");
	write_file(path, FROM_LINE "Subject: 1\n\n1\n", strlen(FROM_LINE "Subject: 1\n\n1\n"));
	assert_int_equal(archive_open(&a, path), 0);
	assert_false(archive_has_revisions(a));
	snprintf(want, sizeof(want),
		 "'%s' is an mbox: windows are by date (--since, --until), not by revision", path);
	assert_int_equal(archive_set_window(a, "HEAD~1", NULL), MD_ERR_INPUT);
	assert_string_equal(error_message(), want);
	assert_int_equal(archive_set_window(a, NULL, "HEAD"), MD_ERR_INPUT);
	assert_string_equal(error_message(), want);
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_string_equal(archive_window_from(a), "");
	assert_string_equal(archive_window_to(a), "");
	assert_int_equal(archive_window_size(a), 0); /* unknown */
	archive_free(a);
}

/* set_window() again after reading starts over. */
static void test_read_twice(void **state)
{
	static const char in[] = FROM_LINE "Subject: 1\n\n1\n\n" FROM_LINE "Subject: 2\n\n2\n";
	struct archive_message m;
	struct archive *a = NULL;
	int pass, n;

	(void)state;
	write_file(tmp_path("twice.mbox"), in, strlen(in));
	assert_int_equal(archive_open(&a, tmp_path("twice.mbox")), 0);
	for (pass = 0; pass < 2; pass++) {
		assert_int_equal(archive_set_window(a, NULL, NULL), 0);
		assert_int_equal(archive_next(a, &m), 1);
		assert_int_equal(m.position, 1);
		assert_int_equal(m.len, strlen("Subject: 1\n\n1\n"));
		if (pass == 0) {
			for (n = 0; archive_next(a, &m) > 0; n++)
				;
			assert_int_equal(n, 1);
		}
	}
	archive_free(a);
}

/* The root id of the mbox at `path`, in a static buffer ("" on error). */
static const char *root_id_of(const char *path)
{
	static char out[4][41];
	static int next;
	char *id = out[next++ % 4];
	struct archive *a = NULL;
	const char *root;

	id[0] = '\0';
	if (archive_open_as(&a, path, "mbox") == 0 && archive_root_id(a, &root) == 0)
		snprintf(id, 41, "%s", root);
	archive_free(a);
	return id;
}

static void test_identity(void **state)
{
	static const char one[] = FROM_LINE "Subject: 1\nMessage-ID: <first@example.org>\n\n1\n";
	/* A mail client's Status:, another case, folding, a comment; a second message. */
	static const char two[] =
	    FROM_LINE "Status: RO\nMessage-Id:\n <first@example.org> (a "
		      "comment)\nSubject: 1\n\n1\n\n" FROM_LINE "Subject: 2\n\n2\n";
	static const char other[] = FROM_LINE "Message-ID: <other@example.org>\n\n1\n";
	static const char none_a[] = FROM_LINE "Subject: a\n\n1\n";
	static const char none_b[] = FROM_LINE "Subject: b\n\n1\n";
	struct archive *a = NULL;
	const char *root;
	char id[41], want[600];

	(void)state;
	write_file(tmp_path("id-one.mbox"), one, strlen(one));
	write_file(tmp_path("id-two.mbox"), two, strlen(two));
	write_gzip(tmp_path("id-one.mbox.gz"), one, strlen(one));
	write_file(tmp_path("id-other.mbox"), other, strlen(other));
	write_file(tmp_path("id-none-a.mbox"), none_a, strlen(none_a));
	write_file(tmp_path("id-none-b.mbox"), none_b, strlen(none_b));

	snprintf(id, sizeof(id), "%s", root_id_of(tmp_path("id-one.mbox")));
	assert_int_equal(strlen(id), strlen("mbox:") + 16);
	assert_memory_equal(id, "mbox:", 5);
	/* The first Message-ID decides: other headers, folding, later messages, gzip do not. */
	assert_string_equal(root_id_of(tmp_path("id-two.mbox")), id);
	assert_string_equal(root_id_of(tmp_path("id-one.mbox.gz")), id);
	assert_int_equal(rename(tmp_path("id-one.mbox"), tmp_path("id-moved.mbox")), 0);
	assert_string_equal(root_id_of(tmp_path("id-moved.mbox")), id);
	assert_string_not_equal(root_id_of(tmp_path("id-other.mbox")), id);
	/* Without a Message-ID, the header block decides. */
	assert_string_not_equal(root_id_of(tmp_path("id-none-a.mbox")), "");
	assert_string_not_equal(root_id_of(tmp_path("id-none-a.mbox")),
				root_id_of(tmp_path("id-none-b.mbox")));

	/* The root id does not disturb the reading. */
	assert_int_equal(archive_open(&a, tmp_path("id-two.mbox")), 0);
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_int_equal(archive_root_id(a, &root), 0);
	assert_string_equal(root, id);
	archive_free(a);

	/* An empty mbox has no identity. */
	write_file(tmp_path("id-empty.mbox"), "", 0);
	assert_int_equal(archive_open(&a, tmp_path("id-empty.mbox")), 0);
	assert_int_equal(archive_root_id(a, &root), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read '%s': no messages", tmp_path("id-empty.mbox"));
	assert_string_equal(error_message(), want);
	archive_free(a);
}

static int contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(s + i, needle, n))
			return 1;
	return 0;
}

/*
 * The seed window's mbox: 64 messages in archive order.  When git can clone
 * the seed's bundle, each is the git archive's message byte for byte.
 */
static void test_seed(void **state)
{
	const char *data = getenv("MLDIGEST_TEST_DATA");
	char path[1024], cmd[4096], clone[600];
	struct read_result r, g;
	size_t i, bytes = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/seed-window/seed-window.mbox",
		 data && *data ? data : "tests/data");
	read_all(&r, path, NULL);
	if (r.error)
		fail_msg("%s", r.message);
	assert_int_equal(r.nr, 64);
	/* The second message is the first patch of Mike Rapoport's series. */
	assert_true(!strncmp(r.msgs[1].data, "From: Mike Rapoport <rppt@kernel.org>\n",
			     strlen("From: Mike Rapoport <rppt@kernel.org>\n")));
	assert_true(contains(r.msgs[1].data, r.msgs[1].len,
			     "Message-ID: <20260127080200.4001-2-rppt@kernel.org>"));
	/* Its in-body From: follows a blank line, and is no separator. */
	assert_true(contains(r.msgs[1].data, r.msgs[1].len,
			     "\n\nFrom: \"Mike Rapoport (Microsoft)\" <rppt@kernel.org>\n"));
	for (i = 0; i < r.nr; i++) {
		assert_int_equal(r.positions[i], i + 1);
		assert_true(!strncmp(r.msgs[i].data, "From: ", 6));
		bytes += r.msgs[i].len;
	}

	snprintf(clone, sizeof(clone), "%s/seed.git", tmpdir);
	snprintf(cmd, sizeof(cmd),
		 "git clone -q --mirror '%s/seed-window/seed-window.bundle' '%s' 2>/dev/null",
		 data && *data ? data : "tests/data", clone);
	if (system(cmd) != 0) {
		print_message("git cannot clone the seed bundle: not compared with git\n");
		read_result_release(&r);
		return;
	}
	read_all(&g, clone, "git");
	if (g.error)
		fail_msg("%s", g.message);
	assert_int_equal(g.nr, r.nr);
	for (i = 0; i < r.nr; i++)
		if (g.msgs[i].len != r.msgs[i].len ||
		    memcmp(g.msgs[i].data, r.msgs[i].data, r.msgs[i].len))
			fail_msg("message %zu differs from git's:\n[%s]\ngit:\n[%s]", i + 1,
				 r.msgs[i].data, g.msgs[i].data);
	read_result_release(&g);
	read_result_release(&r);
}

static int group_setup(void **state)
{
	(void)state;
	if (tmpdir_make("test_mbox") < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tmpdir_remove();
	archive_library_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_many_plain_and_gzip),
	    cmocka_unit_test(test_separator_across_reads),
	    cmocka_unit_test(test_gzip_truncated),
	    cmocka_unit_test(test_gzip_corrupt),
	    cmocka_unit_test(test_large_message),
	    cmocka_unit_test(test_too_large),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_read_twice),
	    cmocka_unit_test(test_identity),
	    cmocka_unit_test(test_seed),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
