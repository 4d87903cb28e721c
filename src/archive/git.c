/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Public-inbox git archives, read in-process: one repository, or a v2 inbox
 * directory whose epochs DIR/git/0.git, 1.git, ... (each a repository with
 * a root of its own) are, in numeric order, one sequence.  The commits,
 * trees and blobs of the window are read by pack.c wherever they are in a
 * pack (inflated with libdeflate, the index read with pread through a small
 * cache or mapped when small, the pack through a few mapped windows);
 * libgit2 reads the rest (loose objects, alternates, a pack pack.c leaves
 * out) and anything pack.c finds unusual or damaged, so that a broken
 * repository gets libgit2's message, as before.  References (HEAD, branch
 * and tag names, full ids) of a plain bare repository are read by
 * gitdir.c; libgit2 resolves every other revision, opens every other
 * repository, and is loaded and started only then (archive_git_start:
 * loading it costs 6 ms, libgit2.h, and starting it 9 ms, gitdir.h), so
 * a common run never loads it.
 *
 * Each commit of the archive adds one message as the blob `m` at the root of
 * its tree; a deletion has `d` instead.  archive_set_window() walks the
 * window once (git rev-list --first-parent FROM..TO, epoch after epoch in an
 * inbox), keeping each commit's id, tree id, time and epoch.  The messages
 * are then read ahead on threads of their own (the readers, one per
 * processor, at most 4), started by the first archive_next(): reader t of n
 * reads the commits t, t + n, t + 2n, ... (each commit's tree and `m`
 * blob, from its epoch's repository), runs the prepare hook on each message
 * (archive_set_prepare: run.c parses the mail there, so parsing runs on
 * every core too), and puts one slot per commit into its own queue of at
 * most ARCHIVE_GIT_QUEUE, while the caller digests the ones before.
 * archive_next() takes the slots off the queues in turn, so in archive
 * order, and keeps only the current message.
 *
 * libgit2 objects must not be used by two threads at once, so reader 0 uses
 * the archive's repositories and the others their own, each opened by its
 * thread when it needs libgit2 at all (libgit2 shares the packs and their
 * mapped windows between repositories of one process, under its own
 * locks); each repository opened has its own pack reader
 * (archive_git_epoch.pack), so each thread has its own, and none is
 * shared.  From the readers' start to their end (archive_git_reader_free,
 * which archive_free() and archive_set_window() call) the readers alone
 * use the repositories and their object databases (and pack readers):
 * anything else that needs them runs before the first archive_next() or
 * stops the readers first.  The caller only reads the window's commit list,
 * which does not change meanwhile, and takes the blobs the readers hand on
 * (a message is a buffer of our own, struct archive_git_blob, with no
 * pointer back to the repository, so the caller may free it while the
 * reader reads on).
 * libgit2's error message is per thread: the reader writes each error into
 * the message's slot, and archive_next() sets it (error_set) when it gets
 * there, after the messages before it.  When no thread can be started the
 * messages are read in archive_next() itself, one at a time (and archive.c
 * runs the prepare hook there).
 *
 * A message larger than ARCHIVE_GIT_MESSAGE_MAX_SIZE (64 MiB, as mbox and
 * Maildir) is skipped with a warning naming its commit: its size comes
 * from the object's header in its pack (a delta's: the delta is inflated,
 * its base is not), or from git_odb_read_header(), which does the same,
 * and the blob is never read.  The reader does not print: it puts the
 * warning into the message's slot, and archive_next() prints it
 * (warning()) on the caller's thread when it gets there, so warnings come
 * in archive order and never from two threads.
 *
 * Revisions in an inbox (archive_git_inbox_resolve) are looked up in every
 * epoch.  A name (HEAD, master, a tag, HEAD^{commit}) is the newest epoch's
 * where it resolves: HEAD is the newest commit of the inbox.  An id, full or
 * abbreviated, is the one epoch's that holds it; an abbreviated id of
 * different objects in two epochs is ambiguous, and an id found in several
 * (epochs sharing objects through alternates) is the epoch's whose HEAD
 * reaches it.  Trailing first-parent steps (~N, ^, ^1) count along the
 * inbox's sequence: the step before an epoch's root is the newest commit of
 * the epoch before, so HEAD~10 is ten messages back wherever they are.
 *
 * Broken repositories get a message of their own, not libgit2's "object
 * not found".  libgit2 skips a pack it cannot open (one truncated, or that
 * does not match its index) as if its objects were not there, so every pack
 * is checked against its index when a repository is opened
 * (archive_git_packs_check).  libgit2 1.5 does not know shallow clones: a
 * walk reaching the boundary finds the parent missing; that, and a revision
 * not found in a shallow clone, says so (archive_git_missing_parent,
 * archive_git_revision_error).  Git stops at the boundary as at a root, but
 * the archive's identity (its root commit) and a digest of the whole
 * archive need what is beyond it.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "archive/archive-internal.h"
#include "archive/gitdir.h"
#include "archive/libgit2.h"
#include "archive/pack.h"
#include "util/buf.h"
#include "util/error.h"

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/*
 * libgit2's process-wide settings (see archive_git_start_once).  Packs are
 * mapped in windows of at most GIT_MWINDOW_SIZE, GIT_MAPPED_LIMIT bytes in
 * all: with the default window (1 GiB) a whole public-inbox epoch is mapped
 * at once and the limit does nothing.  Mapped pages count in the process's
 * memory: 16 MiB instead of 32 took 16 MB off a 100,000-message archive's
 * peak and 7 MB off kvm-ppc's (a 17 MB pack), at no cost seen in time (a
 * window reads close to where the window before it read).  Every commit, tree and blob of a
 * window is read once, so the object cache only costs memory (its limit
 * counts raw object sizes, not what parsed objects take): commits, trees and
 * blobs are not cached, and the cache is kept small for what remains (tags).
 */
#define GIT_MWINDOW_SIZE   ((size_t)8 << 20)
#define GIT_MAPPED_LIMIT   ((size_t)16 << 20)
#define GIT_CACHE_MAX_SIZE ((ssize_t)1 << 20)

/*
 * Messages read ahead by each reader, at most.  The caller holds one more
 * (the current message) and each reader one it is reading.  A reader, once
 * its queue is full, sleeps until it is half empty; the caller, once the
 * queue it needs is empty, sleeps until it is half full (or the reader is
 * at its last commit): each is woken once per ARCHIVE_GIT_QUEUE / 2
 * messages, not for each (a wake-up costs about as much as parsing a
 * plain mail).
 */
#define ARCHIVE_GIT_QUEUE 32

/* The delta bases the archive's pack readers keep, in all (pack.h). */
#define ARCHIVE_GIT_BASES_BYTES ((size_t)2 << 20)

/*
 * The window's commits kept in memory, at most: past that, they go to an
 * unlinked temporary file, so that a window of millions of messages takes
 * no more memory than one of thousands (56 bytes a commit).
 */
#define ARCHIVE_GIT_COMMITS_IN_MEMORY ((size_t)65536)

/* As util/error.c's buffer: error_set() keeps as much of a message. */
#define ARCHIVE_GIT_MESSAGE_MAX 1024

/* Larger messages are skipped with a warning (mbox.c and maildir.c skip too). */
#define ARCHIVE_GIT_MESSAGE_MAX_SIZE ((size_t)64 << 20)

/* archive_git_read(): the message was skipped, the warning is in `message`. */
#define ARCHIVE_GIT_SKIPPED 2

/* One commit of the window. */
struct archive_git_commit {
	git_oid id;
	git_oid tree;
	int64_t time;	    /* committer time */
	unsigned int epoch; /* the repository it is in: an index into archive_git.epochs */
};

/*
 * A message: data[0..size) with a NUL after it, from the pack reader or
 * copied out of libgit2's object (archive_git_blob_free).
 */
struct archive_git_blob {
	char *data;
	size_t size;
};

/* One entry of a queue: a message, or an error met reading the window. */
struct archive_git_slot {
	int status;		       /* 1: a message in `blob`; 0: a commit without one;
					  ARCHIVE_GIT_SKIPPED: a warning in `message`;
					  negative: an error, in `message` */
	size_t commit;		       /* the commit's index in the window */
	struct archive_git_commit c;   /* the commit (status >= 0) */
	struct archive_git_blob *blob; /* the caller's once taken off the queue; NULL
					  once prepared */
	void *prepared;		       /* what the prepare hook made of it, or NULL */
	char message[ARCHIVE_GIT_MESSAGE_MAX];
};

/* One repository: the archive's, or one epoch of a v2 inbox. */
struct archive_git_epoch {
	git_repository *repo;	  /* the reader's alone while it runs; NULL until libgit2 is
				     needed (archive_git_repo) */
	git_odb *odb;		  /* likewise */
	struct pack_reader *pack; /* likewise, from its first use (archive_git_pack) until
				     its reader has read its share (archive_git_reader_main) */
	struct pack_cache *bases; /* its delta bases: the archive's (archive_git.bases) */
	int pack_tried;		  /* pack opened, or tried: NULL then, libgit2 reads all */
	char *path;		  /* for messages: the archive's path, or DIR/git/N.git */
	char *gitdir;		  /* where objects/ and refs/ are, ending in '/' */
	int plain;		  /* gitdir_plain(): references read by gitdir.c first */
};

struct archive_git;

/*
 * One reader thread and its queue.  Reader t of n reads the commits
 * t, t + n, t + 2n, ... of the window, each into its own queue, in order,
 * one slot per commit (deletions too, so that the caller knows whose turn
 * it is).  Fields marked "lock" are read and written under `lock` only;
 * the others by the caller's thread only, or by the reader alone while it
 * runs.
 */
struct archive_git_reader {
	struct archive_git *g;
	size_t first; /* the first commit it reads; then every readers_nr-th */
	/* Its repositories: reader 0 uses the archive's, the others their own. */
	struct archive_git_epoch *epochs;
	int own_epochs;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t not_empty; /* the caller waits here for a message */
	pthread_cond_t not_full;  /* the reader waits here for room */
	/* lock: the queue, `count` slots from `head` on, oldest first */
	struct archive_git_slot slots[ARCHIVE_GIT_QUEUE];
	size_t head;	    /* lock: the oldest slot */
	size_t count;	    /* lock: slots in use */
	int done;	    /* lock: the reader has gone through its commits */
	int stop;	    /* lock: the reader is to end at once */
	int reader_waiting; /* lock: the reader waits for room */
	int caller_waiting; /* lock: the caller waits for a message */
	/*
	 * lock: messages it prepared that the caller handed back
	 * (archive_give_back), for it to free before it reads the next: the
	 * caller freeing them took the lock of the reader's malloc arena, and
	 * waited on it, about 40 times a message.
	 */
	void *returned[ARCHIVE_GIT_QUEUE];
	size_t returned_nr;
	int running;	    /* a thread was started and not yet joined */
	int sync_ready;	    /* the mutex and conditions were initialised */
};

struct archive_git {
	/* The repository (one), or the inbox's epochs 0, 1, ... in order. */
	struct archive_git_epoch *epochs;
	size_t epochs_nr;
	int inbox; /* a v2 inbox directory (revisions are looked up in every epoch) */
	/*
	 * The delta bases every pack reader of the archive keeps, whatever
	 * its thread (NULL: each its own).  The readers read every other
	 * message, and a message's base is often one the other reader has
	 * just resolved: with a cache each, two readers inflated 8.7 MB for a
	 * 1,000-message window of kvm-ppc (one reader 6.9 MB), sharing one
	 * of the same size 7.0 MB; the whole archive 46.2 -> 38.1 MB, and
	 * 297 -> 245 ms (alternated runs).  4 MiB shared inflated 1% less, 8
	 * MiB 2%, for more memory touched.
	 */
	struct pack_cache *bases;
	/*
	 * The window's commits as they were walked, newest first: commit i of
	 * the window (oldest first) is walked commit nr - 1 - i.  The first
	 * `spilled` walked are in the temporary file `spill` (record k at
	 * k * sizeof(struct archive_git_commit)), the others in commits[]
	 * (walked commit k at commits[k - spilled]).  The readers read them
	 * too, while they run (archive_git_commit_at).
	 */
	struct archive_git_commit *commits;
	size_t nr;
	size_t alloc;
	int spill;	  /* a file descriptor, or -1 */
	int spill_failed; /* it could not be made or written: memory only */
	size_t spilled;
	size_t pos;		       /* the next commit to hand on */
	struct archive_git_blob *blob; /* the current message, until the next read */
	int started;		       /* archive_next() chose how to read the window */
	int inline_read;	       /* no reader thread: archive_next() reads */
	/* The prepare hook (archive_set_prepare), copied when the readers start. */
	archive_prepare_fn prepare;
	void (*discard)(void *prepared);
	/* The reader threads, from the first archive_next() on; or NULL. */
	struct archive_git_reader *readers;
	size_t readers_nr;    /* started */
	size_t readers_alloc; /* set up, or tried */
};

/* 0 makes archive_next() read without a thread (archive-internal.h). */
int archive_git_read_ahead = 1;
int archive_git_readers;
size_t archive_git_commits_in_memory = ARCHIVE_GIT_COMMITS_IN_MEMORY;

static void archive_git_reader_free(struct archive_git *g);
static int archive_git_no_cache(git_object_t type);

/*
 * libgit2 is started on first need (archive_git_start): a run that
 * pack.c and gitdir.c read alone never pays for it (gitdir.h).
 */
static pthread_once_t archive_git_once = PTHREAD_ONCE_INIT;
static int archive_git_status;		  /* 1 started, else libgit2's error */
static char archive_git_start_error[256]; /* why it could not be started */

/* libgit2's last message, for ours. */
static const char *archive_git_message(void)
{
	const git_error *e;

	if (archive_git_status != 1)
		return archive_git_start_error[0] ? archive_git_start_error
						  : "libgit2 is not started";
	e = git2.error_last();

	return e && e->message ? e->message : "unknown error";
}

/* Frees a message (NULL: nothing). */
static void archive_git_blob_free(struct archive_git_blob *blob)
{
	if (!blob)
		return;
	free(blob->data);
	free(blob);
}

/* A message of data[0..size), taken (our own buffer, with a NUL after it). */
static struct archive_git_blob *archive_git_blob_new(char *data, size_t size)
{
	struct archive_git_blob *blob = xmalloc(sizeof(*blob));

	blob->data = data;
	blob->size = size;
	return blob;
}

/*
 * Objects are read by pack.c when it can (see pack.h): git.c asks libgit2
 * only for what it leaves (loose objects, alternates, damage), and libgit2
 * then says what is wrong in its own words, as before.  Commits and trees
 * over this size are left to libgit2 too.
 */
#define ARCHIVE_GIT_PACK_OBJECT_MAX ((size_t)1 << 20)

/*
 * The pack reader of `e`, opened on its first use (an inbox's epochs
 * outside the window, and the packs of the threads that do not read them,
 * take no file descriptor); NULL when it cannot be: libgit2 reads all.
 */
static struct pack_reader *archive_git_pack(struct archive_git_epoch *e)
{
	struct buf dir = BUF_INIT;

	if (e->pack_tried)
		return e->pack;
	e->pack_tried = 1;
	buf_addf(&dir, "%sobjects", e->gitdir);
	if (pack_open(&e->pack, dir.data, e->bases) < 0)
		e->pack = NULL;
	buf_release(&dir);
	return e->pack;
}

/* Closes e's pack reader; it opens again on its next use (archive_git_pack). */
static void archive_git_pack_close(struct archive_git_epoch *e)
{
	pack_free(e->pack);
	e->pack = NULL;
	e->pack_tried = 0;
}

/*
 * Closes what e has open: its pack reader, and its repository when
 * libgit2 opened it (else libgit2 may not even be loaded).
 */
static void archive_git_epoch_close(struct archive_git_epoch *e)
{
	archive_git_pack_close(e);
	if (e->repo) {
		git2.odb_free(e->odb);
		git2.repository_free(e->repo);
		e->odb = NULL;
		e->repo = NULL;
	}
}

/*
 * Opens e's repository with libgit2 (starting libgit2) unless it is open:
 * 0, or libgit2's error (negative; archive_git_message() says why).  Only
 * what pack.c and gitdir.c leave to libgit2 gets here.
 */
static int archive_git_repo(struct archive_git_epoch *e)
{
	int error;

	if (e->repo)
		return 0;
	if ((error = archive_git_start()) < 0 ||
	    (error = git2.repository_open_ext(&e->repo, e->path, GIT_REPOSITORY_OPEN_NO_SEARCH,
					      NULL)) < 0)
		return error;
	if ((error = git2.repository_odb(&e->odb, e->repo)) < 0) {
		git2.repository_free(e->repo);
		e->repo = NULL;
	}
	return error;
}

/*
 * `spec` resolved without libgit2 (gitdir_resolve()) to a commit pack.c
 * reads: 1 with *out set, else 0 (libgit2 is to look it up).
 */
static int archive_git_fast(git_oid *out, struct archive_git_epoch *e, const char *spec)
{
	struct pack_reader *pack;
	struct pack_object obj;
	git_oid id;
	int commit;

	if (!e->plain || !gitdir_resolve(e->gitdir, spec, id.id) || !(pack = archive_git_pack(e)) ||
	    pack_read(&obj, pack, id.id, ARCHIVE_GIT_PACK_OBJECT_MAX) != PACK_OK)
		return 0;
	commit = obj.type == PACK_COMMIT;
	free(obj.data);
	if (commit)
		oid_copy(out, &id);
	return commit;
}

/* Whether e's HEAD is unborn: 1, 0, or libgit2's error (negative). */
static int archive_git_unborn(struct archive_git_epoch *e)
{
	git_oid head;
	int error;

	if (archive_git_fast(&head, e, "HEAD"))
		return 0;
	if ((error = archive_git_repo(e)) < 0)
		return error;
	return git2.repository_head_unborn(e->repo);
}

/* Whether e is a shallow clone: its `shallow` file is there and not empty (as libgit2). */
static int archive_git_epoch_shallow(const struct archive_git_epoch *e)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int shallow;

	buf_addf(&path, "%sshallow", e->gitdir);
	shallow = stat(path.data, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	buf_release(&path);
	return shallow;
}

/*
 * Whether the directory `path` is no repository libgit2 would open: it has
 * neither HEAD nor .git.  (A v2 inbox's top directory, which then needs no
 * libgit2 either.)
 */
static int archive_git_not_repository(const char *path)
{
	struct buf file = BUF_INIT;
	struct stat st;
	int none;

	buf_addf(&file, "%s/HEAD", path);
	none = stat(path, &st) == 0 && S_ISDIR(st.st_mode) && lstat(file.data, &st) < 0 &&
	       errno == ENOENT;
	buf_reset(&file);
	buf_addf(&file, "%s/.git", path);
	none = none && lstat(file.data, &st) < 0 && errno == ENOENT;
	buf_release(&file);
	return none;
}

/* The 20-byte id written as 40 hex digits at s: 0, or -1. */
static int archive_git_hex_id(git_oid *out, const char *s)
{
	static const signed char value[256] = {
	    ['0'] = 1,	['1'] = 2,  ['2'] = 3,	['3'] = 4,  ['4'] = 5,	['5'] = 6,
	    ['6'] = 7,	['7'] = 8,  ['8'] = 9,	['9'] = 10, ['a'] = 11, ['b'] = 12,
	    ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	    ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	};
	int hi, lo;

	for (size_t i = 0; i < GIT_OID_RAWSZ; i++) {
		hi = value[(unsigned char)s[2 * i]];
		lo = value[(unsigned char)s[2 * i + 1]];
		if (!hi || !lo)
			return -1;
		out->id[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return 0;
}

/*
 * The signature line s[0..len) after "author " or "committer ", in git's
 * own form only: "NAME <EMAIL> SECONDS +HHMM" (libgit2 accepts more; what
 * this does not, libgit2 reads).  Its time into *time: 0, or -1.
 */
static int archive_git_signature(const char *s, size_t len, int64_t *time)
{
	const char *lt = NULL, *gt = NULL, *p, *end = s + len;
	int64_t t = 0;
	size_t digits = 0;

	for (p = s; p < end; p++) {
		if (*p == '<')
			lt = p;
		else if (*p == '>')
			gt = p;
	}
	if (!lt || !gt || gt <= lt || end - gt < 2 + 1 + 1 + 5 || gt[1] != ' ')
		return -1;
	for (p = gt + 2; p < end && isdigit((unsigned char)*p); p++, digits++)
		t = t * 10 + (*p - '0');
	if (digits == 0 || digits > 15 || end - p != 6 || p[0] != ' ' ||
	    (p[1] != '+' && p[1] != '-') || !isdigit((unsigned char)p[2]) ||
	    !isdigit((unsigned char)p[3]) || !isdigit((unsigned char)p[4]) ||
	    !isdigit((unsigned char)p[5]))
		return -1;
	*time = t;
	return 0;
}

/* What the window needs of a commit. */
struct archive_git_commit_fields {
	git_oid tree;
	git_oid parent; /* the first, when has_parent */
	int has_parent;
	int64_t time; /* the committer's */
};

/*
 * Parses the raw commit s[0..len): "tree", "parent"s, one "author", then
 * "committer", each in git's own form: 0, or -1 for anything else (then
 * libgit2 parses it, and says what is wrong).
 */
static int archive_git_commit_parse(struct archive_git_commit_fields *out, const char *s,
				    size_t len)
{
	const char *p = s, *end = s + len, *eol;
	int64_t ignored;
	git_oid other; /* parents after the first */

	if (len < 46 || memcmp(p, "tree ", 5) || p[45] != '\n' ||
	    archive_git_hex_id(&out->tree, p + 5) < 0)
		return -1;
	p += 46;
	out->has_parent = 0;
	while (end - p >= 48 && !memcmp(p, "parent ", 7)) {
		if (p[47] != '\n' ||
		    archive_git_hex_id(out->has_parent ? &other : &out->parent, p + 7) < 0)
			return -1;
		out->has_parent = 1;
		p += 48;
	}
	if (end - p < 7 || memcmp(p, "author ", 7) || !(eol = memchr(p, '\n', (size_t)(end - p))) ||
	    archive_git_signature(p + 7, (size_t)(eol - p - 7), &ignored) < 0)
		return -1;
	p = eol + 1;
	if (end - p < 10 || memcmp(p, "committer ", 10) ||
	    !(eol = memchr(p, '\n', (size_t)(end - p))) ||
	    archive_git_signature(p + 10, (size_t)(eol - p - 10), &out->time) < 0)
		return -1;
	return 0;
}

/*
 * What the window needs of commit `id` of `e`: read by the pack reader, or
 * by libgit2 when that cannot (not in a pack, or anything unusual).
 * Returns 0 with *out set, or libgit2's error (negative, its message set).
 */
static int archive_git_commit_read(struct archive_git_epoch *e, const git_oid *id,
				   struct archive_git_commit_fields *out)
{
	struct pack_reader *pack = archive_git_pack(e);
	struct pack_object obj;
	git_commit *commit;
	int error;

	if (pack && pack_read(&obj, pack, id->id, ARCHIVE_GIT_PACK_OBJECT_MAX) == PACK_OK) {
		error = obj.type == PACK_COMMIT ? archive_git_commit_parse(out, obj.data, obj.size)
						: -1;
		free(obj.data);
		if (error == 0)
			return 0;
	}
	if ((error = archive_git_repo(e)) < 0 ||
	    (error = git2.commit_lookup(&commit, e->repo, id)) < 0)
		return error;
	oid_copy(&out->tree, git2.commit_tree_id(commit));
	out->time = (int64_t)git2.commit_time(commit);
	out->has_parent = git2.commit_parentcount(commit) > 0;
	if (out->has_parent)
		oid_copy(&out->parent, git2.commit_parent_id(commit, 0));
	git2.commit_free(commit);
	return 0;
}

/*
 * Whether the pack of index `name` in `dir` (objects/pack) is there and
 * whole: its last 20 bytes (the pack's checksum) are those the index
 * records (the 20 bytes before the index's own checksum), as git checks
 * ("packfile does not match index").  Returns 0 when it is, else 1 with
 * the reason in why[0..size).
 */
static int archive_git_pack_damaged(const char *dir, const char *name, char *why, size_t size)
{
	size_t base_len = strlen(name) - strlen(".idx");
	unsigned char want[20], have[20];
	struct buf idx = BUF_INIT, pack = BUF_INIT;
	int idx_fd = -1, pack_fd = -1, damaged = 1;
	struct stat st;

	buf_addf(&idx, "%s/%s", dir, name);
	buf_addf(&pack, "%s/%.*s.pack", dir, (int)base_len, name);
	if ((idx_fd = open(idx.data, O_RDONLY | O_CLOEXEC)) < 0 || fstat(idx_fd, &st) < 0 ||
	    st.st_size < 8 + 256 * 4 + 40 ||
	    pread(idx_fd, want, sizeof(want), st.st_size - 40) != (ssize_t)sizeof(want)) {
		snprintf(why, size, "pack index 'objects/pack/%s' cannot be read", name);
		goto cleanup;
	}
	if ((pack_fd = open(pack.data, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(why, size, "pack 'objects/pack/%.*s.pack' is missing", (int)base_len,
			 name);
		goto cleanup;
	}
	if (fstat(pack_fd, &st) < 0 || st.st_size < 12 + 20 ||
	    pread(pack_fd, have, sizeof(have), st.st_size - 20) != (ssize_t)sizeof(have) ||
	    memcmp(want, have, sizeof(want))) {
		snprintf(why, size,
			 "pack 'objects/pack/%.*s.pack' does not match its index (truncated or "
			 "damaged)",
			 (int)base_len, name);
		goto cleanup;
	}
	damaged = 0;
cleanup:
	if (pack_fd >= 0)
		close(pack_fd);
	if (idx_fd >= 0)
		close(idx_fd);
	buf_release(&pack);
	buf_release(&idx);
	return damaged;
}

/*
 * Checks every pack of `e` (each .idx of objects/pack) against its index,
 * as libgit2 does not say when it skips one: 0, or MD_ERR_INPUT with the
 * message set.  Packs of alternates are not looked at.
 */
static int archive_git_packs_check(const struct archive_git_epoch *e)
{
	char why[ARCHIVE_GIT_MESSAGE_MAX];
	struct buf dir = BUF_INIT;
	struct dirent *entry;
	size_t len;
	DIR *d;
	int error = 0;

	buf_addf(&dir, "%sobjects/pack", e->gitdir);
	if (!(d = opendir(dir.data)))
		goto cleanup; /* no packs: every object is loose */
	while (error == 0 && (entry = readdir(d)) != NULL) {
		len = strlen(entry->d_name);
		if (len <= 4 || strcmp(entry->d_name + len - 4, ".idx"))
			continue;
		if (archive_git_pack_damaged(dir.data, entry->d_name, why, sizeof(why)))
			error = error_set(MD_ERR_INPUT,
					  "cannot read '%s': its objects are unreadable: %s",
					  e->path, why);
	}
	closedir(d);
cleanup:
	buf_release(&dir);
	return error;
}

/*
 * Opens the repository at `path` into `e` (path never searched upwards).
 * Returns 0, 1 when `path` is not a git repository (no message set), or
 * MD_ERR_INPUT with the message set.
 */
static int archive_git_epoch_open(struct archive_git_epoch *e, const char *path)
{
	struct buf gitdir = BUF_INIT;
	int error;

	e->path = xstrdup(path);
	if (gitdir_plain(path)) {
		buf_addstr(&gitdir, path);
		if (gitdir.len == 0 || gitdir.data[gitdir.len - 1] != '/')
			buf_addch(&gitdir, '/');
		e->gitdir = buf_detach(&gitdir, NULL);
		e->plain = 1;
		return archive_git_packs_check(e);
	}
	/* What libgit2 would not open either (no HEAD, no .git): a v2 inbox, or nothing. */
	if (archive_git_not_repository(path))
		return 1;
	if ((error = archive_git_start()) < 0)
		return error_set(MD_ERR_SYSTEM, "cannot start libgit2: %s", archive_git_message());
	error = git2.repository_open_ext(&e->repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (error == GIT_ENOTFOUND) {
		return 1;
	} else if (error == GIT_EOWNER) {
		return error_set(MD_ERR_INPUT,
				 "cannot read '%s': the repository is owned by another user "
				 "(see git's safe.directory)",
				 path);
	} else if (error < 0) {
		return error_set(MD_ERR_INPUT, "cannot read '%s': %s", path, archive_git_message());
	}
	if ((error = git2.repository_odb(&e->odb, e->repo)) < 0)
		return error_set(MD_ERR_INPUT, "cannot read '%s': %s", path, archive_git_message());
	e->gitdir = xstrdup(git2.repository_commondir(e->repo));
	return archive_git_packs_check(e);
}

/*
 * The message for the parent `parent` of commit `child` of `e`, which
 * libgit2 did not find (lookup returned `lookup_error`): the boundary of a
 * shallow clone, a missing object, or libgit2's own message.  Returns
 * MD_ERR_INPUT with the message set.
 */
static int archive_git_missing_parent(const struct archive_git_epoch *e, const git_oid *child,
				      const git_oid *parent, int lookup_error)
{
	char child_hex[GIT_OID_HEXSZ + 1], parent_hex[GIT_OID_HEXSZ + 1];

	oid_tostr(child_hex, sizeof(child_hex), child);
	oid_tostr(parent_hex, sizeof(parent_hex), parent);
	if (lookup_error == GIT_ENOTFOUND && archive_git_epoch_shallow(e))
		return error_set(MD_ERR_INPUT,
				 "archive '%s' is a shallow clone: the parent of commit %s is "
				 "missing (fetch the full history)",
				 e->path, child_hex);
	if (lookup_error == GIT_ENOTFOUND)
		return error_set(MD_ERR_INPUT,
				 "cannot read commit %s in '%s': it is missing (the parent of "
				 "commit %s)",
				 parent_hex, e->path, child_hex);
	return error_set(MD_ERR_INPUT, "cannot read commit %s in '%s': %s", parent_hex, e->path,
			 archive_git_message());
}

/* strerror(err) with a lowercase first letter, as our messages are. */
static const char *archive_git_strerror(int err, char *out, size_t size)
{
	snprintf(out, size, "%s", strerror(err));
	out[0] = (char)tolower((unsigned char)out[0]);
	return out;
}

/* The number N of an epoch's name "N.git" (no leading zero), or -1 when it is none. */
static long archive_git_epoch_number(const char *name)
{
	size_t len = strlen(name), digits = len - 4, i;
	long n = 0;

	if (len <= 4 || strcmp(name + digits, ".git") || (name[0] == '0' && digits > 1))
		return -1;
	for (i = 0; i < digits; i++) {
		if (!isdigit((unsigned char)name[i]))
			return -1;
		/* Past any real count of epochs: stays a number, and leaves a gap. */
		n = n < 100000000L ? n * 10 + (name[i] - '0') : n;
	}
	return n;
}

static int archive_git_compare_numbers(const void *x, const void *y)
{
	long a = *(const long *)x, b = *(const long *)y;

	return (a > b) - (a < b);
}

/*
 * The epochs of the v2 inbox at `dir` (git/N.git): *out (the caller's, free)
 * holds their numbers in increasing order, *nr of them; none when there is
 * no git/ directory.
 */
static int archive_git_epochs_list(long **out, size_t *nr, const char *dir, size_t dir_len)
{
	struct buf path = BUF_INIT;
	struct dirent *entry;
	char reason[128];
	DIR *d = NULL;
	size_t alloc = 0;
	long n;
	int error = 0;

	*out = NULL;
	*nr = 0;
	buf_addf(&path, "%.*s/git", (int)dir_len, dir);
	if (!(d = opendir(path.data))) {
		if (errno != ENOENT && errno != ENOTDIR)
			error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", path.data,
					  archive_git_strerror(errno, reason, sizeof(reason)));
		goto cleanup;
	}
	while ((errno = 0, entry = readdir(d)) != NULL) {
		if ((n = archive_git_epoch_number(entry->d_name)) < 0)
			continue;
		if (*nr == alloc) {
			alloc = alloc ? alloc * 2 : 16;
			*out = xrealloc(*out, alloc * sizeof(**out));
		}
		(*out)[(*nr)++] = n;
	}
	if (errno) {
		error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", path.data,
				  archive_git_strerror(errno, reason, sizeof(reason)));
		goto cleanup;
	}
	if (*nr > 1)
		qsort(*out, *nr, sizeof(**out), archive_git_compare_numbers);
cleanup:
	if (d)
		closedir(d);
	if (error < 0) {
		free(*out);
		*out = NULL;
		*nr = 0;
	}
	buf_release(&path);
	return error;
}

/*
 * Opens the epochs of the v2 inbox at a->path: 0, 1, ... up to the last, each
 * present.  Returns 1 when a->path holds no epoch (not an inbox), 0 or a
 * negative code with the message set.
 */
static int archive_git_inbox_open(struct archive *a)
{
	struct archive_git *g = a->impl;
	struct buf path = BUF_INIT;
	size_t dir_len = strlen(a->path), nr, i;
	long *numbers = NULL;
	int error;

	while (dir_len > 1 && a->path[dir_len - 1] == '/')
		dir_len--; /* "kvm/" names "kvm/git/0.git", not "kvm//git/0.git" */
	if ((error = archive_git_epochs_list(&numbers, &nr, a->path, dir_len)) < 0)
		goto cleanup;
	if (nr == 0) {
		error = 1;
		goto cleanup;
	}
	g->epochs = xcalloc(nr, sizeof(*g->epochs));
	g->inbox = 1;
	for (i = 0; i < nr; i++) {
		buf_reset(&path);
		buf_addf(&path, "%.*s/git/%zu.git", (int)dir_len, a->path, i);
		if (numbers[i] != (long)i) {
			/* Sorted and distinct: the first number past its place marks a gap. */
			error = error_set(MD_ERR_INPUT, "cannot read '%s': epoch '%s' is missing",
					  a->path, path.data);
			goto cleanup;
		}
		g->epochs_nr++;
		if ((error = archive_git_epoch_open(&g->epochs[i], path.data)) == 1)
			error = error_set(MD_ERR_INPUT, "cannot read '%s': not a git repository",
					  path.data);
		if (error < 0)
			goto cleanup;
	}
	error = 0;
cleanup:
	free(numbers);
	buf_release(&path);
	return error;
}

static int archive_git_open(struct archive *a)
{
	struct archive_git *g;
	int error;

	g = xcalloc(1, sizeof(*g));
	g->spill = -1;
	a->impl = g;

	/* A repository first, as git sees it; then a v2 inbox. */
	g->epochs = xcalloc(1, sizeof(*g->epochs));
	g->epochs_nr = 1;
	if ((error = archive_git_epoch_open(&g->epochs[0], a->path)) <= 0)
		goto cleanup;
	free(g->epochs[0].path);
	free(g->epochs);
	g->epochs = NULL;
	g->epochs_nr = 0;
	if ((error = archive_git_inbox_open(a)) == 1)
		error = error_set(MD_ERR_INPUT, "cannot read '%s': not a git repository", a->path);
cleanup:
	if (error == 0 && (g->bases = pack_cache_new(ARCHIVE_GIT_BASES_BYTES)) != NULL)
		for (size_t e = 0; e < g->epochs_nr; e++)
			g->epochs[e].bases = g->bases;
	return error;
}

static void archive_git_release(struct archive *a)
{
	struct archive_git *g = a->impl;
	size_t i;

	if (!g)
		return;
	archive_git_reader_free(g); /* first: the reader may be using the repositories */
	archive_git_blob_free(g->blob);
	for (i = 0; i < g->epochs_nr; i++) {
		archive_git_epoch_close(&g->epochs[i]);
		free(g->epochs[i].path);
		free(g->epochs[i].gitdir);
	}
	free(g->epochs);
	pack_cache_free(g->bases); /* after every pack reader */
	free(g->commits);
	if (g->spill >= 0)
		close(g->spill);
	free(g);
	a->impl = NULL;
}

/* What a revision names in one repository (archive_git_lookup). */
enum archive_git_found {
	ARCHIVE_GIT_COMMIT,	/* a commit, or an object that peels to one */
	ARCHIVE_GIT_NOT_COMMIT, /* an object that does not peel to a commit */
	ARCHIVE_GIT_NONE,	/* nothing */
	ARCHIVE_GIT_AMBIGUOUS,	/* an abbreviated id of several objects */
	ARCHIVE_GIT_MISSING,	/* a reference to an object the repository lacks: *object */
	ARCHIVE_GIT_FAILED,	/* libgit2 failed: git_error_last() says why */
};

/*
 * Looks `spec` up in `repo` the way git does: *object is the object it
 * names (not for NONE, AMBIGUOUS, FAILED), *commit that object peeled to a
 * commit (COMMIT only).
 */
static enum archive_git_found archive_git_lookup(git_oid *object, git_oid *commit,
						 struct archive_git_epoch *e, const char *spec)
{
	git_object *obj = NULL, *peeled = NULL;
	git_reference *ref = NULL, *resolved = NULL;
	enum archive_git_found found;
	git_repository *repo;
	git_odb *odb = NULL;
	int error;

	if (archive_git_fast(commit, e, spec)) {
		oid_copy(object, commit);
		return ARCHIVE_GIT_COMMIT;
	}
	if (archive_git_repo(e) < 0)
		return ARCHIVE_GIT_FAILED;
	repo = e->repo;

	/*
	 * A reference to an object that is not there (a damaged repository):
	 * libgit2 1.5's revparse would say "not found" of the name, and leak.
	 */
	if (git2.reference_dwim(&ref, repo, spec) == 0 &&
	    git2.reference_resolve(&resolved, ref) == 0 && git2.reference_target(resolved) &&
	    git2.repository_odb(&odb, repo) == 0 &&
	    !git2.odb_exists(odb, git2.reference_target(resolved))) {
		oid_copy(object, git2.reference_target(resolved));
		found = ARCHIVE_GIT_MISSING;
		goto cleanup;
	}
	if ((error = git2.revparse_single(&obj, repo, spec)) < 0) {
		if (error == GIT_ENOTFOUND || error == GIT_EINVALIDSPEC ||
		    error == GIT_EUNBORNBRANCH)
			found = ARCHIVE_GIT_NONE;
		else if (error == GIT_EAMBIGUOUS)
			found = ARCHIVE_GIT_AMBIGUOUS;
		else
			found = ARCHIVE_GIT_FAILED;
		goto cleanup;
	}
	oid_copy(object, git2.object_id(obj));
	if ((error = git2.object_peel(&peeled, obj, GIT_OBJECT_COMMIT)) < 0) {
		found = error == GIT_EPEEL || error == GIT_EINVALIDSPEC ? ARCHIVE_GIT_NOT_COMMIT
									: ARCHIVE_GIT_FAILED;
		goto cleanup;
	}
	oid_copy(commit, git2.object_id(peeled));
	found = ARCHIVE_GIT_COMMIT;
cleanup:
	git2.object_free(peeled);
	git2.object_free(obj);
	git2.odb_free(odb);
	git2.reference_free(resolved);
	git2.reference_free(ref);
	return found;
}

/* Whether a repository of `g` is a shallow clone. */
static int archive_git_is_shallow(const struct archive_git *g)
{
	size_t e;

	for (e = 0; e < g->epochs_nr; e++)
		if (archive_git_epoch_shallow(&g->epochs[e]))
			return 1;
	return 0;
}

/*
 * The message for a revision that is not one commit (`found` is not
 * ARCHIVE_GIT_COMMIT); `path` names the archive, `where` the repository
 * whose libgit2 error it is.  A revision not found in a shallow clone may
 * be beyond its boundary: the message says so.
 */
static int archive_git_revision_error(enum archive_git_found found, const char *spec,
				      const git_oid *object, const struct archive_git *g,
				      const char *path, const char *where)
{
	char hex[GIT_OID_HEXSZ + 1];

	switch (found) {
	case ARCHIVE_GIT_MISSING:
		oid_tostr(hex, sizeof(hex), object);
		return error_set(
		    MD_ERR_INPUT,
		    "cannot read '%s': its objects are unreadable: object %s, named by "
		    "'%s', is missing",
		    where, hex, spec);
	case ARCHIVE_GIT_NONE:
		if (archive_git_is_shallow(g))
			return error_set(MD_ERR_INPUT,
					 "archive '%s' is a shallow clone: revision '%s' is not "
					 "in it (fetch the full history)",
					 path, spec);
		return error_set(MD_ERR_INPUT, "unknown revision '%s' in '%s'", spec, path);
	case ARCHIVE_GIT_AMBIGUOUS:
		return error_set(MD_ERR_INPUT, "ambiguous revision '%s' in '%s'", spec, path);
	case ARCHIVE_GIT_NOT_COMMIT:
		return error_set(MD_ERR_INPUT, "revision '%s' in '%s' is not a commit", spec, path);
	default:
		return error_set(MD_ERR_INPUT, "cannot resolve revision '%s' in '%s': %s", spec,
				 where, archive_git_message());
	}
}

struct archive_git_rev;
static int archive_git_inbox_step(struct archive_git_rev *rev, struct archive *a, size_t steps,
				  const char *spec);
static size_t archive_git_split_steps(const char *spec, size_t *steps);

/*
 * The newest commit of epoch `e` (its HEAD) in *out: returns 1, 0 when it has
 * none (HEAD unborn), or a negative code with the message set.
 */
static int archive_git_head(git_oid *out, struct archive_git *g, size_t e)
{
	struct archive_git_epoch *epoch = &g->epochs[e];
	enum archive_git_found found;
	git_oid object;
	int error;

	if (archive_git_fast(out, epoch, "HEAD"))
		return 1;
	if ((error = archive_git_unborn(epoch)) == 1)
		return 0;
	if (error < 0)
		return error_set(MD_ERR_INPUT, "cannot read '%s': %s", epoch->path,
				 archive_git_message());
	found = archive_git_lookup(&object, out, epoch, "HEAD");
	if (found == ARCHIVE_GIT_NONE)
		return 0;
	if (found != ARCHIVE_GIT_COMMIT)
		return archive_git_revision_error(found, "HEAD", &object, g, epoch->path,
						  epoch->path);
	return 1;
}

/* A commit of an inbox and its epoch. */
struct archive_git_rev {
	size_t epoch;
	git_oid id;
};

/*
 * The length of `spec` before its trailing first-parent steps ("~", "~N",
 * "^", "^0", "^1", in any number), their count in *steps; strlen(spec) and
 * 0 when it has none.  "^2" (a second parent) and the like are not steps:
 * they leave the whole revision to libgit2.
 */
static size_t archive_git_split_steps(const char *spec, size_t *steps)
{
	size_t len = strlen(spec), p, n;
	const char *s;

	for (p = 1; p < len; p++) {
		if (spec[p] != '~' && spec[p] != '^')
			continue;
		for (s = spec + p, n = 0; *s;) {
			if (*s == '~' && !isdigit((unsigned char)s[1])) {
				n++;
				s++;
			} else if (*s == '~') {
				size_t k = 0;

				for (s++; isdigit((unsigned char)*s); s++)
					k = k < 100000000 ? k * 10 + (size_t)(*s - '0') : k;
				n += k;
			} else if (*s == '^' && (s[1] == '0' || s[1] == '1') &&
				   !isdigit((unsigned char)s[2])) {
				n += (size_t)(s[1] - '0');
				s += 2;
			} else if (*s == '^' && !isdigit((unsigned char)s[1])) {
				n++;
				s++;
			} else {
				break;
			}
		}
		if (!*s) {
			*steps = n;
			return p;
		}
	}
	*steps = 0;
	return len;
}

/* Whether `spec` starts with a commit id, full or abbreviated, rather than a name. */
static int archive_git_is_id(const char *spec)
{
	size_t len = strspn(spec, "0123456789abcdefABCDEF");

	return len >= GIT_OID_MINPREFIXLEN && len <= GIT_OID_HEXSZ &&
	       (spec[len] == '\0' || strchr("~^:@", spec[len]));
}

/*
 * `id`, found in several epochs (objects shared through alternates): the
 * newest epoch among found[] whose HEAD reaches it, else the newest of them.
 */
static int archive_git_owner(size_t *out, struct archive *a, const git_oid *id,
			     const enum archive_git_found *found)
{
	struct archive_git *g = a->impl;
	git_oid head;
	size_t e;
	int error;

	*out = g->epochs_nr;
	for (e = g->epochs_nr; e-- > 0;) {
		if (found[e] != ARCHIVE_GIT_COMMIT)
			continue;
		if (*out == g->epochs_nr)
			*out = e;
		if ((error = archive_git_head(&head, g, e)) < 0)
			return error;
		if (error == 0)
			continue;
		if (!oid_equal(&head, id) &&
		    ((error = archive_git_repo(&g->epochs[e])) < 0 ||
		     (error = git2.graph_descendant_of(g->epochs[e].repo, &head, id)) < 0))
			return error_set(MD_ERR_INPUT, "cannot walk the history of '%s': %s",
					 g->epochs[e].path, archive_git_message());
		if (oid_equal(&head, id) || error == 1) {
			*out = e;
			return 0;
		}
	}
	return 0;
}

/*
 * Takes `steps` first-parent steps back from *rev, from an epoch's root to
 * the newest commit of the epoch before (empty epochs skipped).
 */
static int archive_git_inbox_step(struct archive_git_rev *rev, struct archive *a, size_t steps,
				  const char *spec)
{
	struct archive_git *g = a->impl;
	struct archive_git_commit_fields fields;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid child;
	int error = 0, stepped = 0;

	for (; steps > 0; steps--) {
		if ((error = archive_git_commit_read(&g->epochs[rev->epoch], &rev->id, &fields)) <
		    0) {
			if (stepped)
				return archive_git_missing_parent(&g->epochs[rev->epoch], &child,
								  &rev->id, error);
			oid_tostr(hex, sizeof(hex), &rev->id);
			return error_set(MD_ERR_INPUT, "cannot read commit %s in '%s': %s", hex,
					 g->epochs[rev->epoch].path, archive_git_message());
		}
		stepped = 0;
		if (fields.has_parent) {
			oid_copy(&child, &rev->id);
			oid_copy(&rev->id, &fields.parent);
			stepped = 1;
		} else {
			do {
				if (rev->epoch == 0)
					return error_set(MD_ERR_INPUT,
							 "unknown revision '%s' in '%s'", spec,
							 a->path);
				rev->epoch--;
			} while ((error = archive_git_head(&rev->id, g, rev->epoch)) == 0);
			if (error < 0)
				return error;
		}
	}
	return 0;
}

/*
 * Resolves a revision of the one repository the way git does, peeled to a
 * commit.  Trailing first-parent steps (~N, ^) are taken here, one commit
 * at a time, so that a missing parent is named (archive_git_inbox_step).
 */
static int archive_git_resolve(git_oid *out, struct archive *a, const char *spec)
{
	struct archive_git *g = a->impl;
	struct archive_git_rev rev = {0};
	enum archive_git_found found;
	size_t steps, base_len;
	git_oid object;
	char *base;
	int error;

	base_len = archive_git_split_steps(spec, &steps);
	base = xmemdupz(spec, base_len);
	found = archive_git_lookup(&object, &rev.id, &g->epochs[0], base);
	free(base);
	if (found != ARCHIVE_GIT_COMMIT)
		return archive_git_revision_error(found, spec, &object, g, a->path, a->path);
	if ((error = archive_git_inbox_step(&rev, a, steps, spec)) < 0)
		return error;
	oid_copy(out, &rev.id);
	return 0;
}

/* Resolves a revision of an inbox (see the top of this file for the rules). */
static int archive_git_inbox_resolve(struct archive_git_rev *out, struct archive *a,
				     const char *spec)
{
	struct archive_git *g = a->impl;
	enum archive_git_found *found;
	git_oid *objects, *commits;
	size_t steps, base_len, e, chosen = 0, candidates = 0;
	char *base;
	int error = 0;

	base_len = archive_git_split_steps(spec, &steps);
	base = xmemdupz(spec, base_len);
	found = xcalloc(g->epochs_nr, sizeof(*found));
	objects = xcalloc(g->epochs_nr, sizeof(*objects));
	commits = xcalloc(g->epochs_nr, sizeof(*commits));
	for (e = 0; e < g->epochs_nr; e++) {
		found[e] = archive_git_lookup(&objects[e], &commits[e], &g->epochs[e], base);
		if (found[e] == ARCHIVE_GIT_FAILED || found[e] == ARCHIVE_GIT_AMBIGUOUS ||
		    found[e] == ARCHIVE_GIT_MISSING) {
			error = archive_git_revision_error(found[e], spec, &objects[e], g, a->path,
							   g->epochs[e].path);
			goto cleanup;
		}
		if (found[e] == ARCHIVE_GIT_NONE)
			continue;
		if (candidates++ && archive_git_is_id(base) &&
		    !oid_equal(&objects[e], &objects[chosen])) {
			/* Two objects of that prefix, in two epochs. */
			error = archive_git_revision_error(ARCHIVE_GIT_AMBIGUOUS, spec, NULL, g,
							   a->path, a->path);
			goto cleanup;
		}
		chosen = e; /* a name: the newest epoch's */
	}
	if (candidates == 0) {
		error =
		    archive_git_revision_error(ARCHIVE_GIT_NONE, spec, NULL, g, a->path, a->path);
		goto cleanup;
	}
	if (found[chosen] != ARCHIVE_GIT_COMMIT) {
		error = archive_git_revision_error(found[chosen], spec, &objects[chosen], g,
						   a->path, a->path);
		goto cleanup;
	}
	if (candidates > 1 && archive_git_is_id(base) &&
	    (error = archive_git_owner(&chosen, a, &commits[chosen], found)) < 0)
		goto cleanup;
	out->epoch = chosen;
	oid_copy(&out->id, &commits[chosen]);
	error = archive_git_inbox_step(out, a, steps, spec);
cleanup:
	free(commits);
	free(objects);
	free(found);
	free(base);
	return error;
}

/*
 * Moves the commits in memory to the end of the temporary file (made on
 * the first call).  When it cannot be made or written, they stay in
 * memory: only memory is lost.
 */
static void archive_git_spill(struct archive_git *g)
{
	size_t in_memory = g->nr - g->spilled, size = in_memory * sizeof(*g->commits);
	const char *dir = getenv("TMPDIR");
	struct buf path = BUF_INIT;
	ssize_t n;

	if (g->spill < 0) {
		buf_addf(&path, "%s/mldigest-XXXXXX", dir && *dir ? dir : "/tmp");
		if ((g->spill = mkstemp(path.data)) >= 0)
			unlink(path.data);
		buf_release(&path);
		if (g->spill < 0) {
			g->spill_failed = 1;
			return;
		}
	}
	n = pwrite(g->spill, g->commits, size, (off_t)(g->spilled * sizeof(*g->commits)));
	if (n != (ssize_t)size) {
		g->spill_failed = 1; /* the file keeps what it had; the rest stays here */
		return;
	}
	g->spilled = g->nr;
}

/*
 * Walked commit k (newest first) into *out: 0, or -1 (errno set) when the
 * temporary file cannot be read.  Any thread (pread on the file).
 */
static int archive_git_walked(const struct archive_git *g, size_t k, struct archive_git_commit *out)
{
	ssize_t n;

	if (k >= g->spilled) {
		*out = g->commits[k - g->spilled];
		return 0;
	}
	n = pread(g->spill, out, sizeof(*out), (off_t)(k * sizeof(*out)));
	if (n == (ssize_t)sizeof(*out))
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

/* Sets walked commit k (archive_git_hide): 0, or -1 (errno set). */
static int archive_git_walked_set(struct archive_git *g, size_t k,
				  const struct archive_git_commit *c)
{
	ssize_t n;

	if (k >= g->spilled) {
		g->commits[k - g->spilled] = *c;
		return 0;
	}
	n = pwrite(g->spill, c, sizeof(*c), (off_t)(k * sizeof(*c)));
	if (n == (ssize_t)sizeof(*c))
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

/* Commit i of the window (oldest first) into *out, as archive_git_walked(). */
static int archive_git_commit_at(const struct archive_git *g, size_t i,
				 struct archive_git_commit *out)
{
	return archive_git_walked(g, g->nr - 1 - i, out);
}

/* Appends `c` to the window's commits (newest first, as the window is walked). */
static void archive_git_append(struct archive_git *g, const struct archive_git_commit *c)
{
	if (g->nr - g->spilled >= archive_git_commits_in_memory && !g->spill_failed)
		archive_git_spill(g);
	if (g->nr - g->spilled == g->alloc) {
		g->alloc = g->alloc ? g->alloc * 2 : 1024;
		g->commits = xrealloc(g->commits, g->alloc * sizeof(*g->commits));
	}
	g->commits[g->nr++ - g->spilled] = *c;
}

/*
 * Walks the first-parent chain from `to` in epoch `e`, newest first,
 * appending each commit to the window, and stops after the root, before
 * `from`, or after `limit` commits (0: no limit).  *found is 1 when `from`
 * was met on the chain or the limit reached before the root; *stop (when
 * not NULL) is then the commit it stopped before.
 */
static int archive_git_chain(struct archive_git *g, size_t e, const git_oid *to,
			     const git_oid *from, size_t limit, git_oid *stop, int *found)
{
	size_t walked = 0;
	struct archive_git_commit_fields fields;
	struct archive_git_commit c;
	char hex[GIT_OID_HEXSZ + 1];
	git_oid id, child;
	int error = 0;

	*found = 0;
	oid_copy(&id, to);
	for (;;) {
		if ((error = archive_git_commit_read(&g->epochs[e], &id, &fields)) < 0) {
			if (g->nr > 0 && !oid_equal(&id, to))
				return archive_git_missing_parent(&g->epochs[e], &child, &id,
								  error);
			oid_tostr(hex, sizeof(hex), &id);
			return error_set(MD_ERR_INPUT, "cannot read commit %s in '%s': %s", hex,
					 g->epochs[e].path, archive_git_message());
		}
		oid_copy(&c.id, &id);
		oid_copy(&c.tree, &fields.tree);
		c.time = fields.time;
		c.epoch = (unsigned int)e;
		archive_git_append(g, &c);

		if (!fields.has_parent)
			break;
		oid_copy(&child, &id);
		oid_copy(&id, &fields.parent);
		if ((from && oid_equal(&id, from)) || (limit && ++walked == limit)) {
			*found = 1;
			if (stop)
				oid_copy(stop, &id);
			break;
		}
	}
	return 0;
}

/*
 * `from` is an ancestor of `to` in epoch `e` but not on its first-parent
 * chain (it was merged from a side branch): keeps the chain's commits from
 * `start` on that are not reachable from `from`, as libgit2's revwalk (git
 * rev-list) finds them.  Never the case in a public-inbox archive, which has
 * no merges.
 */
static int archive_git_hide(struct archive_git *g, size_t e, size_t start, const git_oid *to,
			    const git_oid *from)
{
	struct archive_git_commit c;
	git_revwalk *walk = NULL;
	git_oid id;
	size_t i = start, kept = start;
	int error;

	if ((error = archive_git_repo(&g->epochs[e])) < 0 ||
	    (error = git2.revwalk_new(&walk, g->epochs[e].repo)) < 0 ||
	    (error = git2.revwalk_sorting(walk, GIT_SORT_NONE)) < 0 ||
	    (error = git2.revwalk_simplify_first_parent(walk)) < 0 ||
	    (error = git2.revwalk_push(walk, to)) < 0 ||
	    (error = git2.revwalk_hide(walk, from)) < 0)
		goto fail;
	/* The walk gives a subsequence of the chain, in the chain's order. */
	while ((error = git2.revwalk_next(&id, walk)) == 0) {
		for (; i < g->nr; i++) {
			if (archive_git_walked(g, i, &c) < 0)
				goto fail_list;
			if (oid_equal(&c.id, &id))
				break;
		}
		if (i == g->nr) {
			/* Not reached: a first-parent walk from `to` stays on its chain. */
			git2.error_set_str(GIT_ERROR_INVALID,
					   "the walk left the first-parent chain");
			goto fail;
		}
		if (archive_git_walked_set(g, kept++, &c) < 0)
			goto fail_list;
		i++;
	}
	if (error != GIT_ITEROVER)
		goto fail;
	g->nr = kept;
	if (kept < g->spilled)
		g->spilled = kept; /* all in the file now */
	error = 0;
	goto cleanup;
fail:
	error = error_set(MD_ERR_INPUT, "cannot walk the history of '%s': %s", g->epochs[e].path,
			  archive_git_message());
	goto cleanup;
fail_list:
	error = error_set(MD_ERR_SYSTEM, "cannot keep the window of '%s': %s", g->epochs[e].path,
			  strerror(errno));
cleanup:
	git2.revwalk_free(walk);
	return error;
}

/*
 * Appends the commits after `from` up to `to` in epoch `e`, newest first
 * (git rev-list --first-parent from..to); `from_spec` and `to_spec` are the
 * ends as the user wrote them, for messages about a->path.
 */
static int archive_git_range(struct archive *a, size_t e, const git_oid *to, const git_oid *from,
			     const char *to_spec, const char *from_spec)
{
	struct archive_git *g = a->impl;
	size_t start = g->nr;
	int found, error;

	if ((error = archive_git_chain(g, e, to, from, 0, NULL, &found)) < 0)
		return error;
	if (found)
		return 0;
	/* Not on the chain: an ancestor through a merge, or none at all. */
	if ((error = archive_git_repo(&g->epochs[e])) < 0 ||
	    (error = git2.graph_descendant_of(g->epochs[e].repo, to, from)) < 0)
		return error_set(MD_ERR_INPUT, "cannot walk the history of '%s': %s",
				 g->epochs[e].path, archive_git_message());
	if (error == 0)
		return error_set(MD_ERR_INPUT, "'%s' is not an ancestor of '%s' in '%s'", from_spec,
				 to_spec, a->path);
	return archive_git_hide(g, e, start, to, from);
}

/*
 * N when `spec` is N > 0 first-parent steps back from a name of commit
 * `to` (HEAD~1000 when HEAD is `to`), in the one repository; else 0.
 */
static size_t archive_git_steps_from(struct archive_git *g, const char *spec, const git_oid *to)
{
	size_t steps, base_len = archive_git_split_steps(spec, &steps);
	git_oid object, commit;
	char *base;
	int same;

	if (steps == 0 || base_len == strlen(spec))
		return 0;
	base = xmemdupz(spec, base_len);
	same = archive_git_lookup(&object, &commit, &g->epochs[0], base) == ARCHIVE_GIT_COMMIT &&
	       oid_equal(&commit, to);
	free(base);
	return same ? steps : 0;
}

/* The window of the one repository. */
static int archive_git_repo_window(struct archive *a, const char *from, const char *to,
				   git_oid *from_id, git_oid *to_id)
{
	struct archive_git *g = a->impl;
	const char *to_spec = to ? to : "HEAD";
	size_t steps;
	int found;
	int error;

	if (!to && archive_git_unborn(&g->epochs[0]) == 1)
		return error_set(MD_ERR_INPUT, "cannot read '%s': no commits", a->path);
	if ((error = archive_git_resolve(to_id, a, to_spec)) < 0)
		return error;
	if (!from)
		return archive_git_chain(g, 0, to_id, NULL, 0, NULL, &found);
	/* FROM is TO~N (HEAD~1000..HEAD): TO's first N commits, walked once. */
	if ((steps = archive_git_steps_from(g, from, to_id)) > 0) {
		if ((error = archive_git_chain(g, 0, to_id, NULL, steps, from_id, &found)) < 0)
			return error;
		if (found)
			return 0;
		/* The chain is shorter than N: FROM does not exist, as said below. */
		g->nr = 0;
	}
	if ((error = archive_git_resolve(from_id, a, from)) < 0)
		return error;
	if (oid_equal(from_id, to_id)) {
		a->window_empty = 1;
		return error_set(MD_ERR_INPUT, "empty window '%s..%s' in '%s'", from, to_spec,
				 a->path);
	}
	return archive_git_range(a, 0, to_id, from_id, to_spec, from);
}

/*
 * The window of an inbox, newest first: TO's epoch from TO down to its
 * root, every epoch between whole, FROM's epoch from its HEAD down to just
 * after FROM (or every epoch before TO's whole, when there is no FROM).
 */
static int archive_git_inbox_window(struct archive *a, const char *from, const char *to,
				    git_oid *from_id, git_oid *to_id)
{
	struct archive_git *g = a->impl;
	const char *to_spec = to ? to : "HEAD";
	struct archive_git_rev to_rev, from_rev;
	size_t e, first;
	git_oid head;
	int found, error = 0;

	if (!to) {
		for (e = 0; e < g->epochs_nr; e++)
			if ((error = archive_git_head(&head, g, e)) != 0)
				break;
		if (error < 0)
			return error;
		if (e == g->epochs_nr)
			return error_set(MD_ERR_INPUT, "cannot read '%s': no commits", a->path);
	}
	if ((error = archive_git_inbox_resolve(&to_rev, a, to_spec)) < 0)
		return error;
	oid_copy(to_id, &to_rev.id);
	if (from) {
		if ((error = archive_git_inbox_resolve(&from_rev, a, from)) < 0)
			return error;
		oid_copy(from_id, &from_rev.id);
		if (from_rev.epoch == to_rev.epoch && oid_equal(from_id, to_id)) {
			a->window_empty = 1;
			return error_set(MD_ERR_INPUT, "empty window '%s..%s' in '%s'", from,
					 to_spec, a->path);
		}
		if (from_rev.epoch > to_rev.epoch)
			return error_set(MD_ERR_INPUT, "'%s' is not an ancestor of '%s' in '%s'",
					 from, to_spec, a->path);
		if (from_rev.epoch == to_rev.epoch)
			return archive_git_range(a, to_rev.epoch, to_id, from_id, to_spec, from);
	}

	if ((error = archive_git_chain(g, to_rev.epoch, to_id, NULL, 0, NULL, &found)) < 0)
		return error;
	first = from ? from_rev.epoch + 1 : 0;
	for (e = to_rev.epoch; e-- > first;) {
		if ((error = archive_git_head(&head, g, e)) < 0)
			return error;
		if (error == 1 &&
		    (error = archive_git_chain(g, e, &head, NULL, 0, NULL, &found)) < 0)
			return error;
	}
	if (!from)
		return 0;
	if ((error = archive_git_head(&head, g, from_rev.epoch)) < 0)
		return error;
	if (error == 0) /* FROM is in an epoch without HEAD: on no chain of the inbox */
		return error_set(MD_ERR_INPUT, "'%s' is not an ancestor of '%s' in '%s'", from,
				 to_spec, a->path);
	if (oid_equal(&head, from_id))
		return 0; /* the last commit of its epoch: the window starts with the next */
	return archive_git_range(a, from_rev.epoch, &head, from_id, to_spec, from);
}

static int archive_git_set_window(struct archive *a, const char *from, const char *to)
{
	struct archive_git *g = a->impl;
	git_oid from_id, to_id;
	int error;

	archive_git_reader_free(g); /* the repositories are ours again */
	archive_git_blob_free(g->blob);
	g->blob = NULL;
	g->nr = 0;
	g->spilled = 0; /* the file, if any, is written again from its start */
	g->spill_failed = 0;
	g->pos = 0;
	g->started = 0;
	g->inline_read = 0;

	if (g->inbox)
		error = archive_git_inbox_window(a, from, to, &from_id, &to_id);
	else
		error = archive_git_repo_window(a, from, to, &from_id, &to_id);
	if (error < 0)
		goto cleanup;
	if (g->nr == 0) {
		/* Not reached: `to` is in the window when `from` is a strict ancestor. */
		error = error_set(MD_ERR_INPUT, "empty window '%s..%s' in '%s'", from ? from : "",
				  to ? to : "HEAD", a->path);
		goto cleanup;
	}

	if (from)
		oid_tostr(a->window_from, sizeof(a->window_from), &from_id);
	oid_tostr(a->window_to, sizeof(a->window_to), &to_id);
	a->window_size = g->nr;
cleanup:
	if (error < 0)
		g->nr = 0;
	return error;
}

/* archive_git_read()'s warning for commit `c`, whose message has `size` bytes. */
static int archive_git_too_large(char *message, size_t msize, const struct archive_git_epoch *epoch,
				 const struct archive_git_commit *c, size_t size)
{
	char hex[GIT_OID_HEXSZ + 1];

	oid_tostr(hex, sizeof(hex), &c->id);
	snprintf(message, msize,
		 "skipping commit %s in '%s': message of %zu bytes is over the %zu MiB limit", hex,
		 epoch->path, size, ARCHIVE_GIT_MESSAGE_MAX_SIZE >> 20);
	return ARCHIVE_GIT_SKIPPED;
}

/* archive_git_read()'s error for commit `c`: why it cannot be read. */
static int archive_git_unreadable(char *message, size_t msize,
				  const struct archive_git_epoch *epoch,
				  const struct archive_git_commit *c, const char *why)
{
	char hex[GIT_OID_HEXSZ + 1];

	oid_tostr(hex, sizeof(hex), &c->id);
	snprintf(message, msize, "cannot read commit %s in '%s': %s", hex, epoch->path, why);
	return MD_ERR_INPUT;
}

/*
 * archive_git_read() by libgit2 alone (the message copied out of its
 * object).
 */
static int archive_git_read_libgit2(struct archive_git_epoch *epoch,
				    const struct archive_git_commit *c,
				    struct archive_git_blob **out, char *message, size_t size)
{
	char why[64];
	git_odb_object *blob = NULL;
	git_tree *tree = NULL;
	const git_tree_entry *entry;
	const git_oid *blob_id;
	git_object_t type;
	size_t blob_size;
	char *data;
	int error;

	*out = NULL;
	if ((error = archive_git_repo(epoch)) < 0 ||
	    (error = git2.tree_lookup(&tree, epoch->repo, &c->tree)) < 0) {
		why[0] = '\0'; /* libgit2's message */
		goto fail;
	}
	if (!(entry = git2.tree_entry_byname(tree, "m"))) {
		error = 0;
		goto cleanup;
	}
	if ((type = git2.tree_entry_type(entry)) != GIT_OBJECT_BLOB) {
		snprintf(why, sizeof(why), "'m' is a %s, not a blob",
			 git2.object_type2string(type));
		goto fail;
	}
	blob_id = git2.tree_entry_id(entry);
	if ((error = git2.odb_read_header(&blob_size, &type, epoch->odb, blob_id)) < 0) {
		why[0] = '\0'; /* libgit2's message */
		goto fail;
	}
	if (blob_size > ARCHIVE_GIT_MESSAGE_MAX_SIZE) {
		error = archive_git_too_large(message, size, epoch, c, blob_size);
		goto cleanup;
	}
	if ((error = git2.odb_read(&blob, epoch->odb, blob_id)) < 0) {
		why[0] = '\0'; /* libgit2's message */
		goto fail;
	}
	if ((type = git2.odb_object_type(blob)) != GIT_OBJECT_BLOB) {
		snprintf(why, sizeof(why), "'m' is a %s, not a blob",
			 git2.object_type2string(type));
		goto fail;
	}
	blob_size = git2.odb_object_size(blob);
	data = xmalloc(blob_size + 1);
	memcpy(data, git2.odb_object_data(blob), blob_size);
	data[blob_size] = '\0';
	*out = archive_git_blob_new(data, blob_size);
	error = 1;
	goto cleanup;
fail:
	error =
	    archive_git_unreadable(message, size, epoch, c, why[0] ? why : archive_git_message());
cleanup:
	git2.odb_object_free(blob);
	git2.tree_free(tree);
	return error;
}

/*
 * The id of the blob `m` in the raw tree s[0..len) into *out: 1, 0 when the
 * tree has no `m`, -1 when libgit2 is to read the tree (anything but one
 * well-formed entry, or an `m` that is not a plain file: libgit2 says what
 * it is).  Public-inbox trees have one entry, `m` or `d`.
 */
static int archive_git_tree_m(git_oid *out, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *name, *nul;
	size_t mode_len;

	while (p < end && *p >= '0' && *p <= '7')
		p++;
	mode_len = (size_t)(p - s);
	if (mode_len == 0 || p == end || *p != ' ')
		return -1;
	name = ++p;
	if (!(nul = memchr(p, '\0', (size_t)(end - p))) || nul == name ||
	    end - nul != 1 + GIT_OID_RAWSZ)
		return -1;
	if (nul - name != 1 || name[0] != 'm')
		return 0;
	if (mode_len != 6 || (memcmp(s, "100644", 6) && memcmp(s, "100755", 6)))
		return -1;
	memcpy(out->id, nul + 1, GIT_OID_RAWSZ);
	return 1;
}

/*
 * Reads the message of commit `c` with its epoch's repository, on whichever
 * thread owns it: 1 and *out set (the caller's, archive_git_blob_free) when it
 * has one, 0 when its tree has no `m` (a deletion), ARCHIVE_GIT_SKIPPED with
 * the warning in message[0..size) when the message is over
 * ARCHIVE_GIT_MESSAGE_MAX_SIZE (it is not read), MD_ERR_INPUT with the
 * whole message in message[0..size) when the archive is broken.  Sets no
 * error and prints no warning itself (neither is for the reader thread).
 */
static int archive_git_read(struct archive_git_epoch *epochs, const struct archive_git_commit *c,
			    struct archive_git_blob **out, char *message, size_t size)
{
	struct archive_git_epoch *epoch = &epochs[c->epoch];
	struct pack_reader *pack = archive_git_pack(epoch);
	struct pack_object tree = {0}, blob = {0};
	char why[64];
	git_oid blob_id;
	int found, status;

	*out = NULL;
	if (!pack || pack_read(&tree, pack, c->tree.id, ARCHIVE_GIT_PACK_OBJECT_MAX) != PACK_OK ||
	    tree.type != PACK_TREE ||
	    (found = archive_git_tree_m(&blob_id, tree.data, tree.size)) < 0)
		goto libgit2;
	free(tree.data);
	tree.data = NULL;
	if (found == 0)
		return 0;
	status = pack_read(&blob, pack, blob_id.id, ARCHIVE_GIT_MESSAGE_MAX_SIZE);
	if (status == PACK_TOO_LARGE)
		return archive_git_too_large(message, size, epoch, c, blob.size);
	if (status != PACK_OK)
		goto libgit2;
	if (blob.type != PACK_BLOB) {
		free(blob.data);
		snprintf(why, sizeof(why), "'m' is a %s, not a blob",
			 git2.object_type2string((git_object_t)blob.type));
		return archive_git_unreadable(message, size, epoch, c, why);
	}
	*out = archive_git_blob_new(blob.data, blob.size);
	return 1;
libgit2:
	free(tree.data);
	return archive_git_read_libgit2(epoch, c, out, message, size);
}

/*
 * Fills *out with the message `blob` of `c`, commit i of the window (NULL:
 * freed once prepared).
 */
static void archive_git_message_fill(struct archive_message *out, size_t i,
				     const struct archive_git_commit *c,
				     const struct archive_git_blob *blob)
{
	out->raw = blob ? blob->data : NULL;
	out->len = blob ? blob->size : 0;
	oid_tostr(out->id, sizeof(out->id), &c->id);
	out->time = c->time;
	out->position = (unsigned long)i + 1;
}

/* The message when the window's list cannot be read back: MD_ERR_SYSTEM. */
static int archive_git_list_error(const struct archive_git *g, char *message, size_t size)
{
	snprintf(message, size, "cannot read the window of '%s' back: %s", g->epochs[0].path,
		 strerror(errno));
	return MD_ERR_SYSTEM;
}

/* Frees what a slot holds. */
static void archive_git_slot_clear(const struct archive_git *g, struct archive_git_slot *slot)
{
	archive_git_blob_free(slot->blob);
	slot->blob = NULL;
	if (slot->prepared && g->discard)
		g->discard(slot->prepared);
	slot->prepared = NULL;
}

/*
 * Moves what `src` holds into `dst` (its message only when its status has
 * one: most slots have none, and it is 1 KiB); `src` then holds nothing.
 */
static void archive_git_slot_move(struct archive_git_slot *dst, struct archive_git_slot *src)
{
	dst->status = src->status;
	dst->commit = src->commit;
	dst->c = src->c;
	dst->blob = src->blob;
	dst->prepared = src->prepared;
	if (src->status < 0 || src->status == ARCHIVE_GIT_SKIPPED)
		memcpy(dst->message, src->message, sizeof(dst->message));
	src->blob = NULL;
	src->prepared = NULL;
}

/*
 * Reads the message of slot->c with `epochs` into the slot (its status,
 * blob, message) and runs `prepare` on it (NULL: not); what it prepared
 * is kept, the blob freed (archive_set_prepare).
 */
static void archive_git_load(struct archive_git_slot *slot, struct archive_git_epoch *epochs,
			     archive_prepare_fn prepare)
{
	slot->blob = NULL;
	slot->prepared = NULL;
	slot->message[0] = '\0';
	slot->status =
	    archive_git_read(epochs, &slot->c, &slot->blob, slot->message, sizeof(slot->message));
	if (slot->status == 1 && prepare &&
	    (slot->prepared = prepare(slot->blob->data, slot->blob->size)) != NULL) {
		archive_git_blob_free(slot->blob);
		slot->blob = NULL;
	}
}

/*
 * Commit i's message into *out, read with `epochs` and prepared with
 * `prepare` (archive_git_load).
 */
static void archive_git_fetch(struct archive_git_slot *out, struct archive_git *g, size_t i,
			      struct archive_git_epoch *epochs, archive_prepare_fn prepare)
{
	out->commit = i;
	if (archive_git_commit_at(g, i, &out->c) < 0) {
		out->blob = NULL;
		out->prepared = NULL;
		out->status = archive_git_list_error(g, out->message, sizeof(out->message));
		return;
	}
	archive_git_load(out, epochs, prepare);
}

/* A reader thread: reads its commits of the window into its queue, oldest first. */
static void *archive_git_reader_main(void *arg)
{
	struct archive_git_reader *r = arg;
	struct archive_git *g = r->g;
	struct archive_git_slot *slot, got;
	void *returned[ARCHIVE_GIT_QUEUE];
	size_t i, k, returned_nr;
	int stop = 0;

	for (i = r->first; i < g->nr && !stop; i += g->readers_nr) {
		archive_git_fetch(&got, g, i, r->epochs, g->prepare);

		pthread_mutex_lock(&r->lock);
		while (r->count == ARCHIVE_GIT_QUEUE && !r->stop) {
			r->reader_waiting = 1;
			pthread_cond_wait(&r->not_full, &r->lock);
			r->reader_waiting = 0;
		}
		stop = r->stop;
		if (!stop) {
			slot = &r->slots[(r->head + r->count) % ARCHIVE_GIT_QUEUE];
			archive_git_slot_move(slot, &got);
			r->count++;
			/* The caller is woken for half a queue at a time, not for each. */
			if (r->caller_waiting &&
			    (r->count >= ARCHIVE_GIT_QUEUE / 2 || i + g->readers_nr >= g->nr))
				pthread_cond_signal(&r->not_empty);
		}
		returned_nr = r->returned_nr;
		memcpy(returned, r->returned, returned_nr * sizeof(*returned));
		r->returned_nr = 0;
		pthread_mutex_unlock(&r->lock);
		archive_git_slot_clear(g, &got); /* when told to stop */
		for (k = 0; k < returned_nr; k++)
			g->discard(returned[k]);
	}

	/*
	 * Its share read: its pack readers' windows are unmapped here, on its
	 * own thread, while the caller digests what is still queued.  Done by
	 * the caller after the last message, the unmapping took about 1 ms of
	 * its time at the end of a 1,000-message window (each munmap flushes
	 * the other processors' TLBs).  Reader 0's are the walk's.
	 */
	for (k = 0; k < g->epochs_nr; k++)
		archive_git_pack_close(&r->epochs[k]);

	pthread_mutex_lock(&r->lock);
	r->done = 1;
	if (r->caller_waiting)
		pthread_cond_signal(&r->not_empty);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/* Readers to start: archive_git_readers, else one per processor, at most 4. */
static size_t archive_git_readers_wanted(void)
{
	long n = archive_git_readers;

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > 4 ? 4 : (size_t)n;
}

/* Frees repositories opened by archive_git_epochs_again() (NULL: nothing). */
static void archive_git_epochs_free(const struct archive_git *g, struct archive_git_epoch *epochs)
{
	size_t e;

	if (!epochs)
		return;
	for (e = 0; e < g->epochs_nr; e++)
		archive_git_epoch_close(&epochs[e]);
	free(epochs);
}

/*
 * The archive's repositories again, for a thread of their own (libgit2
 * objects are not shared between threads; packs are, inside libgit2): each
 * is opened by the thread, if it needs libgit2 at all (archive_git_repo).
 * Returns them, or NULL (the thread is then not started).
 */
static struct archive_git_epoch *archive_git_epochs_again(const struct archive_git *g)
{
	struct archive_git_epoch *epochs = xcalloc(g->epochs_nr, sizeof(*epochs));
	size_t e;

	for (e = 0; e < g->epochs_nr; e++) {
		epochs[e].path = g->epochs[e].path; /* borrowed */
		epochs[e].gitdir = g->epochs[e].gitdir;
		epochs[e].plain = g->epochs[e].plain;
		epochs[e].bases = g->bases;
	}
	return epochs;
}

/* Opens reader r's own repositories.  Returns 0 or -1. */
static int archive_git_reader_open(struct archive_git_reader *r)
{
	if (!(r->epochs = archive_git_epochs_again(r->g)))
		return -1;
	r->own_epochs = 1;
	return 0;
}

/* Sets up reader t (not started).  Returns 0, or -1 when it cannot be. */
static int archive_git_reader_init(struct archive_git *g, size_t t)
{
	struct archive_git_reader *r = &g->readers[t];

	r->g = g;
	r->first = t;
	if (t == 0)
		r->epochs = g->epochs;
	else if (archive_git_reader_open(r) < 0)
		return -1;
	if (pthread_mutex_init(&r->lock, NULL) != 0)
		return -1;
	if (pthread_cond_init(&r->not_empty, NULL) != 0) {
		pthread_mutex_destroy(&r->lock);
		return -1;
	}
	if (pthread_cond_init(&r->not_full, NULL) != 0) {
		pthread_cond_destroy(&r->not_empty);
		pthread_mutex_destroy(&r->lock);
		return -1;
	}
	r->sync_ready = 1;
	return 0;
}

/*
 * Starts the reader threads on the window.  Returns 0, or -1 when none
 * could be started (the window is then read inline).  Fewer readers than
 * wanted are used when the repositories cannot be opened again.
 */
static int archive_git_reader_start(struct archive_git *g, archive_prepare_fn prepare,
				    void (*discard)(void *))
{
	size_t want = archive_git_readers_wanted(), t;

	if (want > g->nr)
		want = g->nr ? g->nr : 1;
	g->prepare = prepare;
	g->discard = discard;
	g->readers = xcalloc(want, sizeof(*g->readers));
	g->readers_alloc = want;
	for (t = 0; t < want; t++)
		if (archive_git_reader_init(g, t) < 0)
			break;
	/* Reader t reads every readers_nr-th commit: the count is fixed before any starts. */
	g->readers_nr = t;
	for (t = 0; t < g->readers_nr; t++) {
		if (pthread_create(&g->readers[t].thread, NULL, archive_git_reader_main,
				   &g->readers[t]) != 0)
			break;
		g->readers[t].running = 1;
	}
	if (g->readers_nr == 0 || t < g->readers_nr) {
		archive_git_reader_free(g);
		return -1;
	}
	return 0;
}

/*
 * Stops the reader threads (each ends after the message it is reading),
 * waits for them, and frees the queues with the messages left in them.
 * The repositories are the caller's again.  Does nothing when there are no
 * readers.
 */
static void archive_git_reader_free(struct archive_git *g)
{
	struct archive_git_reader *r;
	size_t t, i;

	if (!g->readers)
		return;
	for (t = 0; t < g->readers_alloc; t++) {
		r = &g->readers[t];
		if (r->running) {
			pthread_mutex_lock(&r->lock);
			r->stop = 1;
			pthread_cond_signal(&r->not_full);
			pthread_mutex_unlock(&r->lock);
		}
	}
	for (t = 0; t < g->readers_alloc; t++) {
		r = &g->readers[t];
		if (r->running)
			pthread_join(r->thread, NULL);
		for (i = 0; i < r->count; i++)
			archive_git_slot_clear(g, &r->slots[(r->head + i) % ARCHIVE_GIT_QUEUE]);
		for (i = 0; i < r->returned_nr; i++)
			g->discard(r->returned[i]);
		if (r->sync_ready) {
			pthread_cond_destroy(&r->not_full);
			pthread_cond_destroy(&r->not_empty);
			pthread_mutex_destroy(&r->lock);
		}
		if (r->own_epochs)
			archive_git_epochs_free(g, r->epochs);
	}
	free(g->readers);
	g->readers = NULL;
	g->readers_nr = 0;
	g->readers_alloc = 0;
}

/*
 * archive_next() with the reader threads: takes the next commit's slot off
 * its reader's queue, skipping deletions and printing the warnings of
 * skipped messages on the way.
 */
static int archive_git_next_queued(struct archive_git *g, struct archive_message *out)
{
	struct archive_git_reader *r;
	struct archive_git_slot *slot;
	char skipped[ARCHIVE_GIT_MESSAGE_MAX];
	int status;

	for (;;) {
		if (g->pos >= g->nr) {
			/* every message is handed out: the readers' packs, mapped
			 * windows and delta bases go now, not when the archive is
			 * closed after the digest is finished and printed */
			archive_git_reader_free(g);
			return 0;
		}
		r = &g->readers[g->pos % g->readers_nr];
		pthread_mutex_lock(&r->lock);
		while (r->count == 0 && !r->done) {
			r->caller_waiting = 1;
			pthread_cond_wait(&r->not_empty, &r->lock);
			r->caller_waiting = 0;
		}
		if (r->count == 0) {
			/* Not reached: each reader queues every commit of its share. */
			pthread_mutex_unlock(&r->lock);
			return 0;
		}
		slot = &r->slots[r->head];
		r->head = (r->head + 1) % ARCHIVE_GIT_QUEUE;
		r->count--;
		g->pos++;
		status = slot->status; /* the reader writes the slot again only under the lock */
		if (status == ARCHIVE_GIT_SKIPPED) {
			memcpy(skipped, slot->message, sizeof(skipped));
		} else if (status > 0) {
			g->blob = slot->blob;
			slot->blob = NULL;
			archive_git_message_fill(out, slot->commit, &slot->c, g->blob);
			out->prepared = slot->prepared;
			slot->prepared = NULL;
		} else if (status < 0) {
			error_set(status, "%s", slot->message);
		}
		if (r->reader_waiting && r->count <= ARCHIVE_GIT_QUEUE / 2)
			pthread_cond_signal(&r->not_full);
		pthread_mutex_unlock(&r->lock);
		if (status == ARCHIVE_GIT_SKIPPED)
			warning("%s", skipped); /* here, on the caller's thread, in archive order */
		else if (status != 0)
			return status;
	}
}

/* archive_next() without a thread: reads the next commits until a message. */
static int archive_git_next_inline(struct archive_git *g, struct archive_message *out)
{
	struct archive_git_slot got;

	while (g->pos < g->nr) {
		/* Not prepared here: archive.c does it. */
		archive_git_fetch(&got, g, g->pos++, g->epochs, NULL);
		if (got.status < 0)
			return error_set(got.status, "%s", got.message);
		if (got.status == ARCHIVE_GIT_SKIPPED) {
			warning("%s", got.message);
			continue;
		}
		if (got.status > 0) {
			g->blob = got.blob;
			out->prepared = got.prepared;
			archive_git_message_fill(out, got.commit, &got.c, g->blob);
			return 1;
		}
	}
	return 0;
}

/*
 * archive_give_back(): a message goes back to the reader of the one last
 * handed on (commit pos - 1: the one the caller is done with, as a rule),
 * which frees it before it reads its next; with no reader running, or a
 * full list, it is freed here.  Any thread may free any message: only
 * where its memory goes back depends on it.
 */
static void archive_git_give_back(struct archive *a, void *prepared)
{
	struct archive_git *g = a->impl;
	struct archive_git_reader *r;
	int kept = 0;

	if (g->readers_nr && g->pos > 0) {
		r = &g->readers[(g->pos - 1) % g->readers_nr];
		pthread_mutex_lock(&r->lock);
		if (!r->done && !r->stop && r->returned_nr < ARCHIVE_GIT_QUEUE) {
			r->returned[r->returned_nr++] = prepared;
			kept = 1;
		}
		pthread_mutex_unlock(&r->lock);
	}
	if (!kept)
		a->discard(prepared);
}

static int archive_git_next(struct archive *a, struct archive_message *out)
{
	struct archive_git *g = a->impl;

	archive_git_blob_free(g->blob);
	g->blob = NULL;
	if (!g->started) {
		g->started = 1;
		g->inline_read = !archive_git_read_ahead ||
				 archive_git_reader_start(g, a->prepare, a->discard) < 0;
	}
	if (g->inline_read)
		return archive_git_next_inline(g, out);
	return archive_git_next_queued(g, out);
}

/* Objects of `type` are not kept in libgit2's object cache. */
static int archive_git_no_cache(git_object_t type)
{
	return git2.libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, (size_t)0);
}

/*
 * Besides the memory limits, strict hash verification is turned off: it
 * hashes every object read again (SHA-1 with collision detection) and
 * doubled the time to read an archive.  git itself does not re-hash objects
 * when it reads them (only fsck does); zlib's checksum still catches a
 * damaged object.
 */
static void archive_git_start_once(void)
{
	const git_error *e;
	int error;

	if (libgit2_load(archive_git_start_error, sizeof(archive_git_start_error)) < 0) {
		archive_git_status = -1;
		return;
	}
	if ((error = git2.libgit2_init()) < 0) {
		snprintf(archive_git_start_error, sizeof(archive_git_start_error), "error %d",
			 error);
		archive_git_status = error;
		return;
	}
	if ((error = git2.libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, GIT_MWINDOW_SIZE)) < 0 ||
	    (error = git2.libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, GIT_MAPPED_LIMIT)) < 0 ||
	    (error = git2.libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, GIT_CACHE_MAX_SIZE)) < 0 ||
	    (error = archive_git_no_cache(GIT_OBJECT_COMMIT)) < 0 ||
	    (error = archive_git_no_cache(GIT_OBJECT_TREE)) < 0 ||
	    (error = archive_git_no_cache(GIT_OBJECT_BLOB)) < 0 ||
	    (error = git2.libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0)) < 0) {
		e = git2.error_last();
		snprintf(archive_git_start_error, sizeof(archive_git_start_error),
			 "cannot set it up: %s", e && e->message ? e->message : "unknown error");
		git2.libgit2_shutdown();
		archive_git_status = error;
		return;
	}
	archive_git_status = 1;
}

/*
 * Starts libgit2, once, from any thread: 0, or its error (negative;
 * archive_git_message() says why).
 */
int archive_git_start(void)
{
	pthread_once(&archive_git_once, archive_git_start_once);
	return archive_git_status == 1 ? 0 : archive_git_status < 0 ? archive_git_status : -1;
}

static void archive_git_library_shutdown(void)
{
	if (archive_git_status == 1)
		git2.libgit2_shutdown();
}

/*
 * Whether commit `id` is where a recorded run ended (archive_set_known_ends):
 * 1 with the identity recorded with it in out, else 0.
 */
static int archive_git_known_root(struct archive *a, archive_known_fn known, const git_oid *id,
				  char out[41])
{
	char hex[GIT_OID_HEXSZ + 1];
	const char *root;

	oid_tostr(hex, sizeof(hex), id);
	root = known(a->known_ctx, hex);
	if (!root || strlen(root) != GIT_OID_HEXSZ ||
	    strspn(root, "0123456789abcdef") != GIT_OID_HEXSZ)
		return 0;
	memcpy(out, root, GIT_OID_HEXSZ + 1);
	return 1;
}

/*
 * The root of HEAD's first-parent chain; in an inbox, epoch 0's, so that the
 * identity stays as epochs are added.  In a repository, the walk stops
 * early where a recorded run ended (archive_set_known_ends).  It uses the repository, so it runs
 * before the reader starts (the state is opened before the window is read).
 */
static int archive_git_root_id(struct archive *a, char out[41])
{
	struct archive_git *g = a->impl;
	struct archive_git_epoch *epoch = &g->epochs[0];
	/* An inbox's later epochs hold the runs' ends, not epoch 0. */
	archive_known_fn known = g->epochs_nr == 1 ? a->known : NULL;
	struct archive_git_commit_fields fields;
	git_oid id, child;
	int error, first = 1;

	assert(!g->readers);
	if (archive_git_fast(&id, epoch, "HEAD"))
		goto walk;
	if (archive_git_unborn(epoch) == 1)
		return error_set(MD_ERR_INPUT, "cannot read '%s': no commits", epoch->path);
	if ((error = archive_git_repo(epoch)) < 0 ||
	    (error = git2.reference_name_to_id(&id, epoch->repo, "HEAD")) < 0) {
		if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH)
			return error_set(MD_ERR_INPUT, "cannot read '%s': no commits", epoch->path);
		return error_set(MD_ERR_INPUT, "cannot read '%s': %s", epoch->path,
				 archive_git_message());
	}
walk:
	/* Down the first-parent chain, one commit at a time, to name a missing one. */
	for (;;) {
		if ((error = archive_git_commit_read(epoch, &id, &fields)) < 0) {
			if (first)
				return archive_git_revision_error(
				    error == GIT_ENOTFOUND ? ARCHIVE_GIT_MISSING
							   : ARCHIVE_GIT_FAILED,
				    "HEAD", &id, g, epoch->path, epoch->path);
			return archive_git_missing_parent(epoch, &child, &id, error);
		}
		if (!fields.has_parent)
			break;
		/* Where a recorded run ended: its identity is this chain's. */
		if (known && archive_git_known_root(a, known, &id, out))
			return 0;
		oid_copy(&child, &id);
		oid_copy(&id, &fields.parent);
		first = 0;
	}
	oid_tostr(out, 41, &id);
	return 0;
}

const struct archive_ops archive_git_ops = {
    .kind = "git",
    .has_revisions = 1,
    .root_id = archive_git_root_id,
    .open = archive_git_open,
    .set_window = archive_git_set_window,
    .next = archive_git_next,
    .give_back = archive_git_give_back,
    .release = archive_git_release,
    .library_shutdown = archive_git_library_shutdown,
};
