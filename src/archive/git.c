/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Public-inbox git archives, read in-process with libgit2.
 *
 * Each commit of the archive adds one message as the blob `m` at the root of
 * its tree; a deletion has `d` instead.  archive_set_window() walks the
 * window once (git rev-list --first-parent FROM..TO), keeping each commit's
 * id, tree id and time.  The messages are then read ahead on a thread of
 * their own (the reader), started by the first archive_next(): it reads each
 * commit's tree and `m` blob, oldest first, into a queue of at most
 * ARCHIVE_GIT_QUEUE messages, while the caller parses the ones before.
 * archive_next() takes them off in order and keeps only the current one.
 *
 * libgit2 objects must not be used by two threads at once, so from the
 * reader's start to its end (archive_git_reader_free, which archive_free()
 * and archive_set_window() call) the reader alone uses the repository and
 * its object database: anything else that needs them runs before the first
 * archive_next() or stops the reader first.  The caller only reads the
 * window's commit list, which does not change meanwhile, and takes the
 * blobs the reader hands on (a blob is an uncached buffer with an atomic
 * reference count and no pointer back to the repository, so the caller may
 * free it while the reader reads on).
 * libgit2's error message is per thread: the reader writes each error into
 * the message's slot, and archive_next() sets it (error_set) when it gets
 * there, after the messages before it.  When no thread can be started the
 * messages are read in archive_next() itself, one at a time.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "archive/archive-internal.h"
#include "util/buf.h"
#include "util/error.h"

#include <assert.h>
#include <git2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/*
 * libgit2's process-wide settings (see archive_git_library_init).  Packs are
 * mapped in windows of at most GIT_MWINDOW_SIZE, GIT_MAPPED_LIMIT bytes in
 * all: with the default window (1 GiB) a whole public-inbox epoch is mapped
 * at once and the limit does nothing.  Every commit, tree and blob of a
 * window is read once, so the object cache only costs memory (its limit
 * counts raw object sizes, not what parsed objects take): commits, trees and
 * blobs are not cached, and the cache is kept small for what remains (tags).
 */
#define GIT_MWINDOW_SIZE   ((size_t)8 << 20)
#define GIT_MAPPED_LIMIT   ((size_t)32 << 20)
#define GIT_CACHE_MAX_SIZE ((ssize_t)1 << 20)

/*
 * Messages read ahead, at most.  The caller holds one more (the current
 * message) and the reader one it is reading.  The reader, once the queue is
 * full, sleeps until it is half empty, so that it is woken once per
 * ARCHIVE_GIT_QUEUE / 2 messages, not for each.
 */
#define ARCHIVE_GIT_QUEUE 32

/* As util/error.c's buffer: error_set() keeps as much of a message. */
#define ARCHIVE_GIT_MESSAGE_MAX 1024

/* One commit of the window. */
struct archive_git_commit {
	git_oid id;
	git_oid tree;
	int64_t time; /* committer time */
};

/* One entry of the queue: a message, or an error met reading the window. */
struct archive_git_slot {
	int status;	      /* 1: a message in `blob`; negative: an error, in `message` */
	size_t commit;	      /* the commit's index in the window */
	git_odb_object *blob; /* the caller's once taken off the queue */
	char message[ARCHIVE_GIT_MESSAGE_MAX];
};

/*
 * The reader thread and its queue.  Fields marked "lock" are read and
 * written under `lock` only; the others by the caller's thread only.
 */
struct archive_git_reader {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t not_empty; /* the caller waits here for a message */
	pthread_cond_t not_full;  /* the reader waits here for room */
	/* lock: the queue, `count` slots from `head` on, oldest first */
	struct archive_git_slot slots[ARCHIVE_GIT_QUEUE];
	size_t head;	    /* lock: the oldest slot */
	size_t count;	    /* lock: slots in use */
	int done;	    /* lock: the reader has gone through the window */
	int stop;	    /* lock: the reader is to end at once */
	int reader_waiting; /* lock: the reader waits for room */
	int caller_waiting; /* lock: the caller waits for a message */
	int running;	    /* a thread was started and not yet joined */
};

struct archive_git {
	git_repository *repo; /* the reader's alone while it runs */
	git_odb *odb;	      /* likewise */
	const char *path;     /* the archive's, for messages */
	/* The window, oldest first; the reader reads it too, while it runs. */
	struct archive_git_commit *commits;
	size_t nr;
	size_t alloc;
	size_t pos;	      /* the next commit to read */
	git_odb_object *blob; /* the current message, until the next read */
	int started;	      /* archive_next() chose how to read the window */
	int inline_read;      /* no reader thread: archive_next() reads */
	/* The reader thread, from the first archive_next() on; or NULL. */
	struct archive_git_reader *reader;
};

/* 0 makes archive_next() read without a thread (archive-internal.h). */
int archive_git_read_ahead = 1;

static void archive_git_reader_free(struct archive_git *g);

/* libgit2's last message, for ours. */
static const char *archive_git_message(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

static int archive_git_open(struct archive *a)
{
	struct archive_git *g;
	int error;

	g = xcalloc(1, sizeof(*g));
	g->path = a->path;
	a->impl = g;

	error = git_repository_open_ext(&g->repo, a->path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (error == GIT_ENOTFOUND) {
		error = error_set(MD_ERR_INPUT, "cannot read '%s': not a git repository", a->path);
		goto cleanup;
	} else if (error == GIT_EOWNER) {
		error = error_set(MD_ERR_INPUT,
				  "cannot read '%s': the repository is owned by another user "
				  "(see git's safe.directory)",
				  a->path);
		goto cleanup;
	} else if (error < 0) {
		error =
		    error_set(MD_ERR_INPUT, "cannot read '%s': %s", a->path, archive_git_message());
		goto cleanup;
	}
	if ((error = git_repository_odb(&g->odb, g->repo)) < 0) {
		error =
		    error_set(MD_ERR_INPUT, "cannot read '%s': %s", a->path, archive_git_message());
		goto cleanup;
	}
cleanup:
	return error;
}

static void archive_git_release(struct archive *a)
{
	struct archive_git *g = a->impl;

	if (!g)
		return;
	archive_git_reader_free(g); /* first: the reader may be using the repository */
	git_odb_object_free(g->blob);
	git_odb_free(g->odb);
	git_repository_free(g->repo);
	free(g->commits);
	free(g);
	a->impl = NULL;
}

/* Resolves a revision the way git does, peeled to a commit. */
static int archive_git_resolve(git_oid *out, struct archive *a, const char *spec)
{
	struct archive_git *g = a->impl;
	git_object *obj = NULL, *commit = NULL;
	int error;

	if ((error = git_revparse_single(&obj, g->repo, spec)) < 0) {
		if (error == GIT_ENOTFOUND || error == GIT_EINVALIDSPEC)
			error =
			    error_set(MD_ERR_INPUT, "unknown revision '%s' in '%s'", spec, a->path);
		else if (error == GIT_EAMBIGUOUS)
			error = error_set(MD_ERR_INPUT, "ambiguous revision '%s' in '%s'", spec,
					  a->path);
		else
			error = error_set(MD_ERR_INPUT, "cannot resolve revision '%s' in '%s': %s",
					  spec, a->path, archive_git_message());
		goto cleanup;
	}
	if ((error = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT)) < 0) {
		if (error == GIT_EPEEL || error == GIT_EINVALIDSPEC)
			error = error_set(MD_ERR_INPUT, "revision '%s' in '%s' is not a commit",
					  spec, a->path);
		else
			error = error_set(MD_ERR_INPUT, "cannot resolve revision '%s' in '%s': %s",
					  spec, a->path, archive_git_message());
		goto cleanup;
	}
	git_oid_cpy(out, git_object_id(commit));
cleanup:
	git_object_free(commit);
	git_object_free(obj);
	return error;
}

static int archive_git_commit_error(struct archive *a, const git_oid *id, const char *why)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), id);
	return error_set(MD_ERR_INPUT, "cannot read commit %s in '%s': %s", hex, a->path, why);
}

/*
 * Walks the first-parent chain from `to`, newest first, recording each
 * commit, and stops after the root or before `from`.  *found is 1 when
 * `from` was met on the chain.
 */
static int archive_git_chain(struct archive *a, const git_oid *to, const git_oid *from, int *found)
{
	struct archive_git *g = a->impl;
	struct archive_git_commit *c;
	git_commit *commit = NULL;
	git_oid id;
	int error = 0;

	*found = 0;
	git_oid_cpy(&id, to);
	for (;;) {
		if ((error = git_commit_lookup(&commit, g->repo, &id)) < 0) {
			error = archive_git_commit_error(a, &id, archive_git_message());
			goto cleanup;
		}
		if (g->nr == g->alloc) {
			g->alloc = g->alloc ? g->alloc * 2 : 1024;
			g->commits = xrealloc(g->commits, g->alloc * sizeof(*g->commits));
		}
		c = &g->commits[g->nr++];
		git_oid_cpy(&c->id, &id);
		git_oid_cpy(&c->tree, git_commit_tree_id(commit));
		c->time = (int64_t)git_commit_time(commit);

		if (git_commit_parentcount(commit) == 0)
			break;
		git_oid_cpy(&id, git_commit_parent_id(commit, 0));
		if (from && git_oid_equal(&id, from)) {
			*found = 1;
			break;
		}
		git_commit_free(commit);
		commit = NULL;
	}
cleanup:
	git_commit_free(commit);
	return error;
}

/*
 * `from` is an ancestor of `to` but not on its first-parent chain (it was
 * merged from a side branch): keeps the chain's commits that are not
 * reachable from `from`, as libgit2's revwalk (git rev-list) finds them.
 * Never the case in a public-inbox archive, which has no merges.
 */
static int archive_git_hide(struct archive *a, const git_oid *to, const git_oid *from)
{
	struct archive_git *g = a->impl;
	git_revwalk *walk = NULL;
	git_oid id;
	size_t i = 0, kept = 0;
	int error;

	if ((error = git_revwalk_new(&walk, g->repo)) < 0 ||
	    (error = git_revwalk_sorting(walk, GIT_SORT_NONE)) < 0 ||
	    (error = git_revwalk_simplify_first_parent(walk)) < 0 ||
	    (error = git_revwalk_push(walk, to)) < 0 || (error = git_revwalk_hide(walk, from)) < 0)
		goto fail;
	/* The walk gives a subsequence of the chain, in the chain's order. */
	while ((error = git_revwalk_next(&id, walk)) == 0) {
		while (i < g->nr && !git_oid_equal(&g->commits[i].id, &id))
			i++;
		if (i == g->nr) {
			/* Not reached: a first-parent walk from `to` stays on its chain. */
			git_error_set_str(GIT_ERROR_INVALID,
					  "the walk left the first-parent chain");
			goto fail;
		}
		g->commits[kept++] = g->commits[i++];
	}
	if (error != GIT_ITEROVER)
		goto fail;
	g->nr = kept;
	error = 0;
	goto cleanup;
fail:
	error = error_set(MD_ERR_INPUT, "cannot walk the history of '%s': %s", a->path,
			  archive_git_message());
cleanup:
	git_revwalk_free(walk);
	return error;
}

static int archive_git_set_window(struct archive *a, const char *from, const char *to)
{
	struct archive_git *g = a->impl;
	const char *to_spec = to ? to : "HEAD";
	struct archive_git_commit tmp;
	git_oid from_id, to_id;
	size_t i, j;
	int found, error;

	archive_git_reader_free(g); /* the repository is ours again */
	git_odb_object_free(g->blob);
	g->blob = NULL;
	g->nr = 0;
	g->pos = 0;
	g->started = 0;
	g->inline_read = 0;

	if (!to && git_repository_head_unborn(g->repo) == 1) {
		error = error_set(MD_ERR_INPUT, "cannot read '%s': no commits", a->path);
		goto cleanup;
	}
	if ((error = archive_git_resolve(&to_id, a, to_spec)) < 0)
		goto cleanup;
	if (from) {
		if ((error = archive_git_resolve(&from_id, a, from)) < 0)
			goto cleanup;
		if (git_oid_equal(&from_id, &to_id)) {
			error = error_set(MD_ERR_INPUT, "empty window '%s..%s' in '%s'", from,
					  to_spec, a->path);
			goto cleanup;
		}
	}

	if ((error = archive_git_chain(a, &to_id, from ? &from_id : NULL, &found)) < 0)
		goto cleanup;
	if (from && !found) {
		/* Not on the chain: an ancestor through a merge, or none at all. */
		if ((error = git_graph_descendant_of(g->repo, &to_id, &from_id)) < 0) {
			error = error_set(MD_ERR_INPUT, "cannot walk the history of '%s': %s",
					  a->path, archive_git_message());
			goto cleanup;
		}
		if (error == 0) {
			error = error_set(MD_ERR_INPUT, "'%s' is not an ancestor of '%s' in '%s'",
					  from, to_spec, a->path);
			goto cleanup;
		}
		if ((error = archive_git_hide(a, &to_id, &from_id)) < 0)
			goto cleanup;
	}
	if (g->nr == 0) {
		/* Not reached: `to` is in the window when `from` is a strict ancestor. */
		error = error_set(MD_ERR_INPUT, "empty window '%s..%s' in '%s'", from ? from : "",
				  to_spec, a->path);
		goto cleanup;
	}

	/* Oldest first. */
	for (i = 0, j = g->nr; j-- > i; i++) {
		tmp = g->commits[i];
		g->commits[i] = g->commits[j];
		g->commits[j] = tmp;
	}
	if (from)
		git_oid_tostr(a->window_from, sizeof(a->window_from), &from_id);
	git_oid_tostr(a->window_to, sizeof(a->window_to), &to_id);
	a->window_size = g->nr;
cleanup:
	if (error < 0)
		g->nr = 0;
	return error;
}

/*
 * Reads the message of commit `c` with the repository of `g`, on whichever
 * thread owns it: 1 and *out set (the caller's, git_odb_object_free) when it
 * has one, 0 when its tree has no `m` (a deletion), MD_ERR_INPUT with the
 * whole message in message[0..size) when the archive is broken.  Sets no
 * error itself (error_set is not for the reader thread).
 */
static int archive_git_read(struct archive_git *g, const struct archive_git_commit *c,
			    git_odb_object **out, char *message, size_t size)
{
	char hex[GIT_OID_HEXSZ + 1], why[64];
	git_odb_object *blob = NULL;
	git_tree *tree = NULL;
	const git_tree_entry *entry;
	git_object_t type;
	int error;

	*out = NULL;
	if ((error = git_tree_lookup(&tree, g->repo, &c->tree)) < 0) {
		why[0] = '\0'; /* libgit2's message */
		goto fail;
	}
	if (!(entry = git_tree_entry_byname(tree, "m"))) {
		error = 0;
		goto cleanup;
	}
	if ((type = git_tree_entry_type(entry)) != GIT_OBJECT_BLOB) {
		snprintf(why, sizeof(why), "'m' is a %s, not a blob", git_object_type2string(type));
		goto fail;
	}
	if ((error = git_odb_read(&blob, g->odb, git_tree_entry_id(entry))) < 0) {
		why[0] = '\0'; /* libgit2's message */
		goto fail;
	}
	if ((type = git_odb_object_type(blob)) != GIT_OBJECT_BLOB) {
		snprintf(why, sizeof(why), "'m' is a %s, not a blob", git_object_type2string(type));
		goto fail;
	}
	*out = blob;
	blob = NULL;
	error = 1;
	goto cleanup;
fail:
	git_oid_tostr(hex, sizeof(hex), &c->id);
	snprintf(message, size, "cannot read commit %s in '%s': %s", hex, g->path,
		 why[0] ? why : archive_git_message());
	error = MD_ERR_INPUT;
cleanup:
	git_odb_object_free(blob);
	git_tree_free(tree);
	return error;
}

/* Fills *out with commit `c`'s message `blob`. */
static void archive_git_message_fill(struct archive_message *out,
				     const struct archive_git_commit *c, git_odb_object *blob)
{
	out->raw = git_odb_object_data(blob);
	out->len = git_odb_object_size(blob);
	git_oid_tostr(out->id, sizeof(out->id), &c->id);
	out->time = c->time;
}

/* The reader thread: reads the window into the queue, oldest first. */
static void *archive_git_reader_main(void *arg)
{
	struct archive_git *g = arg;
	struct archive_git_reader *r = g->reader;
	struct archive_git_slot *slot;
	char message[ARCHIVE_GIT_MESSAGE_MAX];
	git_odb_object *blob;
	size_t i;
	int status, stop = 0;

	for (i = 0; i < g->nr && !stop; i++) {
		message[0] = '\0';
		status = archive_git_read(g, &g->commits[i], &blob, message, sizeof(message));

		pthread_mutex_lock(&r->lock);
		while (r->count == ARCHIVE_GIT_QUEUE && !r->stop) {
			r->reader_waiting = 1;
			pthread_cond_wait(&r->not_full, &r->lock);
			r->reader_waiting = 0;
		}
		stop = r->stop;
		if (!stop && status != 0) {
			slot = &r->slots[(r->head + r->count) % ARCHIVE_GIT_QUEUE];
			slot->status = status;
			slot->commit = i;
			slot->blob = blob;
			blob = NULL;
			if (status < 0)
				memcpy(slot->message, message, sizeof(message));
			r->count++;
			if (r->caller_waiting)
				pthread_cond_signal(&r->not_empty);
		}
		pthread_mutex_unlock(&r->lock);
		git_odb_object_free(blob); /* when told to stop */
	}

	pthread_mutex_lock(&r->lock);
	r->done = 1;
	if (r->caller_waiting)
		pthread_cond_signal(&r->not_empty);
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

/*
 * Starts the reader thread on the window.  Returns 0, or -1 when no thread
 * could be started (the window is then read inline).
 */
static int archive_git_reader_start(struct archive_git *g)
{
	struct archive_git_reader *r;

	r = xcalloc(1, sizeof(*r));
	if (pthread_mutex_init(&r->lock, NULL) != 0) {
		free(r);
		return -1;
	}
	if (pthread_cond_init(&r->not_empty, NULL) != 0) {
		pthread_mutex_destroy(&r->lock);
		free(r);
		return -1;
	}
	if (pthread_cond_init(&r->not_full, NULL) != 0) {
		pthread_cond_destroy(&r->not_empty);
		pthread_mutex_destroy(&r->lock);
		free(r);
		return -1;
	}
	g->reader = r;
	if (pthread_create(&r->thread, NULL, archive_git_reader_main, g) != 0) {
		archive_git_reader_free(g);
		return -1;
	}
	r->running = 1;
	return 0;
}

/*
 * Stops the reader thread (it ends after the message it is reading), waits
 * for it, and frees the queue with the messages left in it.  The repository
 * is the caller's again.  Does nothing when there is no reader.
 */
static void archive_git_reader_free(struct archive_git *g)
{
	struct archive_git_reader *r = g->reader;
	size_t i;

	if (!r)
		return;
	if (r->running) {
		pthread_mutex_lock(&r->lock);
		r->stop = 1;
		pthread_cond_signal(&r->not_full);
		pthread_mutex_unlock(&r->lock);
		pthread_join(r->thread, NULL);
	}
	for (i = 0; i < r->count; i++)
		git_odb_object_free(r->slots[(r->head + i) % ARCHIVE_GIT_QUEUE].blob);
	pthread_cond_destroy(&r->not_full);
	pthread_cond_destroy(&r->not_empty);
	pthread_mutex_destroy(&r->lock);
	free(r);
	g->reader = NULL;
}

/* archive_next() with the reader thread: takes the oldest slot off the queue. */
static int archive_git_next_queued(struct archive_git *g, struct archive_message *out)
{
	struct archive_git_reader *r = g->reader;
	struct archive_git_slot *slot;
	int status;

	pthread_mutex_lock(&r->lock);
	while (r->count == 0 && !r->done) {
		r->caller_waiting = 1;
		pthread_cond_wait(&r->not_empty, &r->lock);
		r->caller_waiting = 0;
	}
	if (r->count == 0) {
		pthread_mutex_unlock(&r->lock);
		return 0;
	}
	slot = &r->slots[r->head];
	r->head = (r->head + 1) % ARCHIVE_GIT_QUEUE;
	r->count--;
	status = slot->status; /* the reader writes the slot again only under the lock */
	if (status > 0) {
		g->blob = slot->blob;
		slot->blob = NULL;
		archive_git_message_fill(out, &g->commits[slot->commit], g->blob);
	} else {
		error_set(status, "%s", slot->message);
	}
	if (r->reader_waiting && r->count <= ARCHIVE_GIT_QUEUE / 2)
		pthread_cond_signal(&r->not_full);
	pthread_mutex_unlock(&r->lock);
	return status;
}

/* archive_next() without a thread: reads the next commits until a message. */
static int archive_git_next_inline(struct archive_git *g, struct archive_message *out)
{
	char message[ARCHIVE_GIT_MESSAGE_MAX];
	const struct archive_git_commit *c;
	int error;

	while (g->pos < g->nr) {
		c = &g->commits[g->pos++];
		if ((error = archive_git_read(g, c, &g->blob, message, sizeof(message))) < 0)
			return error_set(error, "%s", message);
		if (error > 0) {
			archive_git_message_fill(out, c, g->blob);
			return 1;
		}
	}
	return 0;
}

static int archive_git_next(struct archive *a, struct archive_message *out)
{
	struct archive_git *g = a->impl;

	git_odb_object_free(g->blob);
	g->blob = NULL;
	if (!g->started) {
		g->started = 1;
		g->inline_read = !archive_git_read_ahead || archive_git_reader_start(g) < 0;
	}
	if (g->inline_read)
		return archive_git_next_inline(g, out);
	return archive_git_next_queued(g, out);
}

/* Objects of `type` are not kept in libgit2's object cache. */
static int archive_git_no_cache(git_object_t type)
{
	return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, (size_t)0);
}

/*
 * Besides the memory limits, strict hash verification is turned off: it
 * hashes every object read again (SHA-1 with collision detection) and
 * doubled the time to read an archive.  git itself does not re-hash objects
 * when it reads them (only fsck does); zlib's checksum still catches a
 * damaged object.
 */
static int archive_git_library_init(void)
{
	int error;

	if ((error = git_libgit2_init()) < 0)
		return error_set(MD_ERR_SYSTEM, "cannot start libgit2: %s", archive_git_message());
	if ((error = git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, GIT_MWINDOW_SIZE)) < 0 ||
	    (error = git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, GIT_MAPPED_LIMIT)) < 0 ||
	    (error = git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, GIT_CACHE_MAX_SIZE)) < 0 ||
	    (error = archive_git_no_cache(GIT_OBJECT_COMMIT)) < 0 ||
	    (error = archive_git_no_cache(GIT_OBJECT_TREE)) < 0 ||
	    (error = archive_git_no_cache(GIT_OBJECT_BLOB)) < 0 ||
	    (error = git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0)) < 0) {
		error =
		    error_set(MD_ERR_SYSTEM, "cannot set up libgit2: %s", archive_git_message());
		git_libgit2_shutdown();
		return error;
	}
	return 0;
}

static void archive_git_library_shutdown(void)
{
	git_libgit2_shutdown();
}

/*
 * The root of HEAD's first-parent chain.  It uses the repository, so it runs
 * before the reader starts (the state is opened before the window is read).
 */
static int archive_git_root_id(struct archive *a, char out[41])
{
	struct archive_git *g = a->impl;
	git_revwalk *walk = NULL;
	git_oid id, root;
	int error, found = 0;

	assert(!g->reader);
	if ((error = git_revwalk_new(&walk, g->repo)) < 0 ||
	    (error = git_revwalk_simplify_first_parent(walk)) < 0 ||
	    (error = git_revwalk_push_head(walk)) < 0) {
		if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH)
			error = error_set(MD_ERR_INPUT, "cannot read '%s': no commits", a->path);
		else
			error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", a->path,
					  archive_git_message());
		goto cleanup;
	}
	while ((error = git_revwalk_next(&id, walk)) == 0) {
		git_oid_cpy(&root, &id);
		found = 1;
	}
	if (error != GIT_ITEROVER) {
		error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", a->path,
				  archive_git_message());
		goto cleanup;
	}
	if (!found) {
		error = error_set(MD_ERR_INPUT, "cannot read '%s': no commits", a->path);
		goto cleanup;
	}
	git_oid_tostr(out, 41, &root);
	error = 0;
cleanup:
	git_revwalk_free(walk);
	return error;
}

const struct archive_ops archive_git_ops = {
    .kind = "git",
    .root_id = archive_git_root_id,
    .open = archive_git_open,
    .set_window = archive_git_set_window,
    .next = archive_git_next,
    .release = archive_git_release,
    .library_init = archive_git_library_init,
    .library_shutdown = archive_git_library_shutdown,
};
