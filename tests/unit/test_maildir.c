/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Maildir reader (src/archive/maildir.c), on Maildirs this test writes
 * in a temporary directory: the order (Date, then file name; undated
 * first), what is listed (cur/ and new/, not tmp/, dotfiles or
 * subdirectories), errors, the identity, and the seed window as a Maildir,
 * which must read as its mbox does.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw under -std=c11 */
#endif

#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive/archive.h"
#include "util/buf.h"
#include "util/error.h"
#include "tmpdir.h"

/* maildir.c's limit on a message, lowered here (not declared in a header). */
extern size_t archive_maildir_message_max;

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Makes the Maildir `rel` (cur/, new/, tmp/; without cur/ when !with_cur). */
static void maildir_new(const char *rel, int with_cur)
{
	char path[600];

	assert_int_equal(mkdir(tmp_path(rel), 0755), 0);
	snprintf(path, sizeof(path), "%s/new", tmp_path(rel));
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/tmp", tmp_path(rel));
	assert_int_equal(mkdir(path, 0755), 0);
	if (with_cur) {
		snprintf(path, sizeof(path), "%s/cur", tmp_path(rel));
		assert_int_equal(mkdir(path, 0755), 0);
	}
}

/* Writes rel/file (e.g. "cur/123.a:2,S") with `text`. */
static void maildir_put(const char *rel, const char *file, const char *text)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", tmp_path(rel), file);
	write_file(path, text, strlen(text));
}

/*
 * The order: each file with a Date (or none, or a bad one) and the place it
 * must be read at.  The Subject names the file, so the test can tell.
 */
static const struct {
	const char *file;
	const char *headers; /* before Subject */
	int place;	     /* 1-based; 0: not read at all */
	const char *why;
} order_cases[] = {
    {"cur/1700000003.b:2,S", "Date: Tue, 27 Jan 2026 09:00:00 +0000\n", 9,
     "a newer Date is read later, whatever the name"},
    {"new/1700000001.a", "Date: Tue, 27 Jan 2026 08:00:00 +0000\n", 5, "new/ is read as cur/ is"},
    {"cur/1700000002.c:2,", "Date: Tue, 27 Jan 2026 10:00:00 +0200\n", 6,
     "the same instant as new/1700000001.a in another zone: after it by file name"},
    {"cur/1700000002.g", "Date: Tue, 27 Jan 2026 08:00:00 +0000\n", 7,
     "the same instant again: by file name"},
    {"new/1700000002.g", "Date: Tue, 27 Jan 2026 08:00:00 +0000\n", 8,
     "the same instant and name in new/ as in cur/: cur/ first"},
    {"new/1700000000.z", "", 2, "no Date: before the dated messages"},
    {"cur/1700000000.y", "Date: someday soon\n", 1,
     "an unparsable Date is none: among the undated, by name"},
    {"cur/1700000005.f", "X-Note: the Date below is in the body\n", 3,
     "only the header block is looked at: undated"},
    {"new/1700000009.d", "Date: Tue,\n 27 Jan 2026\r\n\t07:59:59 +0000\n", 4,
     "a folded Date, the oldest dated message whatever its name"},
    {"cur/1700000004.e", "X-Long:@LONG@\nDate: Wed, 28 Jan 2026 00:00:00 +0000\n", 10,
     "a Date after more than one read of the header block"},
    {"cur/.hidden", "Date: Mon, 1 Jan 2001 00:00:00 +0000\n", 0, "dotfiles are skipped"},
    {"tmp/1700000006.t", "Date: Mon, 1 Jan 2001 00:00:00 +0000\n", 0,
     "tmp/ holds deliveries in progress"},
    {"new/.1700000007.h", "Date: Mon, 1 Jan 2001 00:00:00 +0000\n", 0, "dotfiles in new/ too"},
};

/* The text of order_cases[i]. */
static void order_text(struct buf *out, size_t i)
{
	const char *h = order_cases[i].headers, *at = strstr(h, "@LONG@");
	size_t j;

	buf_reset(out);
	if (at) {
		buf_add(out, h, (size_t)(at - h));
		for (j = 0; j < 3000; j++)
			buf_addf(out, "\n <%04zu@example.org>", j); /* ~60 KiB: several reads */
		h = at + strlen("@LONG@");
	}
	buf_addstr(out, h);
	buf_addf(out, "Subject: %s\n\nbody of %s\n", order_cases[i].file, order_cases[i].file);
	if (!strcmp(order_cases[i].file, "cur/1700000005.f"))
		buf_addstr(out, "Date: Mon, 1 Jan 2001 00:00:00 +0000\n");
}

static void test_order(void **state)
{
	struct archive_message m;
	struct archive *a = NULL;
	struct buf text = BUF_INIT;
	char path[600];
	size_t i, found, want_nr = 0;
	int r, n = 0;

	(void)state;
	maildir_new("order", 1);
	for (i = 0; i < ARRAY_SIZE(order_cases); i++) {
		order_text(&text, i);
		maildir_put("order", order_cases[i].file, text.data);
		if (order_cases[i].place)
			want_nr++;
	}
	/* A subdirectory of cur/, with a message in it, is skipped. */
	snprintf(path, sizeof(path), "%s/cur/subdir", tmp_path("order"));
	assert_int_equal(mkdir(path, 0755), 0);
	maildir_put("order", "cur/subdir/1", "Date: Mon, 1 Jan 2001 00:00:00 +0000\n\n");

	assert_int_equal(archive_open(&a, tmp_path("order")), 0); /* detected: it has cur/ */
	assert_false(archive_has_revisions(a));
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_int_equal(archive_window_size(a), want_nr);
	while ((r = archive_next(a, &m)) > 0) {
		n++;
		assert_int_equal(m.position, n);
		assert_string_equal(m.id, "");
		assert_true(m.time == 0);
		found = ARRAY_SIZE(order_cases);
		for (i = 0; i < ARRAY_SIZE(order_cases); i++) {
			order_text(&text, i);
			if (m.len == text.len && !memcmp(m.raw, text.data, m.len))
				found = i;
		}
		if (found == ARRAY_SIZE(order_cases))
			fail_msg("message %d is none of the files: [%.*s]", n, (int)m.len, m.raw);
		if (order_cases[found].place != n)
			fail_msg("%s (%s) read at %d, want %d", order_cases[found].file,
				 order_cases[found].why, n, order_cases[found].place);
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, want_nr);
	archive_free(a);
	buf_release(&text);
}

static void test_empty_and_errors(void **state)
{
	struct archive_message m;
	struct archive *a = NULL;
	const char *root;
	char want[600];

	(void)state;
	/* An empty Maildir: no messages, and no identity. */
	maildir_new("empty", 1);
	assert_int_equal(archive_open_as(&a, tmp_path("empty"), "maildir"), 0);
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_int_equal(archive_window_size(a), 0);
	assert_int_equal(archive_next(a, &m), 0);
	assert_int_equal(archive_root_id(a, &root), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read '%s': no messages", tmp_path("empty"));
	assert_string_equal(error_message(), want);
	archive_free(a);

	/* No cur/, the kind forced. */
	maildir_new("nocur", 0);
	assert_int_equal(archive_open_as(&a, tmp_path("nocur"), "maildir"), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read '%s': not a Maildir (no cur/ directory)",
		 tmp_path("nocur"));
	assert_string_equal(error_message(), want);
	assert_null(a);

	/* A file, the kind forced. */
	write_file(tmp_path("afile"), "x", 1);
	assert_int_equal(archive_open_as(&a, tmp_path("afile"), "maildir"), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read '%s': not a Maildir (no cur/ directory)",
		 tmp_path("afile"));
	assert_string_equal(error_message(), want);

	/* Missing. */
	assert_int_equal(archive_open_as(&a, tmp_path("missing"), "maildir"), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read '%s': no such file or directory",
		 tmp_path("missing"));
	assert_string_equal(error_message(), want);

	/* Windows by revision. */
	assert_int_equal(archive_open(&a, tmp_path("empty")), 0);
	assert_int_equal(archive_set_window(a, "a", "b"), MD_ERR_INPUT);
	snprintf(want, sizeof(want),
		 "'%s' is a Maildir: windows are by date (--since, --until), not by revision",
		 tmp_path("empty"));
	assert_string_equal(error_message(), want);
	archive_free(a);
}

/* Files gone since the listing, or too large: skipped with a warning, places kept. */
static void test_skipped(void **state)
{
	struct archive_message m;
	struct archive *a = NULL;
	struct buf big = BUF_INIT;
	unsigned long warnings = warning_count();
	size_t saved = archive_maildir_message_max;
	char path[600];
	int n = 0;

	(void)state;
	maildir_new("skip", 1);
	maildir_put("skip", "cur/1", "Date: Tue, 27 Jan 2026 08:00:00 +0000\n\n1\n");
	maildir_put("skip", "cur/2", "Date: Tue, 27 Jan 2026 08:01:00 +0000\n\n2\n");
	buf_addstr(&big, "Date: Tue, 27 Jan 2026 08:02:00 +0000\n\n");
	while (big.len < (size_t)2 << 20)
		buf_addstr(&big, "a line of a message too large to hold\n");
	maildir_put("skip", "cur/3", big.data);
	maildir_put("skip", "new/4", "Date: Tue, 27 Jan 2026 08:03:00 +0000\n\n4\n");

	archive_maildir_message_max = (size_t)1 << 20;
	warning_set_quiet(1);
	assert_int_equal(archive_open(&a, tmp_path("skip")), 0);
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_int_equal(archive_window_size(a), 4);
	/* A mail client takes it away (to cur/, with flags) after the listing. */
	snprintf(path, sizeof(path), "%s/cur/2", tmp_path("skip"));
	assert_int_equal(unlink(path), 0);
	while (archive_next(a, &m) > 0) {
		n++;
		if (n == 1) {
			assert_int_equal(m.position, 1);
			assert_memory_equal(m.raw + m.len - 3, "\n1\n", 3);
		} else {
			assert_int_equal(m.position, 4);
			assert_memory_equal(m.raw + m.len - 3, "\n4\n", 3);
		}
	}
	warning_set_quiet(0);
	archive_maildir_message_max = saved;
	assert_int_equal(n, 2);
	assert_int_equal(warning_count() - warnings, 2);
	archive_free(a);
	buf_release(&big);
}

/* The root id of the Maildir at `path`, in a static buffer ("" on error). */
static const char *root_id_of(const char *path)
{
	static char out[4][41];
	static int next;
	char *id = out[next++ % 4];
	struct archive *a = NULL;
	const char *root;

	id[0] = '\0';
	if (archive_open_as(&a, path, "maildir") == 0 && archive_root_id(a, &root) == 0)
		snprintf(id, 41, "%s", root);
	archive_free(a);
	return id;
}

static void test_identity(void **state)
{
	char from[600], to[600], id[41];

	(void)state;
	maildir_new("id", 1);
	maildir_put("id", "new/2",
		    "Date: Tue, 27 Jan 2026 08:00:00 +0000\nMessage-ID: <oldest@x>\n\n");
	maildir_put("id", "cur/1",
		    "Date: Tue, 27 Jan 2026 09:00:00 +0000\nMessage-ID: <newer@x>\n\n");
	snprintf(id, sizeof(id), "%s", root_id_of(tmp_path("id")));
	assert_int_equal(strlen(id), strlen("maildir:") + 16);
	assert_memory_equal(id, "maildir:", 8);

	/* Moved, the oldest message moved to cur/ with flags, a newer one added: the same. */
	assert_int_equal(rename(tmp_path("id"), tmp_path("id-moved")), 0);
	snprintf(from, sizeof(from), "%s/new/2", tmp_path("id-moved"));
	snprintf(to, sizeof(to), "%s/cur/2:2,S", tmp_path("id-moved"));
	assert_int_equal(rename(from, to), 0);
	maildir_put("id-moved", "new/3", "Date: Wed, 28 Jan 2026 09:00:00 +0000\n\n");
	assert_string_equal(root_id_of(tmp_path("id-moved")), id);

	/* An older message arrives: it is the oldest now. */
	maildir_put("id-moved", "new/0",
		    "Date: Mon, 26 Jan 2026 09:00:00 +0000\nMessage-ID: <older@x>\n\n");
	assert_string_not_equal(root_id_of(tmp_path("id-moved")), id);
	assert_string_not_equal(root_id_of(tmp_path("id-moved")), "");
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
 * The seed window as a Maildir, its files named in the reverse of the
 * archive's order and spread over cur/ and new/: read by Date, it is the
 * mbox's sequence again (the seed's dates increase).
 */
static void test_seed(void **state)
{
	const char *data = getenv("MLDIGEST_TEST_DATA");
	struct archive_message m;
	struct archive *a = NULL;
	struct buf *msgs = NULL;
	char path[1024], name[64];
	size_t nr = 0, i;
	int r;

	(void)state;
	snprintf(path, sizeof(path), "%s/seed-window/seed-window.mbox",
		 data && *data ? data : "tests/data");
	if (archive_open(&a, path) < 0 || archive_set_window(a, NULL, NULL) < 0)
		fail_msg("%s", error_message());
	maildir_new("seed", 1);
	while ((r = archive_next(a, &m)) > 0) {
		msgs = realloc(msgs, (nr + 1) * sizeof(*msgs));
		assert_non_null(msgs);
		buf_init(&msgs[nr]);
		buf_add(&msgs[nr], m.raw, m.len);
		snprintf(name, sizeof(name), "%s/%zu.seed%s", nr % 3 ? "cur" : "new", 1000 - nr,
			 nr % 3 ? ":2,S" : "");
		maildir_put("seed", name, msgs[nr].data);
		nr++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(nr, 64);
	archive_free(a);

	assert_int_equal(archive_open(&a, tmp_path("seed")), 0);
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_int_equal(archive_window_size(a), 64);
	for (i = 0; (r = archive_next(a, &m)) > 0; i++) {
		assert_true(i < nr);
		assert_int_equal(m.position, i + 1);
		if (m.len != msgs[i].len || memcmp(m.raw, msgs[i].data, m.len))
			fail_msg("message %zu is not the mbox's", i + 1);
	}
	assert_int_equal(r, 0);
	assert_int_equal(i, 64);
	assert_true(contains(msgs[1].data, msgs[1].len, "From: Mike Rapoport <rppt@kernel.org>"));
	archive_free(a);
	for (i = 0; i < nr; i++)
		buf_release(&msgs[i]);
	free(msgs);
}

static int group_setup(void **state)
{
	(void)state;
	if (tmpdir_make("test_maildir") < 0)
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
	    cmocka_unit_test(test_order),
	    cmocka_unit_test(test_empty_and_errors),
	    cmocka_unit_test(test_skipped),
	    cmocka_unit_test(test_identity),
	    cmocka_unit_test(test_seed),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
