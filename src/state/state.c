/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SQLite state.  The only file that includes sqlite3.h: SQLite's memory
 * and error codes stay here, turned into our strings and enum md_status.
 *
 * Safety rules, from the issue: a run writes in one transaction, committed by
 * the caller after the digest is out; a file that is not ours, corrupt, or
 * from a newer mldigest is refused, never recreated; a second run waits for
 * the busy timeout, then fails with a message saying so.
 */
#include "state/state.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "util/buf.h"
#include "util/error.h"
#include "util/strmap.h"
#include "util/text.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* PRAGMA application_id of an mldigest state: "mldg". */
#define STATE_APPLICATION_ID 0x6d6c6467

/* The statements of the hot path and the per-run steps: prepared once, on first use. */
enum state_stmt {
	STMT_ARCHIVE_FIND,
	STMT_ARCHIVE_ADD,
	STMT_ARCHIVE_SET_LIST,
	STMT_PATCH_ADD,
	STMT_PATCH_FIRST,
	STMT_SERIES_ADD,
	STMT_SERIES_FIRST,
	STMT_RUN_ADD,
	STMT_RUN_LAST_END,
	STMT_THREAD_HAS,
	STMT_THREAD_ADD,
	STMT_THREAD_BY_MESSAGE_ID, /* the four in the order of enum store_find */
	STMT_THREAD_BY_ROOT,
	STMT_THREAD_BY_TITLE_KEY,
	STMT_THREAD_BY_CHANGE_ID,
	STMT_VERSION_FIND,
	STMT_VERSION_ADD,
	STMT_VERSION_SET,
	STMT_APPLIED_HAS,
	STMT_APPLIED_ADD,
	STMT_VERSION_SET_APPLIED,
	STMT_COUNT
};

static const char *const stmt_sql[STMT_COUNT] = {
	[STMT_ARCHIVE_FIND] = "SELECT id, list_name FROM archive WHERE key = ?1",
	[STMT_ARCHIVE_ADD] = "INSERT INTO archive (key, list_name, created) VALUES (?1, ?2, ?3)",
	[STMT_ARCHIVE_SET_LIST] = "UPDATE archive SET list_name = ?2 WHERE id = ?1",
	[STMT_PATCH_ADD] = "INSERT INTO patch (archive_id, identity_hash, identity, message_key, "
			   "message_id, commit_id, date, subject, author) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STMT_PATCH_FIRST] = "SELECT message_key FROM patch WHERE archive_id = ?1 "
			     "AND identity_hash = ?2 AND identity = ?3",
	[STMT_SERIES_ADD] = "INSERT INTO series (archive_id, key_hash, author, title, version, "
			    "total, message_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[STMT_SERIES_FIRST] = "SELECT message_key FROM series WHERE archive_id = ?1 "
			      "AND key_hash = ?2 AND author = ?3 AND title = ?4 AND version = ?5",
	[STMT_RUN_ADD] = "INSERT INTO run (archive_id, list_name, window_from, window_to, started, "
			 "ended, messages, patches, leads, new_leads, duplicates) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[STMT_RUN_LAST_END] = "SELECT window_to FROM run WHERE archive_id = ?1 "
			      "ORDER BY id DESC LIMIT 1",
	[STMT_THREAD_HAS] = "SELECT 1 FROM thread WHERE archive_id = ?1 AND key_hash = ?2 "
			    "AND message_key = ?3",
	[STMT_THREAD_ADD] = "INSERT INTO thread (archive_id, key_hash, message_key, id_hash, "
			    "message_id, in_reply_to, root_hash, root_id, date, subject, "
			    "author_name, author_addr, sender_name, sender_addr, title_hash, "
			    "title_key, change_hash, change_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
			    "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
#define THREAD_COLUMNS                                                                        \
	"SELECT message_key, message_id, in_reply_to, root_id, date, subject, author_name, "  \
	"author_addr, sender_name, sender_addr, title_key, change_id FROM thread "            \
	"WHERE archive_id = ?1 AND "
	[STMT_THREAD_BY_MESSAGE_ID] = THREAD_COLUMNS "id_hash = ?2 AND message_id = ?3 ORDER BY id",
	[STMT_THREAD_BY_ROOT] = THREAD_COLUMNS "root_hash = ?2 AND root_id = ?3 ORDER BY id",
	[STMT_THREAD_BY_TITLE_KEY] = THREAD_COLUMNS "title_hash = ?2 AND title_key = ?3 ORDER BY id",
	[STMT_THREAD_BY_CHANGE_ID] = THREAD_COLUMNS "change_hash = ?2 AND change_id = ?3 "
						    "ORDER BY id",
#undef THREAD_COLUMNS
	[STMT_VERSION_FIND] = "SELECT id FROM version WHERE archive_id = ?1 AND root_hash = ?2 "
			      "AND root_id = ?3",
	[STMT_VERSION_ADD] = "INSERT INTO version (archive_id, root_hash, root_id, title_key, "
			     "version_major, version_minor, total, received, previous_root, link) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[STMT_VERSION_SET] = "UPDATE version SET title_key = ?4, version_major = ?5, "
			     "version_minor = ?6, total = ?7, received = ?8, previous_root = ?9, "
			     "link = ?10 WHERE id = ?1",
	[STMT_APPLIED_HAS] = "SELECT 1 FROM applied WHERE archive_id = ?1 AND notice_hash = ?2 "
			     "AND notice_key = ?3 AND subject = ?4",
	[STMT_APPLIED_ADD] = "INSERT INTO applied (archive_id, notice_hash, notice_key, "
			     "series_root, subject, verb, who, place, commit_id) "
			     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[STMT_VERSION_SET_APPLIED] = "UPDATE version SET applied = 1 WHERE archive_id = ?1 "
				     "AND root_hash = ?2 AND root_id = ?3",
};

/* Defined with the functions, at the end (a tentative definition here). */
static const struct store_ops state_store_ops;

struct state {
	struct store store; /* first: state_store() hands it out */
	sqlite3 *db;        /* NULL in dry-run mode when the file does not exist */
	char *path;         /* as the user gave it: every message names it */
	enum state_mode mode;
	int busy_timeout_ms;
	int schema;           /* the file's user_version; 0 while it is empty */
	bool in_transaction;  /* between state_begin() and state_commit()/rollback() */
	int64_t archive_id;   /* the begun archive's row; 0 when it has none (dry-run) */
	sqlite3_stmt *stmt[STMT_COUNT];
	/* Dry-run: what the run would have recorded, key -> first message key (malloc'd). */
	struct strmap dry_patches;
	struct strmap dry_series;
};

/*
 * Turns an SQLite failure into our one message.  `what` is the verb of the
 * step that failed ("open", "read", "write"): "cannot read state 'X': ...".
 */
static int state_error(struct state *s, int rc, const char *what)
{
	int sys = s->db ? sqlite3_system_errno(s->db) : 0;
	const char *detail = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return error_set(MD_ERR_INPUT, "state '%s' is in use by another run (waited %g s)",
				 s->path, s->busy_timeout_ms / 1000.0);
	case SQLITE_NOTADB:
		return error_set(MD_ERR_INPUT, "cannot open state '%s': file is not a database",
				 s->path);
	case SQLITE_CORRUPT:
		return error_set(MD_ERR_INPUT, "state '%s' is corrupt: %s", s->path,
				 sqlite3_errstr(SQLITE_CORRUPT));
	case SQLITE_NOMEM:
		return error_set(MD_ERR_NOMEM, "out of memory using state '%s'", s->path);
	case SQLITE_READONLY:
		if (rc == SQLITE_READONLY_DIRECTORY || rc == SQLITE_READONLY_CANTINIT ||
		    rc == SQLITE_READONLY_CANTLOCK || rc == SQLITE_READONLY_RECOVERY)
			return error_set(MD_ERR_INPUT,
					 "cannot %s state '%s': its directory is not writable (the "
					 "state needs its -wal and -shm files next to it)",
					 what, s->path);
		return error_set(MD_ERR_INPUT, "cannot write state '%s': %s", s->path,
				 sys ? strerror(sys) : "the file is read-only");
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return error_set(MD_ERR_INPUT, "cannot %s state '%s': %s", what, s->path,
				 sys ? strerror(sys) : detail);
	case SQLITE_IOERR:
	case SQLITE_FULL:
		return error_set(MD_ERR_SYSTEM, "cannot %s state '%s': %s", what, s->path,
				 sys ? strerror(sys) : detail);
	default:
		return error_set(MD_ERR_INPUT, "cannot %s state '%s': %s", what, s->path, detail);
	}
}

static int exec_sql(struct state *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : state_error(s, rc, what);
}

/* The cached statement `id`, prepared on first use (the tables exist by then). */
static int get_stmt(struct state *s, enum state_stmt id, sqlite3_stmt **out)
{
	int rc;

	if (!s->stmt[id]) {
		rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
					&s->stmt[id], NULL);
		if (rc != SQLITE_OK)
			return state_error(s, rc, "read");
	}
	*out = s->stmt[id];
	return 0;
}

/* Makes a cached statement ready for its next use, holding no lock and no pointer of ours. */
static void stmt_done(sqlite3_stmt *stmt)
{
	if (!stmt)
		return;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

/* ---- opening and checking ---- */

static int busy_timeout_from_env(int *out)
{
	const char *v = getenv(STATE_BUSY_TIMEOUT_ENV);
	char *end;
	long ms;

	*out = STATE_BUSY_TIMEOUT_MS_DEFAULT;
	if (!v || !*v)
		return 0;
	errno = 0;
	ms = strtol(v, &end, 10);
	if (errno || *end || ms < 0 || ms > INT_MAX)
		return error_set(MD_ERR_USAGE, "invalid %s '%s': not a number of milliseconds",
				 STATE_BUSY_TIMEOUT_ENV, v);
	*out = (int)ms;
	return 0;
}

/* mkdir -p of the file's directory, new directories 0700. */
static int make_parent_dirs(struct state *s)
{
	char *dir = xstrdup(s->path), *slash = strrchr(dir, '/'), *p, c;
	int error = 0;

	if (!slash || slash == dir)
		goto cleanup; /* the working directory, or / */
	*slash = '\0';
	for (p = dir + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			error = error_set(MD_ERR_INPUT,
					  "cannot create directory '%s' for state '%s': %s", dir,
					  s->path, strerror(errno));
			goto cleanup;
		}
		*p = c;
		if (!c)
			break;
	}

cleanup:
	free(dir);
	return error;
}

static int open_db(struct state *s, bool exists)
{
	struct buf name = BUF_INIT;
	int flags = SQLITE_OPEN_READWRITE, rc, error = 0;

	/*
	 * Debian's SQLite takes "file:..." names as URIs and ":memory:" is
	 * special: "./" keeps a relative name a plain file name.
	 */
	if (s->path[0] != '/')
		buf_addstr(&name, "./");
	buf_addstr(&name, s->path);
	/* Created only when missing: an existing file is never replaced. */
	if (!exists && s->mode == STATE_READ_WRITE)
		flags |= SQLITE_OPEN_CREATE;
	/*
	 * Dry-run opens read-write too, but query-only: a read-only connection
	 * would leave -wal and -shm files behind, a read-write one removes them
	 * when it is the last to close.  SQLite falls back to read-only by
	 * itself when the file cannot be written.
	 */
	rc = sqlite3_open_v2(name.data, &s->db, flags, NULL);
	if (rc != SQLITE_OK) {
		error = state_error(s, rc, "open");
		goto cleanup;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, s->busy_timeout_ms);
	if (s->mode == STATE_READ_WRITE && sqlite3_db_readonly(s->db, "main") == 1) {
		/* SQLite opened it read-only: say why, in the words of the system. */
		const char *why = "the file is read-only";

		if (access(s->path, W_OK) < 0)
			why = strerror(errno);
		error = error_set(MD_ERR_INPUT, "cannot write state '%s': %s", s->path, why);
	}

cleanup:
	buf_release(&name);
	return error;
}

/*
 * Reads the header fields that say whose file this is and checks them: an
 * empty database (new, or zero-length), or an mldigest state of a schema
 * this mldigest knows.  The first access to the file: a file that is not
 * SQLite fails here.  Sets s->schema.
 */
static int check_header(struct state *s)
{
	sqlite3_stmt *stmt = NULL;
	int rc, error = 0, version, app_id, tables;

	rc = sqlite3_prepare_v2(s->db,
				"SELECT (SELECT user_version FROM pragma_user_version), "
				"(SELECT application_id FROM pragma_application_id), "
				"(SELECT count(*) FROM sqlite_master)",
				-1, &stmt, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		rc = SQLITE_OK;
	if (rc != SQLITE_OK) {
		error = state_error(s, rc, "read");
		goto cleanup;
	}
	version = sqlite3_column_int(stmt, 0);
	app_id = sqlite3_column_int(stmt, 1);
	tables = sqlite3_column_int(stmt, 2);

	if (app_id != STATE_APPLICATION_ID && (app_id != 0 || version != 0 || tables != 0)) {
		error = error_set(MD_ERR_INPUT,
				  "cannot open state '%s': not an mldigest state (a database of "
				  "another program)",
				  s->path);
	} else if (version > STATE_SCHEMA_VERSION) {
		error = error_set(MD_ERR_INPUT,
				  "state '%s' was written by a newer mldigest (schema %d, this one "
				  "knows %d)",
				  s->path, version, STATE_SCHEMA_VERSION);
	} else if (s->mode == STATE_DRY_RUN && version > 0 && version < STATE_SCHEMA_VERSION) {
		/* Upgrading is a write; dry-run writes nothing. */
		error = error_set(MD_ERR_INPUT,
				  "state '%s' has schema %d, older than this mldigest's %d: run "
				  "once without --dry-run to upgrade it",
				  s->path, version, STATE_SCHEMA_VERSION);
	} else {
		s->schema = version;
	}

cleanup:
	sqlite3_finalize(stmt);
	return error;
}

/*
 * PRAGMA quick_check: every page is read and the b-trees checked, so a
 * truncated or overwritten file is refused before the run writes to it
 * (about 0.6 ms per 1,000 recorded patches).
 */
static int quick_check(struct state *s)
{
	sqlite3_stmt *stmt = NULL;
	const char *result;
	int rc, error = 0;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &stmt, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		rc = SQLITE_OK;
	if (rc != SQLITE_OK) {
		error = state_error(s, rc, "read");
		goto cleanup;
	}
	result = (const char *)sqlite3_column_text(stmt, 0);
	if (!result || strcmp(result, "ok"))
		error = error_set(MD_ERR_INPUT, "state '%s' is corrupt: %s", s->path,
				  sqlite3_errstr(SQLITE_CORRUPT));

cleanup:
	sqlite3_finalize(stmt);
	return error;
}

static int configure(struct state *s)
{
	int error;

	if (s->mode == STATE_DRY_RUN)
		return exec_sql(s, "PRAGMA query_only = 1", "read");
	/*
	 * WAL: readers (a dry run, a listing) never wait for a run, and a run
	 * that dies leaves the file as it was.  synchronous=NORMAL is safe in
	 * WAL mode (a power cut may lose the last commit, never corrupt).
	 */
	if ((error = exec_sql(s, "PRAGMA journal_mode = WAL", "write")) < 0)
		return error;
	return exec_sql(s, "PRAGMA synchronous = NORMAL", "write");
}

/*
 * SQLite reads a file shorter than its header (a 1-byte file, say) as an
 * empty database and would write over it: any file that is not empty must
 * start with the SQLite magic before SQLite sees it.  A zero-length file is
 * an empty state, as SQLite sees it (what `touch` or `mktemp` leaves).
 */
static int check_magic(struct state *s, const struct stat *st)
{
	static const char magic[16] = "SQLite format 3";
	char head[sizeof(magic)];
	ssize_t n = 0;
	int fd;

	if (st->st_size == 0)
		return 0;
	fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(MD_ERR_INPUT, "cannot open state '%s': %s", s->path,
				 strerror(errno));
	do
		n = read(fd, head, sizeof(head));
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return error_set(MD_ERR_SYSTEM, "cannot read state '%s': %s", s->path,
				 strerror(errno));
	if ((size_t)n < sizeof(magic) || memcmp(head, magic, sizeof(magic)))
		return error_set(MD_ERR_INPUT, "cannot open state '%s': file is not a database",
				 s->path);
	return 0;
}

int state_open(struct state **out, const char *path, enum state_mode mode)
{
	struct state *s;
	struct stat st;
	bool exists = true;
	int error;

	*out = NULL;
	if (!*path)
		return error_set(MD_ERR_USAGE, "the state file name is empty");
	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	s->mode = mode;
	strmap_init(&s->dry_patches);
	strmap_init(&s->dry_series);
	s->store.ops = &state_store_ops;
	if ((error = busy_timeout_from_env(&s->busy_timeout_ms)) < 0)
		goto cleanup;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			error = error_set(MD_ERR_INPUT, "cannot open state '%s': %s", path,
					  strerror(errno));
			goto cleanup;
		}
		exists = false;
	} else if (!S_ISREG(st.st_mode)) {
		error = error_set(MD_ERR_INPUT, "cannot open state '%s': not a regular file", path);
		goto cleanup;
	}

	if (!exists && mode == STATE_DRY_RUN)
		goto done; /* an empty state, and no file made for it */
	if (exists && (error = check_magic(s, &st)) < 0)
		goto cleanup;
	if (!exists && (error = make_parent_dirs(s)) < 0)
		goto cleanup;
	if ((error = open_db(s, exists)) < 0 || (error = check_header(s)) < 0 ||
	    (error = quick_check(s)) < 0 || (error = configure(s)) < 0)
		goto cleanup;

done:
	*out = s;
	return 0;

cleanup:
	state_free(s);
	return error;
}

/* ---- schema ---- */

/*
 * Schema 1.  Strings are as the digest read them (UTF-8); dates and times are
 * seconds since the epoch.  A patch identity is the key of
 * identity_append_key(): author, version, index, total and title joined by
 * 0x1f.  A message key is a commit id, or the Message-ID where there is no
 * commit.
 *
 * Patches and series are looked up through an index on a 63-bit hash of
 * their key (key_hash(), part of the format), not on the text: its entries
 * are small, so a run that adds 2,500 patches to a state of 100,000 rewrites
 * a few hundred pages instead of thousands (with a b-tree on the text, the
 * commit took 25 times longer).  The rows themselves are appended in rowid
 * order.  Each key is recorded once per archive: state_record_*() look it up
 * before inserting, under the write lock of BEGIN IMMEDIATE.
 */
static int migrate_to_1(struct state *s)
{
	return exec_sql(s,
			"CREATE TABLE archive (\n"
			"  id INTEGER PRIMARY KEY,\n"
			"  key TEXT NOT NULL UNIQUE,\n" /* the id of its root commit */
			"  list_name TEXT,\n"
			"  created INTEGER NOT NULL\n"
			");\n"
			"CREATE TABLE patch (\n"
			"  id INTEGER PRIMARY KEY,\n"
			"  archive_id INTEGER NOT NULL REFERENCES archive (id),\n"
			"  identity_hash INTEGER NOT NULL,\n" /* key_hash(identity) */
			"  identity TEXT NOT NULL,\n"
			"  message_key TEXT NOT NULL,\n" /* its first message */
			"  message_id TEXT NOT NULL,\n"
			"  commit_id TEXT NOT NULL,\n"
			"  date INTEGER NOT NULL,\n"
			"  subject TEXT NOT NULL,\n"
			"  author TEXT NOT NULL\n"
			");\n"
			"CREATE INDEX patch_by_identity ON patch (archive_id, identity_hash);\n"
			"CREATE TABLE series (\n"
			"  id INTEGER PRIMARY KEY,\n"
			"  archive_id INTEGER NOT NULL REFERENCES archive (id),\n"
			/* key_hash(author 0x1f title 0x1f version), all as stored */
			"  key_hash INTEGER NOT NULL,\n"
			"  author TEXT NOT NULL,\n" /* lower-cased */
			"  title TEXT NOT NULL,\n"  /* lower-cased */
			"  version INTEGER NOT NULL,\n"
			"  total INTEGER NOT NULL,\n"
			"  message_key TEXT NOT NULL\n" /* the first message seen */
			");\n"
			"CREATE INDEX series_by_key ON series (archive_id, key_hash);\n"
			"CREATE TABLE run (\n"
			"  id INTEGER PRIMARY KEY,\n"
			"  archive_id INTEGER NOT NULL REFERENCES archive (id),\n"
			"  list_name TEXT,\n"
			"  window_from TEXT,\n" /* NULL: from the archive's root */
			"  window_to TEXT NOT NULL,\n"
			"  started INTEGER NOT NULL,\n"
			"  ended INTEGER NOT NULL,\n"
			"  messages INTEGER NOT NULL,\n"
			"  patches INTEGER NOT NULL,\n"
			"  leads INTEGER NOT NULL,\n"
			"  new_leads INTEGER NOT NULL,\n"
			"  duplicates INTEGER NOT NULL\n"
			");\n"
			"CREATE INDEX run_by_archive ON run (archive_id, id);\n"
			"PRAGMA application_id = 1835820135;\n", /* STATE_APPLICATION_ID */
			"write");
}

/*
 * migrations[i] upgrades schema i to i + 1, inside the run's transaction
 * (state_begin), so a failed run leaves the old schema.  To add schema 2:
 *
 *	static int migrate_to_2(struct state *s)
 *	{
 *		return exec_sql(s, "ALTER TABLE run ADD COLUMN replies INTEGER NOT NULL "
 *				   "DEFAULT 0", "write");
 *	}
 *
 * append migrate_to_2 below, set STATE_SCHEMA_VERSION to 2 in state.h and use
 * the column.  A schema 1 file is then upgraded by the first read-write run
 * (a dry run asks for one), and an older mldigest refuses it as "newer".
 */
/*
 * Schema 2 (issue 5): what later windows need of a series.  `thread` holds
 * every patch once (by message key) with what series_add_earlier() takes;
 * its hash columns are NULL where the text is empty, so the partial indexes
 * hold only what can be looked up (a lead's title key and change-id).
 * `version` holds each series version by its root Message-ID with the
 * version before it; `applied` the notices, once per (notice, subject).
 */
static int migrate_to_2(struct state *s)
{
	return exec_sql(s,
			"CREATE TABLE thread (\n"
			"  id INTEGER PRIMARY KEY,\n"
			"  archive_id INTEGER NOT NULL REFERENCES archive (id),\n"
			"  key_hash INTEGER NOT NULL,\n"
			"  message_key TEXT NOT NULL,\n"
			"  id_hash INTEGER,\n"
			"  message_id TEXT NOT NULL,\n"
			"  in_reply_to TEXT NOT NULL,\n"
			"  root_hash INTEGER,\n"
			"  root_id TEXT NOT NULL,\n" /* the first References id */
			"  date INTEGER NOT NULL,\n"
			"  subject TEXT NOT NULL,\n"
			"  author_name TEXT NOT NULL,\n"
			"  author_addr TEXT NOT NULL,\n"
			"  sender_name TEXT NOT NULL,\n"
			"  sender_addr TEXT NOT NULL,\n"
			"  title_hash INTEGER,\n"
			"  title_key TEXT NOT NULL,\n" /* leads only */
			"  change_hash INTEGER,\n"
			"  change_id TEXT NOT NULL\n"
			");\n"
			"CREATE INDEX thread_by_key ON thread (archive_id, key_hash);\n"
			"CREATE INDEX thread_by_id ON thread (archive_id, id_hash) "
			"WHERE id_hash IS NOT NULL;\n"
			"CREATE INDEX thread_by_root ON thread (archive_id, root_hash) "
			"WHERE root_hash IS NOT NULL;\n"
			"CREATE INDEX thread_by_title ON thread (archive_id, title_hash) "
			"WHERE title_hash IS NOT NULL;\n"
			"CREATE INDEX thread_by_change ON thread (archive_id, change_hash) "
			"WHERE change_hash IS NOT NULL;\n"
			"CREATE TABLE version (\n"
			"  id INTEGER PRIMARY KEY,\n"
			"  archive_id INTEGER NOT NULL REFERENCES archive (id),\n"
			"  root_hash INTEGER NOT NULL,\n"
			"  root_id TEXT NOT NULL,\n"
			"  title_key TEXT NOT NULL,\n"
			"  version_major INTEGER NOT NULL,\n"
			"  version_minor INTEGER NOT NULL,\n"
			"  total INTEGER NOT NULL,\n"
			"  received INTEGER NOT NULL,\n"
			"  previous_root TEXT NOT NULL,\n" /* "" when none */
			"  link TEXT NOT NULL,\n"
			"  applied INTEGER NOT NULL DEFAULT 0\n"
			");\n"
			"CREATE INDEX version_by_root ON version (archive_id, root_hash);\n"
			"CREATE TABLE applied (\n"
			"  id INTEGER PRIMARY KEY,\n"
			"  archive_id INTEGER NOT NULL REFERENCES archive (id),\n"
			"  notice_hash INTEGER NOT NULL,\n"
			"  notice_key TEXT NOT NULL,\n"
			"  series_root TEXT NOT NULL,\n"
			"  subject TEXT NOT NULL,\n"
			"  verb TEXT NOT NULL,\n"
			"  who TEXT NOT NULL,\n"
			"  place TEXT NOT NULL,\n"
			"  commit_id TEXT NOT NULL\n"
			");\n"
			"CREATE INDEX applied_by_notice ON applied (archive_id, notice_hash);\n",
			"write");
}

static int (*const migrations[])(struct state *s) = {
	migrate_to_1,
	migrate_to_2,
};

_Static_assert(ARRAY_SIZE(migrations) == STATE_SCHEMA_VERSION,
	       "one migration per schema version");
_Static_assert(STATE_APPLICATION_ID == 1835820135, "the id written by migrate_to_1");

static int migrate(struct state *s)
{
	char sql[64];
	int error, v;

	for (v = s->schema; v < STATE_SCHEMA_VERSION; v++)
		if ((error = migrations[v](s)) < 0)
			return error;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", STATE_SCHEMA_VERSION);
	if ((error = exec_sql(s, sql, "write")) < 0)
		return error;
	s->schema = STATE_SCHEMA_VERSION;
	return 0;
}

/* ---- the run's transaction ---- */

static void forget_dry_run(struct state *s)
{
	strmap_release(&s->dry_patches, free);
	strmap_release(&s->dry_series, free);
	strmap_init(&s->dry_patches);
	strmap_init(&s->dry_series);
}

static void end_transaction(struct state *s)
{
	s->in_transaction = false;
	s->archive_id = 0;
	forget_dry_run(s);
}

void state_rollback(struct state *s)
{
	if (!s->in_transaction)
		return;
	if (s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	end_transaction(s);
}

/* Finds the archive's row, adding it (read-write) or leaving archive_id 0 (dry-run). */
static int find_archive(struct state *s, const char *archive_key, const char *list_name)
{
	sqlite3_stmt *stmt;
	const char *stored;
	int rc, error;
	bool update = false;

	if ((error = get_stmt(s, STMT_ARCHIVE_FIND, &stmt)) < 0)
		return error;
	sqlite3_bind_text(stmt, 1, archive_key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		s->archive_id = sqlite3_column_int64(stmt, 0);
		stored = (const char *)sqlite3_column_text(stmt, 1);
		update = list_name && (!stored || strcmp(stored, list_name));
	}
	stmt_done(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return state_error(s, rc, "read");
	if (s->mode == STATE_DRY_RUN)
		return 0;

	if (rc == SQLITE_DONE) {
		if ((error = get_stmt(s, STMT_ARCHIVE_ADD, &stmt)) < 0)
			return error;
		sqlite3_bind_text(stmt, 1, archive_key, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 2, list_name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, (sqlite3_int64)time(NULL));
		rc = sqlite3_step(stmt);
		stmt_done(stmt);
		if (rc != SQLITE_DONE)
			return state_error(s, rc, "write");
		s->archive_id = sqlite3_last_insert_rowid(s->db);
	} else if (update) {
		if ((error = get_stmt(s, STMT_ARCHIVE_SET_LIST, &stmt)) < 0)
			return error;
		sqlite3_bind_int64(stmt, 1, s->archive_id);
		sqlite3_bind_text(stmt, 2, list_name, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		stmt_done(stmt);
		if (rc != SQLITE_DONE)
			return state_error(s, rc, "write");
	}
	return 0;
}

int state_begin(struct state *s, const char *archive_key, const char *list_name)
{
	int error;

	assert(!s->in_transaction && archive_key);
	s->in_transaction = true;
	s->archive_id = 0;
	if (!s->db)
		return 0; /* dry-run without a file: nothing recorded */

	/*
	 * Read-write: the write lock at once, so two runs never interleave and
	 * the second one waits here (busy timeout) rather than failing midway.
	 */
	if (s->mode == STATE_READ_WRITE)
		error = exec_sql(s, "BEGIN IMMEDIATE", "write");
	else
		error = exec_sql(s, "BEGIN", "read");
	if (error < 0)
		goto fail;
	/* Again, inside the transaction: another run may have created or upgraded it. */
	if ((error = check_header(s)) < 0)
		goto fail;
	if (s->mode == STATE_READ_WRITE && s->schema < STATE_SCHEMA_VERSION &&
	    (error = migrate(s)) < 0)
		goto fail;
	if (s->schema > 0 && (error = find_archive(s, archive_key, list_name)) < 0)
		goto fail;
	return 0;

fail:
	state_rollback(s);
	return error;
}

int state_commit(struct state *s)
{
	int rc;

	assert(s->in_transaction);
	if (s->mode == STATE_DRY_RUN) {
		state_rollback(s);
		return 0;
	}
	rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int error = state_error(s, rc, "write");

		state_rollback(s);
		return error;
	}
	end_transaction(s);
	return 0;
}

int state_last_run_end(struct state *s, char **out)
{
	sqlite3_stmt *stmt;
	int rc, error;

	assert(s->in_transaction);
	*out = NULL;
	if (!s->archive_id)
		return 0;
	if ((error = get_stmt(s, STMT_RUN_LAST_END, &stmt)) < 0)
		return error;
	sqlite3_bind_int64(stmt, 1, s->archive_id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = xstrdup((const char *)sqlite3_column_text(stmt, 0));
	stmt_done(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return state_error(s, rc, "read");
	return 0;
}

/* ---- recording ---- */

/*
 * The hash the patch and series indexes are on: FNV-1a 64 of the bytes,
 * shifted to 63 bits to fit SQLite's signed integers.  Stored in the file:
 * never change it without a migration that recomputes the column.
 */
static int64_t key_hash(const char *key)
{
	uint64_t h = 14695981039346656037u;

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211u;
	}
	return (int64_t)(h >> 1);
}

/*
 * Steps `first`, a bound SELECT of the first message key, and resets it.
 * Returns 1 when a key is recorded, with *elsewhere set when it is not
 * `key`; 0 when none is; or an error.
 */
static int find_first(struct state *s, sqlite3_stmt *first, const char *key, bool *elsewhere)
{
	int rc = sqlite3_step(first);

	if (rc == SQLITE_ROW)
		*elsewhere = strcmp((const char *)sqlite3_column_text(first, 0), key) != 0;
	stmt_done(first);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return state_error(s, rc, "read");
	return rc == SQLITE_ROW;
}

/*
 * Dry-run: looks `map_key` up in what this run remembered, else in the file
 * through `first` (bound; NULL when the file has nothing), remembers the
 * first key and compares.  `first` is reset in every case.
 */
static int dry_record(struct state *s, struct strmap *map, const char *map_key,
		      sqlite3_stmt *first, const char *key, bool *elsewhere)
{
	struct strmap_entry *e;
	const char *text;
	int inserted, rc = SQLITE_DONE;

	e = strmap_put(map, map_key, &inserted);
	if (inserted) {
		if (first) {
			rc = sqlite3_step(first);
			text = NULL;
			if (rc == SQLITE_ROW)
				text = (const char *)sqlite3_column_text(first, 0);
			e->value = xstrdup(text ? text : key);
		} else {
			e->value = xstrdup(key);
		}
	}
	stmt_done(first);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return state_error(s, rc, "read");
	*elsewhere = strcmp(e->value, key) != 0;
	return 0;
}

static int state_record_patch(struct store *store, const char *identity,
			      const struct store_message *msg, bool *first_elsewhere)
{
	struct state *s = (struct state *)store;
	sqlite3_stmt *add, *first = NULL;
	int64_t hash = key_hash(identity);
	int rc, error;

	assert(s->in_transaction && (s->archive_id || s->mode == STATE_DRY_RUN));
	if (s->archive_id) {
		if ((error = get_stmt(s, STMT_PATCH_FIRST, &first)) < 0)
			return error;
		sqlite3_bind_int64(first, 1, s->archive_id);
		sqlite3_bind_int64(first, 2, hash);
		sqlite3_bind_text(first, 3, identity, -1, SQLITE_STATIC);
	}
	if (s->mode == STATE_DRY_RUN)
		return dry_record(s, &s->dry_patches, identity, first, msg->key, first_elsewhere);

	if ((error = find_first(s, first, msg->key, first_elsewhere)) != 0)
		return error < 0 ? error : 0;
	if ((error = get_stmt(s, STMT_PATCH_ADD, &add)) < 0)
		return error;
	sqlite3_bind_int64(add, 1, s->archive_id);
	sqlite3_bind_int64(add, 2, hash);
	sqlite3_bind_text(add, 3, identity, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 4, msg->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 5, msg->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 6, msg->commit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(add, 7, msg->date);
	sqlite3_bind_text(add, 8, msg->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 9, msg->author, -1, SQLITE_STATIC);
	rc = sqlite3_step(add);
	stmt_done(add);
	if (rc != SQLITE_DONE)
		return state_error(s, rc, "write");
	*first_elsewhere = false;
	return 0;
}

int state_record_series(struct state *s, const struct store_series *series,
			bool *first_elsewhere)
{
	struct buf author = BUF_INIT, title = BUF_INIT, key = BUF_INIT;
	sqlite3_stmt *add, *first = NULL;
	bool elsewhere = false;
	int64_t hash;
	int rc, error = 0;

	assert(s->in_transaction && (s->archive_id || s->mode == STATE_DRY_RUN));
	text_append_lower(&author, series->author, strlen(series->author));
	text_append_lower(&title, series->title, strlen(series->title));
	buf_addf(&key, "%s\x1f%s\x1f%d", author.data, title.data, series->version);
	hash = key_hash(key.data);
	if (s->archive_id) {
		if ((error = get_stmt(s, STMT_SERIES_FIRST, &first)) < 0)
			goto cleanup;
		sqlite3_bind_int64(first, 1, s->archive_id);
		sqlite3_bind_int64(first, 2, hash);
		sqlite3_bind_text(first, 3, author.data, -1, SQLITE_STATIC);
		sqlite3_bind_text(first, 4, title.data, -1, SQLITE_STATIC);
		sqlite3_bind_int(first, 5, series->version);
	}
	if (s->mode == STATE_DRY_RUN) {
		error = dry_record(s, &s->dry_series, key.data, first, series->message_key,
				   &elsewhere);
		goto cleanup;
	}

	if ((error = find_first(s, first, series->message_key, &elsewhere)) != 0) {
		if (error > 0)
			error = 0;
		goto cleanup;
	}
	if ((error = get_stmt(s, STMT_SERIES_ADD, &add)) < 0)
		goto cleanup;
	sqlite3_bind_int64(add, 1, s->archive_id);
	sqlite3_bind_int64(add, 2, hash);
	sqlite3_bind_text(add, 3, author.data, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 4, title.data, -1, SQLITE_STATIC);
	sqlite3_bind_int(add, 5, series->version);
	sqlite3_bind_int(add, 6, series->total);
	sqlite3_bind_text(add, 7, series->message_key, -1, SQLITE_STATIC);
	rc = sqlite3_step(add);
	stmt_done(add);
	if (rc != SQLITE_DONE)
		error = state_error(s, rc, "write");

cleanup:
	if (first_elsewhere)
		*first_elsewhere = elsewhere;
	buf_release(&key);
	buf_release(&title);
	buf_release(&author);
	return error;
}

/* ---- series (schema 2) ---- */

_Static_assert(STMT_THREAD_BY_ROOT - STMT_THREAD_BY_MESSAGE_ID == STORE_BY_ROOT &&
		       STMT_THREAD_BY_TITLE_KEY - STMT_THREAD_BY_MESSAGE_ID == STORE_BY_TITLE_KEY &&
		       STMT_THREAD_BY_CHANGE_ID - STMT_THREAD_BY_MESSAGE_ID == STORE_BY_CHANGE_ID,
	       "one statement for each enum store_find, in its order");

static void bind_hash_or_null(sqlite3_stmt *stmt, int i, const char *text)
{
	if (*text)
		sqlite3_bind_int64(stmt, i, key_hash(text));
	else
		sqlite3_bind_null(stmt, i);
}

/*
 * Steps `stmt`, a bound SELECT of whether a row exists, and resets it:
 * 1 when one does, 0 when none, or an error.
 */
static int step_exists(struct state *s, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	stmt_done(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return state_error(s, rc, "read");
	return rc == SQLITE_ROW;
}

/* Steps a bound INSERT or UPDATE and resets it. */
static int step_write(struct state *s, sqlite3_stmt *stmt)
{
	int rc = sqlite3_step(stmt);

	stmt_done(stmt);
	return rc == SQLITE_DONE ? 0 : state_error(s, rc, "write");
}

/* Dry-run records nothing of the series: the window's set holds them. */
static bool records(const struct state *s)
{
	assert(s->in_transaction && (s->archive_id || s->mode == STATE_DRY_RUN));
	return s->mode != STATE_DRY_RUN && s->archive_id;
}

static int state_record_thread(struct store *store, const struct store_thread_message *m)
{
	struct state *s = (struct state *)store;
	sqlite3_stmt *has, *add;
	int error;

	if (!records(s))
		return 0;
	if ((error = get_stmt(s, STMT_THREAD_HAS, &has)) < 0)
		return error;
	sqlite3_bind_int64(has, 1, s->archive_id);
	sqlite3_bind_int64(has, 2, key_hash(m->key));
	sqlite3_bind_text(has, 3, m->key, -1, SQLITE_STATIC);
	if ((error = step_exists(s, has)) != 0)
		return error < 0 ? error : 0;
	if ((error = get_stmt(s, STMT_THREAD_ADD, &add)) < 0)
		return error;
	sqlite3_bind_int64(add, 1, s->archive_id);
	sqlite3_bind_int64(add, 2, key_hash(m->key));
	sqlite3_bind_text(add, 3, m->key, -1, SQLITE_STATIC);
	bind_hash_or_null(add, 4, m->message_id);
	sqlite3_bind_text(add, 5, m->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 6, m->in_reply_to, -1, SQLITE_STATIC);
	bind_hash_or_null(add, 7, m->root_id);
	sqlite3_bind_text(add, 8, m->root_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(add, 9, m->date);
	sqlite3_bind_text(add, 10, m->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 11, m->author_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 12, m->author_addr, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 13, m->sender_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 14, m->sender_addr, -1, SQLITE_STATIC);
	bind_hash_or_null(add, 15, m->title_key);
	sqlite3_bind_text(add, 16, m->title_key, -1, SQLITE_STATIC);
	bind_hash_or_null(add, 17, m->change_id);
	sqlite3_bind_text(add, 18, m->change_id, -1, SQLITE_STATIC);
	return step_write(s, add);
}

static const char *column(sqlite3_stmt *stmt, int i)
{
	const char *text = (const char *)sqlite3_column_text(stmt, i);

	return text ? text : "";
}

static int state_find_thread(struct store *store, enum store_find by, const char *value,
			     store_thread_fn fn, void *data)
{
	struct state *s = (struct state *)store;
	sqlite3_stmt *stmt;
	int rc, error = 0;

	assert(s->in_transaction);
	if (!s->archive_id || !*value)
		return 0; /* dry-run on a new state: nothing recorded */
	if ((error = get_stmt(s, STMT_THREAD_BY_MESSAGE_ID + (int)by, &stmt)) < 0)
		return error;
	sqlite3_bind_int64(stmt, 1, s->archive_id);
	sqlite3_bind_int64(stmt, 2, key_hash(value));
	sqlite3_bind_text(stmt, 3, value, -1, SQLITE_STATIC);
	while (!error && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_thread_message m = {
			.key = column(stmt, 0),
			.message_id = column(stmt, 1),
			.in_reply_to = column(stmt, 2),
			.root_id = column(stmt, 3),
			.date = sqlite3_column_int64(stmt, 4),
			.subject = column(stmt, 5),
			.author_name = column(stmt, 6),
			.author_addr = column(stmt, 7),
			.sender_name = column(stmt, 8),
			.sender_addr = column(stmt, 9),
			.title_key = column(stmt, 10),
			.change_id = column(stmt, 11),
		};

		error = fn(&m, data);
	}
	stmt_done(stmt);
	if (!error && rc != SQLITE_DONE)
		error = state_error(s, rc, "read");
	return error;
}

static int state_record_version(struct store *store, const struct store_version *v)
{
	struct state *s = (struct state *)store;
	sqlite3_stmt *find, *put;
	int64_t id = 0;
	int rc, error;

	if (!records(s))
		return 0;
	if ((error = get_stmt(s, STMT_VERSION_FIND, &find)) < 0)
		return error;
	sqlite3_bind_int64(find, 1, s->archive_id);
	sqlite3_bind_int64(find, 2, key_hash(v->root_id));
	sqlite3_bind_text(find, 3, v->root_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(find);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(find, 0);
	stmt_done(find);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return state_error(s, rc, "read");
	if ((error = get_stmt(s, id ? STMT_VERSION_SET : STMT_VERSION_ADD, &put)) < 0)
		return error;
	if (id) {
		sqlite3_bind_int64(put, 1, id);
	} else {
		sqlite3_bind_int64(put, 1, s->archive_id);
		sqlite3_bind_int64(put, 2, key_hash(v->root_id));
		sqlite3_bind_text(put, 3, v->root_id, -1, SQLITE_STATIC);
	}
	sqlite3_bind_text(put, 4, v->title_key, -1, SQLITE_STATIC);
	sqlite3_bind_int(put, 5, v->version_major);
	sqlite3_bind_int(put, 6, v->version_minor);
	sqlite3_bind_int(put, 7, v->total);
	sqlite3_bind_int(put, 8, v->received);
	sqlite3_bind_text(put, 9, v->previous_root, -1, SQLITE_STATIC);
	sqlite3_bind_text(put, 10, v->link, -1, SQLITE_STATIC);
	return step_write(s, put);
}

static int state_record_applied(struct store *store, const struct store_applied *a)
{
	struct state *s = (struct state *)store;
	sqlite3_stmt *has, *add, *mark;
	int error;

	if (!records(s))
		return 0;
	if ((error = get_stmt(s, STMT_APPLIED_HAS, &has)) < 0)
		return error;
	sqlite3_bind_int64(has, 1, s->archive_id);
	sqlite3_bind_int64(has, 2, key_hash(a->notice_key));
	sqlite3_bind_text(has, 3, a->notice_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(has, 4, a->subject, -1, SQLITE_STATIC);
	if ((error = step_exists(s, has)) != 0)
		return error < 0 ? error : 0;
	if ((error = get_stmt(s, STMT_APPLIED_ADD, &add)) < 0)
		return error;
	sqlite3_bind_int64(add, 1, s->archive_id);
	sqlite3_bind_int64(add, 2, key_hash(a->notice_key));
	sqlite3_bind_text(add, 3, a->notice_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 4, a->series_root, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 5, a->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 6, a->verb, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 7, a->who, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 8, a->where, -1, SQLITE_STATIC);
	sqlite3_bind_text(add, 9, a->commit, -1, SQLITE_STATIC);
	if ((error = step_write(s, add)) < 0 || !*a->series_root)
		return error;
	if ((error = get_stmt(s, STMT_VERSION_SET_APPLIED, &mark)) < 0)
		return error;
	sqlite3_bind_int64(mark, 1, s->archive_id);
	sqlite3_bind_int64(mark, 2, key_hash(a->series_root));
	sqlite3_bind_text(mark, 3, a->series_root, -1, SQLITE_STATIC);
	return step_write(s, mark);
}

int state_record_run(struct state *s, const struct state_run *run)
{
	sqlite3_stmt *stmt;
	int rc, error;

	assert(s->in_transaction && run->to);
	if (s->mode == STATE_DRY_RUN)
		return 0;
	if ((error = get_stmt(s, STMT_RUN_ADD, &stmt)) < 0)
		return error;
	sqlite3_bind_int64(stmt, 1, s->archive_id);
	sqlite3_bind_text(stmt, 2, run->list_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, run->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, run->to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, run->started);
	sqlite3_bind_int64(stmt, 6, run->ended);
	sqlite3_bind_int64(stmt, 7, run->messages);
	sqlite3_bind_int64(stmt, 8, run->patches);
	sqlite3_bind_int64(stmt, 9, run->leads);
	sqlite3_bind_int64(stmt, 10, run->new_leads);
	sqlite3_bind_int64(stmt, 11, run->duplicates);
	rc = sqlite3_step(stmt);
	stmt_done(stmt);
	return rc == SQLITE_DONE ? 0 : state_error(s, rc, "write");
}

/* ---- listing and checking ---- */

int state_list_runs(struct state *s, const char *archive_key,
		    void (*fn)(const struct state_run *run, void *data), void *data)
{
	sqlite3_stmt *stmt = NULL;
	struct state_run run;
	int rc, error = 0;

	if (!s->db || !s->schema)
		return 0;
	rc = sqlite3_prepare_v2(s->db,
				"SELECT r.id, a.key, r.list_name, r.window_from, r.window_to, "
				"r.started, r.ended, r.messages, r.patches, r.leads, r.new_leads, "
				"r.duplicates FROM run r JOIN archive a ON a.id = r.archive_id "
				"WHERE ?1 IS NULL OR a.key = ?1 ORDER BY a.id, r.id",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto cleanup;
	sqlite3_bind_text(stmt, 1, archive_key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		run.id = sqlite3_column_int64(stmt, 0);
		run.archive_key = (const char *)sqlite3_column_text(stmt, 1);
		run.list_name = (const char *)sqlite3_column_text(stmt, 2);
		run.from = (const char *)sqlite3_column_text(stmt, 3);
		run.to = (const char *)sqlite3_column_text(stmt, 4);
		run.started = sqlite3_column_int64(stmt, 5);
		run.ended = sqlite3_column_int64(stmt, 6);
		run.messages = sqlite3_column_int64(stmt, 7);
		run.patches = sqlite3_column_int64(stmt, 8);
		run.leads = sqlite3_column_int64(stmt, 9);
		run.new_leads = sqlite3_column_int64(stmt, 10);
		run.duplicates = sqlite3_column_int64(stmt, 11);
		fn(&run, data);
	}

cleanup:
	if (rc != SQLITE_DONE)
		error = state_error(s, rc, "read");
	sqlite3_finalize(stmt);
	return error;
}

int state_list_archives(struct state *s,
			void (*fn)(const struct state_archive *archive, void *data), void *data)
{
	sqlite3_stmt *stmt = NULL;
	struct state_archive archive;
	int rc, error = 0;

	if (!s->db || !s->schema)
		return 0;
	rc = sqlite3_prepare_v2(s->db,
				"SELECT a.key, a.list_name, "
				"(SELECT count(*) FROM run r WHERE r.archive_id = a.id), "
				"(SELECT window_to FROM run r WHERE r.archive_id = a.id "
				"ORDER BY r.id DESC LIMIT 1) FROM archive a ORDER BY a.id",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		goto cleanup;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		archive.key = (const char *)sqlite3_column_text(stmt, 0);
		archive.list_name = (const char *)sqlite3_column_text(stmt, 1);
		archive.runs = sqlite3_column_int64(stmt, 2);
		archive.last_run_end = (const char *)sqlite3_column_text(stmt, 3);
		fn(&archive, data);
	}

cleanup:
	if (rc != SQLITE_DONE)
		error = state_error(s, rc, "read");
	sqlite3_finalize(stmt);
	return error;
}

int state_check(struct state *s)
{
	sqlite3_stmt *stmt = NULL;
	const char *result;
	int rc, error = 0;

	assert(!s->in_transaction);
	if (!s->db)
		return 0;
	rc = sqlite3_prepare_v2(s->db, "PRAGMA integrity_check(1)", -1, &stmt, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		rc = SQLITE_OK;
	if (rc != SQLITE_OK) {
		error = state_error(s, rc, "read");
		goto cleanup;
	}
	result = (const char *)sqlite3_column_text(stmt, 0);
	if (!result || strcmp(result, "ok"))
		error = error_set(MD_ERR_INPUT, "state '%s' is corrupt: %.200s", s->path,
				  result ? result : "integrity_check failed");

cleanup:
	sqlite3_finalize(stmt);
	return error;
}

/* ---- the store interface, and freeing ---- */

/* The store is borrowed from the state: state_free() frees it. */
static void state_store_free(struct store *store)
{
	(void)store;
}

static int state_store_record_series(struct store *store, const struct store_series *series)
{
	return state_record_series((struct state *)store, series, NULL);
}

static const struct store_ops state_store_ops = {
	.record_patch = state_record_patch,
	.record_series = state_store_record_series,
	.record_thread = state_record_thread,
	.find_thread = state_find_thread,
	.record_version = state_record_version,
	.record_applied = state_record_applied,
	.free = state_store_free,
};

const char *state_library_version(void)
{
	return sqlite3_libversion();
}

struct store *state_store(struct state *s)
{
	return &s->store;
}

void state_free(struct state *s)
{
	size_t i;

	if (!s)
		return;
	state_rollback(s);
	for (i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	strmap_release(&s->dry_patches, free);
	strmap_release(&s->dry_series, free);
	free(s->path);
	free(s);
}
