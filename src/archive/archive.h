/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_ARCHIVE_ARCHIVE_H
#define MLDIGEST_ARCHIVE_ARCHIVE_H

/*
 * Where mail comes from.  An archive hands on the raw messages of a window,
 * oldest first, one at a time (streaming: only the current message is held).
 * Kinds: a public-inbox git repository or a v2 inbox directory of epochs
 * (git.c), an mbox file, plain or gzip-compressed (mbox.c), a Maildir
 * (maildir.c).  libgit2 is used in git.c only; callers see no libgit2 type.
 */

#include <stddef.h>
#include <stdint.h>

struct archive; /* opaque */

/* One message, borrowed from the archive until the next archive_next(). */
struct archive_message {
	const char *raw; /* the raw RFC 5322 bytes, not NUL-terminated; NULL
			    (len 0) when `prepared` is set: see archive_set_prepare */
	size_t len;
	char id[41];      /* commit id in hex for git archives; "" when none */
	int64_t time;     /* commit time (seconds since the epoch, UTC); 0 when none */
	unsigned long position; /* 1-based place in the archive's reading order:
				   in the whole file (mbox) or Maildir, in the
				   window (git, where `id` names the message) */
	void *prepared;   /* what the prepare hook made of the message
			     (archive_set_prepare), the caller's; or NULL */
};

/*
 * Work done on each message as it is read, before archive_next() hands it
 * on in out->prepared (the caller's from then on): `prepare` gets the raw
 * message and returns a pointer, or NULL.  Git archives run it on their
 * reader threads, ahead of the caller and on several messages at once; the
 * other kinds in archive_next().  So `prepare` must be safe to call from
 * any thread, several at once, and must not set errors or print.
 * `discard` frees what was prepared but never handed on (the archive is
 * freed, or its window set again, before the end).  Call before the
 * first archive_next() of a window: a git archive's readers start then;
 * set later, it applies from the next archive_next() on.  A message
 * prepared is handed on without its raw bytes (out->raw NULL, out->len
 * 0): a git archive frees them on the thread that read them, once
 * prepared, so that its readers reuse that memory instead of touching
 * more (on kvm-ppc, 1,000 messages: 485 page faults fewer).  When
 * `prepare` returns NULL, the raw message is handed on.
 */
typedef void *(*archive_prepare_fn)(const char *raw, size_t len);
void archive_set_prepare(struct archive *a, archive_prepare_fn prepare,
			 void (*discard)(void *prepared));

/*
 * Hands back what the prepare hook made of a message (out->prepared) once
 * the caller is done with it (NULL: nothing): it is freed with the
 * `discard` hook, on the thread that made it where the archive has one (a
 * git archive's reader, so that its memory goes back where it came from,
 * without a lock the reader waits on, and is used again there), else at
 * once.  Freeing it with `discard` instead is right too, only slower.
 */
void archive_give_back(struct archive *a, void *prepared);

/*
 * Opens the archive at `path` (a git repository, bare or not; the path is
 * never searched upwards).  On success *out is the caller's (archive_free).
 * Errors (MD_ERR_INPUT, message set): missing path, not a git repository.
 */
int archive_open(struct archive **out, const char *path);

/*
 * As archive_open(), with the kind named: "git" (a repository or a v2 inbox
 * directory), "mbox" or "maildir"; NULL or "auto" detects it from what
 * `path` is: a directory with cur/ (Maildir), a directory with git/0.git (v2
 * inbox), another directory (git), a regular file (mbox).  An unknown kind
 * is MD_ERR_USAGE.
 */
int archive_open_as(struct archive **out, const char *path, const char *kind);

/* True when the archive has revisions (git): FROM..TO windows work. */
int archive_has_revisions(const struct archive *a);

/*
 * Chooses the window: the messages added after `from` up to and including
 * `to` on to's first-parent chain (git rev-list --first-parent FROM..TO).
 * In a v2 inbox the epochs are one sequence: a revision is looked up in
 * every epoch (names in the newest epoch where they resolve, ids where they
 * are), and a window from one epoch into a later one holds everything in
 * between (git.c has the rules).  mbox and Maildir have no revisions: both
 * must be NULL (the whole archive; windows there are by date, in run.c).
 * `from` NULL: from the first commit (root included).  `to` NULL: the newest
 * commit (HEAD).  Revisions are anything git accepts (ids, abbreviated ids,
 * refs, HEAD~100).  Errors (MD_ERR_INPUT): unknown revision, `from` not an
 * ancestor of `to`, an empty window.  Call once, before archive_next().
 */
int archive_set_window(struct archive *a, const char *from, const char *to);

/*
 * After archive_set_window() failed: whether it was because `from` and `to`
 * are the same commit (a run continuing from where the last one ended, with
 * nothing new since).
 */
int archive_window_empty(const struct archive *a);

/* Full hex ids of the window's ends ("" for a `from` that was NULL). */
const char *archive_window_from(const struct archive *a);
const char *archive_window_to(const struct archive *a);

/* Number of messages (commits) in the window, known after archive_set_window. */
size_t archive_window_size(const struct archive *a);

/*
 * The next message of the window, oldest first: returns 1 and fills *out,
 * 0 at the end, or a negative code (message set, naming the commit) when
 * the archive itself is unusable (a missing or corrupt object).  Commits
 * without a blob `m` at the root of their tree (public-inbox deletions carry
 * `d`) are skipped.
 */
int archive_next(struct archive *a, struct archive_message *out);

/* The archive's name for titles: the directory name without ".git" (a
 * trailing "/git/N.git" of a v2 inbox is looked through).  Borrowed. */
const char *archive_name(const struct archive *a);

/*
 * The archive's identity for the state: the id of the root commit of its
 * newest commit's first-parent chain (of epoch 0 in a v2 inbox; for mbox
 * and Maildir "mbox:"/"maildir:" and a hash of the first message's
 * Message-ID), so a moved or re-cloned mirror keeps its history.  Sets *out (hex, borrowed from the archive) and returns 0, or
 * returns a negative code with the message set (no commits, a missing
 * commit).  Walks the chain once; later calls return the same id.
 */
int archive_root_id(struct archive *a, const char **out);

/*
 * Where recorded runs ended, for archive_root_id(): `known` returns the
 * identity recorded with commit `hex` (40 hex digits) as a run's last
 * commit, or NULL.  A git repository then walks back from its newest commit
 * only until it meets one (a commit's id names its whole history, so its
 * root too): a daily run walks the day's commits, not the whole archive.
 * Other kinds (and the epochs of a v2 inbox after the first) do without.
 */
typedef const char *(*archive_known_fn)(void *ctx, const char *hex);
void archive_set_known_ends(struct archive *a, archive_known_fn known, void *ctx);

/* The path given to archive_open().  Borrowed. */
const char *archive_path(const struct archive *a);

void archive_free(struct archive *a);

/*
 * --fetch (fetch.c): updates the git archive at `path` (a repository, or
 * every epoch of a v2 inbox directory, cloning the epochs that appeared
 * since) from its remote.  Returns 0, or MD_ERR_INPUT with the message set,
 * the archive's references as they were.  Call before archive_open().
 */
int archive_fetch(const char *path);

/* The version of libgit2 the program runs with ("1.5.1"); static. */
const char *archive_library_version(void);

/*
 * Stops the libraries the archives started (libgit2 is started on first
 * need, by the git archive or archive_fetch()); call once, at the end.
 */
void archive_library_shutdown(void);

#endif
