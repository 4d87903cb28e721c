/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SQLite state, on real files in a mkdtemp directory.  The test does not
 * include sqlite3.h: it looks at files through their bytes (the header fields
 * it forges are at fixed offsets of the SQLite file format) and at the state
 * through its API.
 */
#define _GNU_SOURCE /* nftw's FTW_DEPTH, FTW_PHYS */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "state/state.h"
#include "util/buf.h"
#include "util/error.h"

#define ARCHIVE_KVM "1111111111111111111111111111111111111111"
#define ARCHIVE_PPC "2222222222222222222222222222222222222222"

static char tmpdir[] = "/tmp/mldigest-test-state-XXXXXX";
static int path_counter;

/* A fresh path in the test directory (not created); the caller frees it. */
static char *new_path(const char *name)
{
	struct buf b = BUF_INIT;

	buf_addf(&b, "%s/%d-%s", tmpdir, ++path_counter, name);
	return buf_detach(&b, NULL);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup_dir(void **unused)
{
	(void)unused;
	warning_set_quiet(1);
	if (!mkdtemp(tmpdir))
		return -1;
	return 0;
}

static int remove_dir(void **unused)
{
	(void)unused;
	chmod(tmpdir, 0700);
	return nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static bool side_file_exists(const char *path, const char *suffix)
{
	struct buf b = BUF_INIT;
	bool exists;

	buf_addf(&b, "%s%s", path, suffix);
	exists = file_exists(b.data);
	buf_release(&b);
	return exists;
}

/* The bytes of `path` into `out` (reset first). */
static void read_bytes(const char *path, struct buf *out)
{
	char chunk[65536];
	size_t n;
	FILE *fp = fopen(path, "rb");

	assert_non_null(fp);
	buf_reset(out);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(out, chunk, n);
	assert_int_equal(ferror(fp), 0);
	fclose(fp);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Overwrites a big-endian 32-bit header field of an SQLite file. */
static void poke_be32(const char *path, long offset, uint32_t v)
{
	unsigned char b[4] = {v >> 24, v >> 16, v >> 8, v};
	FILE *fp = fopen(path, "r+b");

	assert_non_null(fp);
	assert_int_equal(fseek(fp, offset, SEEK_SET), 0);
	assert_int_equal(fwrite(b, 1, 4, fp), 4);
	assert_int_equal(fclose(fp), 0);
}

static struct store_message msg(const char *key)
{
	struct store_message m = {
		.key = key,
		.message_id = "20240101.1-1-a@x.org",
		.commit = key,
		.date = 1704067200,
		.subject = "[PATCH] KVM: x86: fix it",
		.author = "a@x.org",
	};

	return m;
}

/* Records `identity` from message `key` and checks whether it was a duplicate. */
static void record(struct state *s, const char *identity, const char *key, bool duplicate)
{
	struct store_message m = msg(key);
	bool first_elsewhere = !duplicate;

	assert_int_equal(store_record_patch(state_store(s), identity, &m, &first_elsewhere), 0);
	assert_int_equal(first_elsewhere, duplicate);
}

static struct state *open_ok(const char *path, enum state_mode mode)
{
	struct state *s = NULL;
	int error = state_open(&s, path, mode);

	if (error)
		print_error("state_open: %s\n", error_message());
	assert_int_equal(error, 0);
	assert_non_null(s);
	return s;
}

static struct state *begin_ok(const char *path, enum state_mode mode, const char *archive)
{
	struct state *s = open_ok(path, mode);
	int error = state_begin(s, archive, "KVM");

	if (error)
		print_error("state_begin: %s\n", error_message());
	assert_int_equal(error, 0);
	return s;
}

static void commit_run(struct state *s, const char *from, const char *to)
{
	struct state_run run = {
		.list_name = "KVM",
		.from = from,
		.to = to,
		.started = 1700000000,
		.ended = 1700000005,
		.messages = 6000,
		.patches = 2500,
		.leads = 700,
		.new_leads = 650,
		.duplicates = 50,
	};

	assert_int_equal(state_record_run(s, &run), 0);
	assert_int_equal(state_commit(s), 0);
}

/* Checks that state_open() fails with `code` and exactly `expected` ("%s" is the path). */
/* `expected` names the path with one "%s". */
static void open_fails(const char *path, enum state_mode mode, int code, const char *expected)
{
	const char *hole = strstr(expected, "%s");

	struct state *s = (struct state *)&s; /* not NULL: state_open must clear it */
	struct buf want = BUF_INIT;

	error_clear();
	assert_int_equal(state_open(&s, path, mode), code);
	assert_null(s);
	assert_non_null(hole);
	buf_add(&want, expected, (size_t)(hole - expected));
	buf_addstr(&want, path);
	buf_addstr(&want, hole + 2);
	assert_string_equal(error_message(), want.data);
	buf_release(&want);
}

static void check_ok(const char *path)
{
	struct state *s = open_ok(path, STATE_READ_WRITE);

	assert_int_equal(state_check(s), 0);
	state_free(s);
}

/* Writes a committed state with `n` identities, "id-0".. from "c-0".. */
static void write_state(const char *path, int n)
{
	struct state *s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	char identity[32], key[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(identity, sizeof(identity), "id-%d", i);
		snprintf(key, sizeof(key), "c-%d", i);
		record(s, identity, key, false);
	}
	commit_run(s, "aaaa", "bbbb");
	state_free(s);
}

/*
 * The basic promise: what a run commits is there for the next one, in a file
 * made with its missing parent directories (0700), and the last run's end is
 * where the next run starts.
 */
static void test_create_and_reopen(void **unused)
{
	char *dir = new_path("sub"), *path;
	struct buf b = BUF_INIT;
	struct state *s;
	char *end = (char *)"x";
	struct stat st;

	(void)unused;
	buf_addf(&b, "%s/deeper/state.sqlite", dir);
	path = b.data;
	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	assert_int_equal(state_last_run_end(s, &end), 0);
	assert_null(end);
	record(s, "id-a", "c1", false);
	record(s, "id-b", "c2", false);
	commit_run(s, "aaaa", "bbbb");
	state_free(s);

	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* A clean close checkpoints and removes the WAL. */
	assert_false(side_file_exists(path, "-wal"));

	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	assert_int_equal(state_last_run_end(s, &end), 0);
	assert_string_equal(end, "bbbb");
	free(end);
	record(s, "id-a", "c3", true);
	record(s, "id-b", "c2", false);
	commit_run(s, "bbbb", "cccc");
	state_free(s);

	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	assert_int_equal(state_last_run_end(s, &end), 0);
	assert_string_equal(end, "cccc");
	free(end);
	state_free(s);
	check_ok(path);
	buf_release(&b);
	free(dir);
}

/*
 * SPEC: a lead whose identity was first recorded from another message is a
 * duplicate -- within a run and across runs -- while the same message seen
 * again (a re-run of a window) is still new.  Archives do not share
 * identities.
 */
static void test_first_elsewhere(void **unused)
{
	char *path = new_path("first.sqlite");
	struct state *s;

	(void)unused;
	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	record(s, "id-a", "c1", false);
	record(s, "id-a", "c1", false); /* same message again */
	record(s, "id-a", "c2", true);  /* re-sent in the same window */
	record(s, "id-b", "c2", false);
	commit_run(s, "aaaa", "bbbb");
	state_free(s);

	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	record(s, "id-a", "c1", false); /* re-run of the first window */
	record(s, "id-a", "c9", true);  /* re-sent later */
	record(s, "id-b", "c9", true);
	record(s, "id-c", "c9", false);
	commit_run(s, "bbbb", "cccc");
	state_free(s);

	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_PPC);
	record(s, "id-a", "c9", false); /* another archive */
	commit_run(s, "dddd", "eeee");
	state_free(s);
	check_ok(path);
	free(path);
}

/*
 * A run that fails changes nothing: after an explicit rollback and after
 * state_free() without commit -- with enough rows that SQLite spills pages
 * to the WAL before the end -- the file is byte for byte what it was.
 */
static void test_rollback_leaves_file(void **unused)
{
	char *path = new_path("rollback.sqlite");
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct state_run run = {.from = "bbbb", .to = "zzzz"};
	struct state *s;
	char identity[32], *end = NULL;
	int i, pass;

	(void)unused;
	write_state(path, 10);
	read_bytes(path, &before);
	for (pass = 0; pass < 2; pass++) {
		s = begin_ok(path, STATE_READ_WRITE, pass ? ARCHIVE_KVM : ARCHIVE_PPC);
		for (i = 0; i < 30000; i++) {
			snprintf(identity, sizeof(identity), "new-%d", i);
			record(s, identity, "c-new", false);
		}
		record(s, "id-1", "c-other", pass == 1);
		assert_int_equal(state_record_run(s, &run), 0);
		if (pass == 0)
			state_rollback(s); /* explicit */
		state_free(s);             /* pass 1: freed without a commit */
	}
	assert_false(side_file_exists(path, "-wal"));
	read_bytes(path, &after);
	assert_int_equal(after.len, before.len);
	assert_memory_equal(after.data, before.data, before.len);

	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	assert_int_equal(state_last_run_end(s, &end), 0);
	assert_string_equal(end, "bbbb");
	free(end);
	record(s, "new-1", "c-other", false); /* was never recorded */
	commit_run(s, "bbbb", "cccc");
	state_free(s);
	/* The control: a commit does change the bytes. */
	read_bytes(path, &after);
	assert_true(after.len != before.len || memcmp(after.data, before.data, before.len));
	check_ok(path);
	buf_release(&before);
	buf_release(&after);
	free(path);
}

/*
 * --dry-run reads what earlier runs recorded and finds duplicates within
 * its window, but the file stays byte-identical and no -wal/-shm file is
 * left next to it.
 */
static void test_dry_run_byte_identical(void **unused)
{
	char *path = new_path("dry.sqlite");
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct store_series series = {"A@X.org", "Fix It", 2, 3, "c-5"};
	struct state_run run = {.from = "bbbb", .to = "cccc"};
	struct state *s;
	char *end = NULL;
	bool elsewhere;

	(void)unused;
	write_state(path, 100);
	read_bytes(path, &before);

	s = begin_ok(path, STATE_DRY_RUN, ARCHIVE_KVM);
	assert_int_equal(state_last_run_end(s, &end), 0);
	assert_string_equal(end, "bbbb");
	free(end);
	record(s, "id-5", "c-5", false);   /* re-run */
	record(s, "id-5", "c-new", true);  /* recorded by the earlier run */
	record(s, "id-new", "c-x", false); /* new ... */
	record(s, "id-new", "c-y", true);  /* ... and re-sent in the window */
	record(s, "id-new", "c-x", false);
	assert_int_equal(state_record_series(s, &series, &elsewhere), 0);
	assert_false(elsewhere);
	series.message_key = "c-6";
	assert_int_equal(state_record_series(s, &series, &elsewhere), 0);
	assert_true(elsewhere);
	assert_int_equal(state_record_run(s, &run), 0);
	assert_int_equal(state_commit(s), 0);

	/* A second dry "run" on the same handle has forgotten the first. */
	assert_int_equal(state_begin(s, ARCHIVE_KVM, "KVM"), 0);
	record(s, "id-new", "c-y", false);
	state_free(s);

	read_bytes(path, &after);
	assert_int_equal(after.len, before.len);
	assert_memory_equal(after.data, before.data, before.len);
	assert_false(side_file_exists(path, "-wal"));
	assert_false(side_file_exists(path, "-shm"));

	/* An archive the file does not know: empty, still nothing written. */
	s = begin_ok(path, STATE_DRY_RUN, ARCHIVE_PPC);
	record(s, "id-5", "c-7", false);
	record(s, "id-5", "c-8", true);
	assert_int_equal(state_commit(s), 0);
	state_free(s);
	read_bytes(path, &after);
	assert_memory_equal(after.data, before.data, before.len);

	/* Nothing of the dry runs was recorded. */
	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	record(s, "id-new", "c-z", false);
	state_free(s);
	buf_release(&before);
	buf_release(&after);
	free(path);
}

/* --dry-run on a state that does not exist yet: empty, and nothing is created. */
static void test_dry_run_missing_file(void **unused)
{
	char *dir = new_path("nodir");
	struct buf path = BUF_INIT;
	struct state *s;
	char *end = (char *)"x";

	(void)unused;
	buf_addf(&path, "%s/state.sqlite", dir);
	s = begin_ok(path.data, STATE_DRY_RUN, ARCHIVE_KVM);
	assert_int_equal(state_last_run_end(s, &end), 0);
	assert_null(end);
	record(s, "id-a", "c1", false);
	record(s, "id-a", "c2", true);
	assert_int_equal(state_commit(s), 0);
	state_free(s);
	assert_false(file_exists(dir));
	buf_release(&path);
	free(dir);
}

/*
 * A zero-length file is what `touch` or a crash before the first commit
 * leaves; SQLite reads it as an empty database, and so do we: read-write
 * makes it a state, dry-run leaves it at zero bytes.
 */
static void test_zero_length_file(void **unused)
{
	char *path = new_path("empty.sqlite"), *dry = new_path("empty-dry.sqlite");
	struct buf bytes = BUF_INIT;
	struct state *s;

	(void)unused;
	write_bytes(dry, "", 0);
	s = begin_ok(dry, STATE_DRY_RUN, ARCHIVE_KVM);
	record(s, "id-a", "c1", false);
	record(s, "id-a", "c2", true);
	assert_int_equal(state_commit(s), 0);
	state_free(s);
	read_bytes(dry, &bytes);
	assert_int_equal(bytes.len, 0);

	write_bytes(path, "", 0);
	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	record(s, "id-a", "c1", false);
	commit_run(s, "aaaa", "bbbb");
	state_free(s);
	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	record(s, "id-a", "c2", true);
	state_free(s);
	check_ok(path);
	buf_release(&bytes);
	free(dry);
	free(path);
}

/*
 * --state pointed at the wrong file (a text, a mailbox): refused in both
 * modes with exit-2 "file is not a database", and the file is not touched.
 */
static void test_not_sqlite(void **unused)
{
	static const char *const contents[] = {
		/* SQLite itself reads a file shorter than its header as empty, and writes over it. */
		"x",
		"From mldigest Mon Jan  1 00:00:00 2024\nSubject: not a database\n\nhello\n",
	};
	struct buf before = BUF_INIT, after = BUF_INIT, big = BUF_INIT;
	char *path;
	size_t i;

	(void)unused;
	for (i = 0; i < 300; i++)
		buf_addstr(&big, contents[1]);
	for (i = 0; i < ARRAY_SIZE(contents) + 1; i++) {
		path = new_path("text.sqlite");
		if (i < ARRAY_SIZE(contents))
			write_bytes(path, contents[i], strlen(contents[i]));
		else
			write_bytes(path, big.data, big.len);
		read_bytes(path, &before);
		open_fails(path, STATE_READ_WRITE, MD_ERR_INPUT,
			   "cannot open state '%s': file is not a database");
		open_fails(path, STATE_DRY_RUN, MD_ERR_INPUT,
			   "cannot open state '%s': file is not a database");
		read_bytes(path, &after);
		assert_int_equal(after.len, before.len);
		assert_memory_equal(after.data, before.data, before.len);
		assert_false(side_file_exists(path, "-wal"));
		free(path);
	}
	buf_release(&big);
	buf_release(&before);
	buf_release(&after);
}

/* A directory given as --state is refused, not opened or created in. */
static void test_not_regular_file(void **unused)
{
	(void)unused;
	open_fails(tmpdir, STATE_READ_WRITE, MD_ERR_INPUT,
		   "cannot open state '%s': not a regular file");
}

/*
 * A state cut short (a full disk, a bad copy) must be refused on open --
 * before the run writes more to it -- never crash or be read as fewer
 * patches.  The same for a page overwritten in the middle.
 */
static void test_truncated_and_damaged(void **unused)
{
	char *path = new_path("truncated.sqlite"), *damaged = new_path("damaged.sqlite");
	struct buf bytes = BUF_INIT;
	struct state *s = NULL;
	int error;
	size_t i;

	(void)unused;
	write_state(path, 20000);
	read_bytes(path, &bytes);
	assert_true(bytes.len > 100 * 4096);
	write_bytes(damaged, bytes.data, bytes.len);

	assert_int_equal(truncate(path, (off_t)bytes.len / 2), 0);
	open_fails(path, STATE_READ_WRITE, MD_ERR_INPUT,
		   "state '%s' is corrupt: database disk image is malformed");
	open_fails(path, STATE_DRY_RUN, MD_ERR_INPUT,
		   "state '%s' is corrupt: database disk image is malformed");

	for (i = 20 * 4096; i < 21 * 4096; i++)
		bytes.data[i] = (char)(i * 7);
	write_bytes(damaged, bytes.data, bytes.len);
	error = state_open(&s, damaged, STATE_READ_WRITE);
	assert_int_equal(error, MD_ERR_INPUT);
	assert_null(s);
	assert_non_null(strstr(error_message(), "is corrupt"));
	buf_release(&bytes);
	free(damaged);
	free(path);
}

/* A state from a newer mldigest (PRAGMA user_version, offset 60) is refused, not downgraded. */
static void test_future_schema(void **unused)
{
	char *path = new_path("future.sqlite");
	struct buf before = BUF_INIT, after = BUF_INIT;

	(void)unused;
	write_state(path, 3);
	poke_be32(path, 60, 7);
	read_bytes(path, &before);
	open_fails(path, STATE_READ_WRITE, MD_ERR_INPUT,
		   "state '%s' was written by a newer mldigest (schema 7, this one knows 2)");
	open_fails(path, STATE_DRY_RUN, MD_ERR_INPUT,
		   "state '%s' was written by a newer mldigest (schema 7, this one knows 2)");
	read_bytes(path, &after);
	assert_memory_equal(after.data, before.data, before.len);
	buf_release(&before);
	buf_release(&after);
	free(path);
}

/*
 * Another program's SQLite database (a different PRAGMA application_id at
 * offset 68, or none but tables of its own) is not ours to add tables to.
 */
static void test_foreign_database(void **unused)
{
	char *path = new_path("foreign.sqlite");

	(void)unused;
	write_state(path, 3);
	poke_be32(path, 68, 0x12345678);
	open_fails(path, STATE_READ_WRITE, MD_ERR_INPUT,
		   "cannot open state '%s': not an mldigest state (a database of another program)");
	poke_be32(path, 68, 0);
	open_fails(path, STATE_READ_WRITE, MD_ERR_INPUT,
		   "cannot open state '%s': not an mldigest state (a database of another program)");
	open_fails(path, STATE_DRY_RUN, MD_ERR_INPUT,
		   "cannot open state '%s': not an mldigest state (a database of another program)");
	free(path);
}

/* Opens `path` in `mode` and begins a run; returns the error. */
static int try_begin(const char *path, enum state_mode mode, struct state **out)
{
	int error = state_open(out, path, mode);

	if (!error)
		error = state_begin(*out, ARCHIVE_KVM, NULL);
	return error;
}

/*
 * The read-only checks, as a user who cannot write `ro_file` (0444, in a
 * directory anyone can write) nor create files next to `in_ro_dir` (0666, in
 * a 0755 directory of another user).  Plain C, no cmocka: it may run in a
 * child process.  Returns a failure description, or NULL.
 */
static const char *read_only_checks(const char *ro_file, const char *in_ro_dir)
{
	static char why[2048];
	struct state *s = NULL;
	struct store_message m = msg("c-other");
	char want[2048];
	bool dup = false;
	int error;

	/* Read-write on a read-only file: refused at open, saying why. */
	snprintf(want, sizeof(want), "cannot write state '%s': Permission denied", ro_file);
	error = state_open(&s, ro_file, STATE_READ_WRITE);
	if (error != MD_ERR_INPUT || strcmp(error_message(), want)) {
		snprintf(why, sizeof(why), "read-only file, read-write: %d '%s'", error,
			 error_message());
		return why;
	}
	/* Dry-run on it: reads fine. */
	error = try_begin(ro_file, STATE_DRY_RUN, &s);
	if (!error)
		error = store_record_patch(state_store(s), "id-1", &m, &dup);
	state_free(s);
	s = NULL;
	if (error || !dup) {
		snprintf(why, sizeof(why), "read-only file, dry-run: %d '%s'", error,
			 error_message());
		return why;
	}
	/*
	 * A directory where the -wal and -shm files cannot be made: refused in
	 * both modes (a read-only connection cannot read a WAL file without
	 * them either), saying so.
	 */
	snprintf(want, sizeof(want),
		 "cannot read state '%s': its directory is not writable (the state needs "
		 "its -wal and -shm files next to it)",
		 in_ro_dir);
	error = try_begin(in_ro_dir, STATE_READ_WRITE, &s);
	state_free(s);
	s = NULL;
	if (error != MD_ERR_INPUT || strcmp(error_message(), want)) {
		snprintf(why, sizeof(why), "read-only directory, read-write: %d '%s'", error,
			 error_message());
		return why;
	}
	error = try_begin(in_ro_dir, STATE_DRY_RUN, &s);
	state_free(s);
	if (error != MD_ERR_INPUT || strcmp(error_message(), want)) {
		snprintf(why, sizeof(why), "read-only directory, dry-run: %d '%s'", error,
			 error_message());
		return why;
	}
	return NULL;
}

/*
 * A state the user cannot write must fail at open with a clear message,
 * not midway or at commit.  Root writes through mode bits, so as root the
 * checks run in a child that has become nobody.
 */
static void test_read_only(void **unused)
{
	char *file_dir = new_path("ro-file"), *ro_dir = new_path("ro-dir");
	struct buf ro_file = BUF_INIT, in_ro_dir = BUF_INIT;
	const char *why;
	pid_t pid;
	int status;

	(void)unused;
	buf_addf(&ro_file, "%s/state.sqlite", file_dir);
	buf_addf(&in_ro_dir, "%s/state.sqlite", ro_dir);
	write_state(ro_file.data, 5);
	write_state(in_ro_dir.data, 5);
	assert_int_equal(chmod(file_dir, 0777), 0);
	assert_int_equal(chmod(ro_file.data, 0444), 0);
	assert_int_equal(chmod(in_ro_dir.data, 0666), 0);
	assert_int_equal(chmod(ro_dir, 0555), 0);
	assert_int_equal(chmod(tmpdir, 0755), 0);

	if (geteuid() != 0) {
		why = read_only_checks(ro_file.data, in_ro_dir.data);
		if (why)
			fail_msg("%s", why);
	} else {
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) < 0 || setuid(65534) < 0)
				_exit(3);
			why = read_only_checks(ro_file.data, in_ro_dir.data);
			if (why)
				fprintf(stderr, "%s\n", why);
			_exit(why ? 1 : 0);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(chmod(tmpdir, 0700), 0);
	assert_int_equal(chmod(ro_dir, 0700), 0);
	assert_int_equal(chmod(ro_file.data, 0644), 0);
	check_ok(ro_file.data);
	check_ok(in_ro_dir.data);
	buf_release(&ro_file);
	buf_release(&in_ro_dir);
	free(file_dir);
	free(ro_dir);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Two runs on one state at once: the second waits for the busy timeout,
 * then fails with the message the issue asks for; once the first has
 * committed, it runs and sees what the first recorded.  A reader (dry-run)
 * is never blocked by the writer.
 */
static void test_busy(void **unused)
{
	char *path = new_path("busy.sqlite");
	struct state *first, *second, *reader;
	struct buf want = BUF_INIT;
	double start, waited;
	char *end = NULL;

	(void)unused;
	setenv(STATE_BUSY_TIMEOUT_ENV, "200", 1);
	first = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM); /* a brand-new file */
	record(first, "id-a", "c1", false);

	second = open_ok(path, STATE_READ_WRITE);
	start = now_seconds();
	assert_int_equal(state_begin(second, ARCHIVE_KVM, "KVM"), MD_ERR_INPUT);
	waited = now_seconds() - start;
	buf_addf(&want, "state '%s' is in use by another run (waited 0.2 s)", path);
	assert_string_equal(error_message(), want.data);
	assert_true(waited >= 0.15);
	assert_true(waited < 5);

	commit_run(first, "aaaa", "bbbb");
	assert_int_equal(state_begin(first, ARCHIVE_KVM, "KVM"), 0); /* and holds it again */
	reader = begin_ok(path, STATE_DRY_RUN, ARCHIVE_KVM);
	record(reader, "id-a", "c2", true);
	state_free(reader);
	state_free(first); /* rolls back the second transaction */

	assert_int_equal(state_begin(second, ARCHIVE_KVM, "KVM"), 0);
	assert_int_equal(state_last_run_end(second, &end), 0);
	assert_string_equal(end, "bbbb");
	free(end);
	record(second, "id-a", "c2", true);
	commit_run(second, "bbbb", "cccc");
	assert_int_equal(state_check(second), 0);
	state_free(second);
	unsetenv(STATE_BUSY_TIMEOUT_ENV);
	buf_release(&want);
	free(path);
}

/*
 * Two processes running at once with the default timeout: both succeed,
 * one after the other, and the file passes integrity_check.
 */
static void test_concurrent_processes(void **unused)
{
	char *path = new_path("concurrent.sqlite");
	struct state *s = NULL;
	char identity[32], key[32];
	pid_t pid;
	int i, status, error, child;

	(void)unused;
	write_state(path, 1);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	child = pid == 0;
	/* The same steps in both processes; plain C, as the child must not use cmocka. */
	error = state_open(&s, path, STATE_READ_WRITE);
	if (!error)
		error = state_begin(s, child ? ARCHIVE_PPC : ARCHIVE_KVM, NULL);
	for (i = 0; !error && i < 3000; i++) {
		struct store_message m;
		bool dup;

		snprintf(identity, sizeof(identity), "p-%d", i);
		snprintf(key, sizeof(key), "%s-%d", child ? "child" : "parent", i);
		m = msg(key);
		error = store_record_patch(state_store(s), identity, &m, &dup);
	}
	if (!error) {
		struct state_run run = {.from = "x", .to = child ? "child" : "parent"};

		error = state_record_run(s, &run);
	}
	if (!error)
		error = state_commit(s);
	if (error)
		fprintf(stderr, "%s: %s\n", child ? "child" : "parent", error_message());
	state_free(s);
	if (child)
		_exit(error ? 1 : 0);
	assert_int_equal(error, 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	check_ok(path);
	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_PPC);
	record(s, "p-7", "child-7", false);
	record(s, "p-7", "parent-7", true);
	state_free(s);
	free(path);
}

struct listing {
	struct buf text;
};

static void list_run(const struct state_run *run, void *data)
{
	struct listing *l = data;

	buf_addf(&l->text, "%lld %.4s %s %s..%s %lld-%lld %lld/%lld/%lld/%lld/%lld\n",
		 (long long)run->id, run->archive_key, run->list_name ? run->list_name : "-",
		 run->from ? run->from : "", run->to, (long long)run->started,
		 (long long)run->ended, (long long)run->messages, (long long)run->patches,
		 (long long)run->leads, (long long)run->new_leads, (long long)run->duplicates);
}

static void list_archive(const struct state_archive *a, void *data)
{
	struct listing *l = data;

	buf_addf(&l->text, "%.4s %s %lld %s\n", a->key, a->list_name ? a->list_name : "-",
		 (long long)a->runs, a->last_run_end ? a->last_run_end : "-");
}

/*
 * `mldigest state` lists runs and archives: every field recorded comes back,
 * in order, per archive or for all; --list is kept with the archive and
 * updated when it changes; an archive without runs shows none.
 */
static void test_listing(void **unused)
{
	char *path = new_path("list.sqlite");
	struct listing l = {BUF_INIT};
	struct state_run run = {.list_name = "PPC",
				.to = "p1",
				.started = 10,
				.ended = 20,
				.messages = 5,
				.patches = 4,
				.leads = 3,
				.new_leads = 2,
				.duplicates = 1};
	struct state *s;

	(void)unused;
	/* Nothing to list yet, with or without a file. */
	s = open_ok(path, STATE_DRY_RUN);
	assert_int_equal(state_list_runs(s, NULL, list_run, &l), 0);
	assert_int_equal(state_list_archives(s, list_archive, &l), 0);
	state_free(s);
	assert_int_equal(l.text.len, 0);

	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	commit_run(s, "aaaa", "bbbb");
	assert_int_equal(state_begin(s, ARCHIVE_PPC, NULL), 0);
	assert_int_equal(state_record_run(s, &run), 0);
	assert_int_equal(state_commit(s), 0);
	assert_int_equal(state_begin(s, ARCHIVE_KVM, "kvm"), 0); /* --list changed */
	commit_run(s, "bbbb", "cccc");
	assert_int_equal(state_begin(s, ARCHIVE_PPC, "powerpc"), 0);
	assert_int_equal(state_commit(s), 0);
	assert_int_equal(state_begin(s, "3333333333", NULL), 0); /* no run */
	assert_int_equal(state_commit(s), 0);

	assert_int_equal(state_list_runs(s, NULL, list_run, &l), 0);
	assert_string_equal(l.text.data,
			    "1 1111 KVM aaaa..bbbb 1700000000-1700000005 6000/2500/700/650/50\n"
			    "3 1111 KVM bbbb..cccc 1700000000-1700000005 6000/2500/700/650/50\n"
			    "2 2222 PPC ..p1 10-20 5/4/3/2/1\n");
	buf_reset(&l.text);
	assert_int_equal(state_list_runs(s, ARCHIVE_PPC, list_run, &l), 0);
	assert_string_equal(l.text.data, "2 2222 PPC ..p1 10-20 5/4/3/2/1\n");
	buf_reset(&l.text);
	assert_int_equal(state_list_runs(s, "4444", list_run, &l), 0);
	assert_int_equal(l.text.len, 0);
	assert_int_equal(state_list_archives(s, list_archive, &l), 0);
	assert_string_equal(l.text.data, "1111 kvm 2 cccc\n"
					 "2222 powerpc 1 p1\n"
					 "3333 - 0 -\n");
	state_free(s);

	/* The same through a dry-run handle, inside its read transaction. */
	buf_reset(&l.text);
	s = begin_ok(path, STATE_DRY_RUN, ARCHIVE_KVM);
	assert_int_equal(state_list_archives(s, list_archive, &l), 0);
	assert_string_equal(l.text.data, "1111 kvm 2 cccc\n"
					 "2222 powerpc 1 p1\n"
					 "3333 - 0 -\n");
	state_free(s);
	buf_release(&l.text);
	free(path);
}

/*
 * Series and versions: the title and author are compared lower-cased, a
 * new version is a new series, and the first message decides like for
 * patches (a re-run is not "seen elsewhere").
 */
static void test_series(void **unused)
{
	char *path = new_path("series.sqlite");
	struct store_series v1 = {"A@X.org", "KVM: Fix It", 1, 3, "c1"};
	struct store_series again = {"a@x.org", "kvm: fix it", 1, 4, "c2"};
	struct store_series v2 = {"a@x.org", "KVM: fix it", 2, 3, "c3"};
	struct state *s;
	bool elsewhere = true;

	(void)unused;
	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	assert_int_equal(state_record_series(s, &v1, &elsewhere), 0);
	assert_false(elsewhere);
	assert_int_equal(state_record_series(s, &again, &elsewhere), 0);
	assert_true(elsewhere);
	assert_int_equal(state_record_series(s, &v2, NULL), 0);
	commit_run(s, "a", "b");
	state_free(s);

	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	assert_int_equal(state_record_series(s, &v1, &elsewhere), 0);
	assert_false(elsewhere);
	assert_int_equal(state_record_series(s, &again, &elsewhere), 0);
	assert_true(elsewhere);
	v2.message_key = "c9";
	assert_int_equal(state_record_series(s, &v2, &elsewhere), 0);
	assert_true(elsewhere);
	state_free(s);
	free(path);
}

/* Collects the keys find_thread hands out, space-separated. */
static int collect_key(const struct store_thread_message *m, void *data)
{
	struct buf *out = data;

	buf_addf(out, "%s%s", out->len ? " " : "", m->key);
	return 0;
}

static void expect_found(struct state *s, enum store_find by, const char *value, const char *keys)
{
	struct buf b = BUF_INIT;

	assert_int_equal(store_find_thread(state_store(s), by, value, collect_key, &b), 0);
	assert_string_equal(b.len ? b.data : "", keys);
	buf_release(&b);
}

static struct store_thread_message thread_msg(const char *key, const char *id, const char *root,
					      const char *title_key, const char *change_id)
{
	struct store_thread_message m = {
		.key = key, .message_id = id, .in_reply_to = root, .root_id = root,
		.date = 1700000000, .subject = "[PATCH] x", .author_name = "A",
		.author_addr = "a@x.org", .sender_name = "A", .sender_addr = "a@x.org",
		.title_key = title_key, .change_id = change_id,
	};
	return m;
}

/*
 * The series tables (schema 2): patches are kept once per key and found by
 * Message-ID, thread root, title key and change-id in the order recorded;
 * a version is updated in place; a notice marks its series applied, once.
 * A dry run finds what earlier runs kept and records nothing.
 */
static void test_thread_store(void **unused)
{
	char *path = new_path("thread.sqlite");
	struct store_thread_message cover = thread_msg("c0", "v1-0@x", "", "a@x.org\x1fx", "");
	struct store_thread_message p1 = thread_msg("c1", "v1-1@x", "v1-0@x", "", "");
	struct store_thread_message p2 = thread_msg("c2", "v1-2@x", "v1-0@x", "", "");
	struct store_thread_message v2 = thread_msg("c3", "v2-0@x", "", "a@x.org\x1fx", "20240101-x-1");
	struct store_version ver = {"v2-0@x", "a@x.org\x1fx", 2, 0, 2, 1, "v1-0@x", "same-title"};
	struct store_applied notice = {"c9", "v2-0@x", "[PATCH v2 0/2] x", "applied", "M <m@x>",
				       "kvm/next", ""};
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct state *s;
	struct store *st;

	(void)unused;
	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	st = state_store(s);
	assert_int_equal(store_record_thread(st, &cover), 0);
	assert_int_equal(store_record_thread(st, &p1), 0);
	assert_int_equal(store_record_thread(st, &p1), 0); /* once per key */
	assert_int_equal(store_record_thread(st, &p2), 0);
	assert_int_equal(store_record_thread(st, &v2), 0);
	ver.received = 1;
	assert_int_equal(store_record_version(st, &ver), 0);
	ver.received = 2;
	assert_int_equal(store_record_version(st, &ver), 0); /* updated, not added */
	assert_int_equal(store_record_applied(st, &notice), 0);
	assert_int_equal(store_record_applied(st, &notice), 0);
	commit_run(s, "a", "b");
	state_free(s);

	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	expect_found(s, STORE_BY_MESSAGE_ID, "v1-1@x", "c1");
	expect_found(s, STORE_BY_ROOT, "v1-0@x", "c1 c2");
	expect_found(s, STORE_BY_TITLE_KEY, "a@x.org\x1fx", "c0 c3");
	expect_found(s, STORE_BY_CHANGE_ID, "20240101-x-1", "c3");
	expect_found(s, STORE_BY_ROOT, "", "");	       /* empty ids match nothing */
	expect_found(s, STORE_BY_CHANGE_ID, "", "");
	expect_found(s, STORE_BY_MESSAGE_ID, "nobody@x", "");
	state_free(s);
	/* another archive sees none of it */
	s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_PPC);
	expect_found(s, STORE_BY_ROOT, "v1-0@x", "");
	state_free(s);

	/* a dry run finds them, and records nothing */
	read_bytes(path, &before);
	s = begin_ok(path, STATE_DRY_RUN, ARCHIVE_KVM);
	expect_found(s, STORE_BY_ROOT, "v1-0@x", "c1 c2");
	p1.key = "c7";
	assert_int_equal(store_record_thread(state_store(s), &p1), 0);
	expect_found(s, STORE_BY_ROOT, "v1-0@x", "c1 c2");
	assert_int_equal(store_record_version(state_store(s), &ver), 0);
	assert_int_equal(store_record_applied(state_store(s), &notice), 0);
	state_free(s);
	read_bytes(path, &after);
	assert_int_equal(after.len, before.len);
	assert_memory_equal(after.data, before.data, before.len);

	buf_release(&before);
	buf_release(&after);
	free(path);
}

/*
 * The store interface: the digest calls store_free() on whatever store it
 * was given; for the state's store that must do nothing (state_free owns it).
 */
static void test_store_interface(void **unused)
{
	char *path = new_path("store.sqlite");
	struct state *s = begin_ok(path, STATE_READ_WRITE, ARCHIVE_KVM);
	struct store *store = state_store(s);

	(void)unused;
	record(s, "id-a", "c1", false);
	store_free(store);
	record(s, "id-a", "c2", true);
	state_free(s);
	free(path);
}

/*
 * Relative names go to SQLite as file names even where SQLite takes
 * "file:" as a URI (Debian's does) and ":memory:" as special.
 */
static void test_relative_names(void **unused)
{
	char cwd[4096];
	struct state *s;

	(void)unused;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tmpdir), 0);
	s = begin_ok("file:rel.sqlite?mode=memory", STATE_READ_WRITE, ARCHIVE_KVM);
	commit_run(s, "a", "b");
	state_free(s);
	s = begin_ok(":memory:", STATE_READ_WRITE, ARCHIVE_KVM);
	commit_run(s, "a", "b");
	state_free(s);
	assert_true(file_exists("file:rel.sqlite?mode=memory"));
	assert_true(file_exists(":memory:"));
	assert_int_equal(chdir(cwd), 0);
}

/* The test knob for the busy timeout rejects what is not a number of milliseconds. */
static void test_busy_timeout_env(void **unused)
{
	char *path = new_path("env.sqlite");
	struct state *s = NULL;

	(void)unused;
	setenv(STATE_BUSY_TIMEOUT_ENV, "30s", 1);
	assert_int_equal(state_open(&s, path, STATE_READ_WRITE), MD_ERR_USAGE);
	assert_string_equal(error_message(), "invalid MLDIGEST_BUSY_TIMEOUT_MS '30s': not a "
					     "number of milliseconds");
	assert_null(s);
	assert_false(file_exists(path));
	unsetenv(STATE_BUSY_TIMEOUT_ENV);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_and_reopen),
		cmocka_unit_test(test_first_elsewhere),
		cmocka_unit_test(test_rollback_leaves_file),
		cmocka_unit_test(test_dry_run_byte_identical),
		cmocka_unit_test(test_dry_run_missing_file),
		cmocka_unit_test(test_zero_length_file),
		cmocka_unit_test(test_not_sqlite),
		cmocka_unit_test(test_not_regular_file),
		cmocka_unit_test(test_truncated_and_damaged),
		cmocka_unit_test(test_future_schema),
		cmocka_unit_test(test_foreign_database),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_busy),
		cmocka_unit_test(test_concurrent_processes),
		cmocka_unit_test(test_listing),
		cmocka_unit_test(test_series),
		cmocka_unit_test(test_thread_store),
		cmocka_unit_test(test_store_interface),
		cmocka_unit_test(test_relative_names),
		cmocka_unit_test(test_busy_timeout_env),
	};

	return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
