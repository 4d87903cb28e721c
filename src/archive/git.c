/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Public-inbox git archives, read in-process with libgit2.
 *
 * Each commit of the archive adds one message as the blob `m` at the root of
 * its tree; a deletion has `d` instead.  archive_set_window() walks the
 * window once (git rev-list --first-parent FROM..TO), keeping each commit's
 * id, tree id and time; archive_next() then reads one tree and its `m` blob
 * at a time, oldest first, and keeps only that blob.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "archive/archive-internal.h"
#include "util/buf.h"
#include "util/error.h"

#include <git2.h>
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

/* One commit of the window. */
struct archive_git_commit {
	git_oid id;
	git_oid tree;
	int64_t time; /* committer time */
};

struct archive_git {
	git_repository *repo;
	git_odb *odb;
	struct archive_git_commit *commits; /* the window, oldest first */
	size_t nr;
	size_t alloc;
	size_t pos;	      /* the next commit to read */
	git_odb_object *blob; /* the current message, until the next read */
};

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

	git_odb_object_free(g->blob);
	g->blob = NULL;
	g->nr = 0;
	g->pos = 0;

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
 * Reads the message of commit `c`: 1 and *out filled when it has one, 0 when
 * its tree has no `m` (a deletion), negative when the archive is broken.
 */
static int archive_git_read(struct archive *a, const struct archive_git_commit *c,
			    struct archive_message *out)
{
	struct archive_git *g = a->impl;
	git_tree *tree = NULL;
	const git_tree_entry *entry;
	git_object_t type;
	char why[64];
	int error;

	if ((error = git_tree_lookup(&tree, g->repo, &c->tree)) < 0) {
		error = archive_git_commit_error(a, &c->id, archive_git_message());
		goto cleanup;
	}
	if (!(entry = git_tree_entry_byname(tree, "m"))) {
		error = 0;
		goto cleanup;
	}
	if ((type = git_tree_entry_type(entry)) != GIT_OBJECT_BLOB) {
		snprintf(why, sizeof(why), "'m' is a %s, not a blob", git_object_type2string(type));
		error = archive_git_commit_error(a, &c->id, why);
		goto cleanup;
	}
	if ((error = git_odb_read(&g->blob, g->odb, git_tree_entry_id(entry))) < 0) {
		error = archive_git_commit_error(a, &c->id, archive_git_message());
		goto cleanup;
	}
	if ((type = git_odb_object_type(g->blob)) != GIT_OBJECT_BLOB) {
		snprintf(why, sizeof(why), "'m' is a %s, not a blob", git_object_type2string(type));
		error = archive_git_commit_error(a, &c->id, why);
		goto cleanup;
	}

	out->raw = git_odb_object_data(g->blob);
	out->len = git_odb_object_size(g->blob);
	git_oid_tostr(out->id, sizeof(out->id), &c->id);
	out->time = c->time;
	error = 1;
cleanup:
	if (error < 0) {
		git_odb_object_free(g->blob);
		g->blob = NULL;
	}
	git_tree_free(tree);
	return error;
}

static int archive_git_next(struct archive *a, struct archive_message *out)
{
	struct archive_git *g = a->impl;
	int error = 0;

	git_odb_object_free(g->blob);
	g->blob = NULL;
	while (g->pos < g->nr) {
		if ((error = archive_git_read(a, &g->commits[g->pos++], out)) != 0)
			break;
	}
	return error;
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

const struct archive_ops archive_git_ops = {
    .kind = "git",
    .open = archive_git_open,
    .set_window = archive_git_set_window,
    .next = archive_git_next,
    .release = archive_git_release,
    .library_init = archive_git_library_init,
    .library_shutdown = archive_git_library_shutdown,
};
