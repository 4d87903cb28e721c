/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_STATE_STATE_H
#define MLDIGEST_STATE_STATE_H

/*
 * The SQLite state (SPEC "State"): what earlier runs saw, per archive.
 *
 * A run opens the state, begins its one transaction, looks up where the last
 * run ended, records what it sees through state_store() (the store.h
 * interface the digest talks to) and state_record_*(), and commits only after
 * the digest is written in full.  Anything not committed -- an error, a
 * signal, state_free() without state_commit() -- leaves the file as it was.
 *
 *	struct state *s = NULL;
 *	char *last_end = NULL;
 *
 *	if ((error = state_open(&s, path, STATE_READ_WRITE)) < 0 ||
 *	    (error = state_begin(s, root_commit, list_name)) < 0 ||
 *	    (error = state_last_run_end(s, &last_end)) < 0)
 *		goto cleanup;
 *	... digest_add_message(&d, state_store(s), &m) for each message ...
 *	... write the digest, flush or rename it into place ...
 *	if ((error = state_record_run(s, &run)) < 0 || (error = state_commit(s)) < 0)
 *		goto cleanup;
 * cleanup:
 *	free(last_end);
 *	state_free(s);           (rolls back whatever was not committed)
 *
 * Every function that can fail returns 0 or a negative enum md_status
 * (util/error.h) with the message set, naming the state file.  Problems with
 * the file itself (not SQLite, corrupt, from a newer mldigest, read-only, in
 * use by another run past the busy timeout) are MD_ERR_INPUT: exit 2.
 *
 * No SQLite type leaks out of this header: sqlite3.h is included only in
 * state.c.
 */

#include <stdbool.h>
#include <stdint.h>

#include "state/store.h"

struct state;

enum state_mode {
	/*
	 * The normal mode: the file and its parent directories (0700) are
	 * created when missing; the file is put in WAL journal mode.
	 */
	STATE_READ_WRITE,
	/*
	 * --dry-run: read what is recorded, record nothing.  The file is not
	 * created when missing (the state is then empty) and its bytes are not
	 * changed: the connection is query-only; what the run would record is
	 * kept in memory for the run, so duplicates within the window are still
	 * found.  A state in WAL mode needs its -shm file: in a directory the
	 * user cannot write, it cannot be read either (refused, saying so).
	 */
	STATE_DRY_RUN,
};

/* The schema this mldigest writes (PRAGMA user_version). */
#define STATE_SCHEMA_VERSION 2

/* The busy timeout: how long a run waits for another run's transaction. */
#define STATE_BUSY_TIMEOUT_MS_DEFAULT 30000
/* The environment variable that overrides it (milliseconds; tests use it). */
#define STATE_BUSY_TIMEOUT_ENV "MLDIGEST_BUSY_TIMEOUT_MS"

/*
 * Opens the state at `path` and checks it: it must be empty (a new or
 * zero-length file) or an mldigest state whose schema this mldigest knows,
 * and pass PRAGMA quick_check.  A file that is not SQLite, a corrupt one, a
 * foreign SQLite database, one from a newer mldigest, one that cannot be
 * written (read-write mode), or one locked past the busy timeout is refused
 * with MD_ERR_INPUT; nothing is ever recreated or overwritten.  *out is the
 * caller's, freed with state_free(); it is NULL on failure.
 */
int state_open(struct state **out, const char *path, enum state_mode mode);

/*
 * Rolls back anything not committed, and frees `s` and everything borrowed
 * from it (state_store()).  NULL is fine.
 */
void state_free(struct state *s);

/*
 * Starts the run's one transaction and finds (read-write mode: creates) the
 * archive known by `archive_key`, the id of its root commit.  `list_name`,
 * when not NULL, is stored with the archive (updated when it changed).
 * Read-write mode takes the write lock at once (BEGIN IMMEDIATE), applying
 * any schema migration inside it: a concurrent run waits for the busy
 * timeout, then fails with "state 'X' is in use by another run (waited 30 s)".
 * Dry-run mode takes a read snapshot.  Both strings are copied.
 */
int state_begin(struct state *s, const char *archive_key, const char *list_name);

/*
 * Sets *out to the `to` of the archive's latest recorded run (malloc'd, the
 * caller frees it), or NULL when none was recorded.  After state_begin().
 */
int state_last_run_end(struct state *s, char **out);

/*
 * The store.h interface backed by the state: record_patch records, per
 * archive, each patch identity with its first message, and says whether the
 * identity was first recorded from another message.  Borrowed from `s`,
 * valid until state_free(); store_free() on it does nothing.  Use it only
 * between state_begin() and state_commit()/state_rollback().
 */
struct store *state_store(struct state *s);


/*
 * Records that `series` was seen.  Sets *first_elsewhere (when not NULL)
 * when this series and version was first recorded from another message.
 * After state_begin().
 */
int state_record_series(struct state *s, const struct store_series *series,
			bool *first_elsewhere);

/* A run: what state_record_run() records and state_list_runs() reports. */
struct state_run {
	int64_t id;              /* listing only: the run's number, increasing */
	const char *archive_key; /* listing only: the archive's root commit id */
	const char *list_name;   /* the list's name as the digest showed it; may be NULL */
	const char *from;        /* the window: commit ids, or dates for mbox/Maildir */
	const char *to;          /* where the next run starts */
	int64_t started, ended;  /* seconds since the epoch */
	int64_t messages, patches, leads, new_leads, duplicates;
};

/*
 * Records the run in the current transaction (the begun archive; `id` and
 * `archive_key` are ignored).  Dry-run: records nothing.
 */
int state_record_run(struct state *s, const struct state_run *run);

/*
 * Commits the transaction; dry-run: ends the read transaction, forgetting
 * what the run remembered in memory.  On failure the transaction is rolled
 * back.  Afterwards state_begin() may start another one.
 */
int state_commit(struct state *s);

/* Rolls back the transaction, if one is open. */
void state_rollback(struct state *s);

/*
 * Calls fn(run, data) for each recorded run of the archive `archive_key`, or
 * of every archive when NULL, by archive then in the order recorded.  The
 * strings in `run` are borrowed, valid during the call only.  Works with or
 * without a transaction (inside one, it sees what the run recorded).
 */
int state_list_runs(struct state *s, const char *archive_key,
		    void (*fn)(const struct state_run *run, void *data), void *data);

/* An archive: what state_list_archives() reports. */
struct state_archive {
	const char *key;          /* its root commit id */
	const char *list_name;    /* may be NULL */
	int64_t runs;             /* recorded runs */
	const char *last_run_end; /* `to` of the latest run; NULL when none */
};

/* Calls fn(archive, data) for each archive, in the order first recorded; as above. */
int state_list_archives(struct state *s,
			void (*fn)(const struct state_archive *archive, void *data), void *data);

/*
 * Runs PRAGMA integrity_check (slower and more thorough than the
 * quick_check state_open() does): 0 when the file is sound, else
 * MD_ERR_INPUT with the first problem in the message.  Outside a transaction.
 */
int state_check(struct state *s);

/* The version of the SQLite library the program runs with ("3.40.1"); static. */
const char *state_library_version(void);

#endif
