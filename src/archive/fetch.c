/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --fetch: brings a public-inbox git archive up to date from its remote
 * with libgit2 (git_remote_fetch; no git process), before it is digested.
 *
 * A repository is fetched from its remote "origin" (else its only remote),
 * with the remote's own refspecs: a mirror clone (`git clone --mirror`,
 * whose refspec maps every ref to itself) moves its branches, and so its
 * HEAD, to the remote's.
 * A v2 inbox has every epoch git/0.git ... git/N.git fetched, then gains the
 * epochs that appeared since: the URL of epoch N's remote ends with the
 * number N (https://lore.kernel.org/kvm/1, /srv/mirror/kvm/git/1.git), and
 * the same URL with N+1 (https://lore.kernel.org/kvm/2) is cloned as a
 * mirror into git/<N+1>.git, and so on while a clone is there.  A clone the
 * remote does not have (not found, HTTP 404) ends the search; any other
 * failure is the fetch's.  A URL that does not end with N finds no new epoch.
 *
 * All or nothing: the references of each repository are remembered before
 * it is fetched and put back when anything fails later; new epochs are
 * cloned into temporary directories (git/<N>.git.tmp-XXXXXX) renamed into
 * place once every step has succeeded.  Objects a failed fetch brought are
 * left unreferenced in the object database (git gc removes them); the
 * archive reads as it did.
 */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* mkdtemp, nftw */
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* nftw */
#endif

#include "archive/archive-internal.h"
#include "archive/libgit2.h"
#include "util/buf.h"
#include "util/error.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One reference as it was before the fetch. */
struct fetch_ref {
	char *name;
	git_oid id;
};

/* One repository: the archive, or one epoch of a v2 inbox. */
struct fetch_repo {
	char *path;
	git_repository *repo;
	struct fetch_ref *refs; /* its direct references before the fetch */
	size_t nrefs;
	int touched; /* fetched, or tried to be: restore its references on failure */
};

/* A new epoch, cloned into tmp_path, to be renamed to path. */
struct fetch_clone {
	char *path;
	char *tmp_path;
};

const char *archive_library_version(void)
{
	static char version[32];
	int major = 0, minor = 0, rev = 0;

	/* The one loaded, which may be a later release of the one built with. */
	if (libgit2_load(NULL, 0) < 0)
		return "not found (" LIBGIT2_SONAME ")";
	git2.libgit2_version(&major, &minor, &rev);
	snprintf(version, sizeof(version), "%d.%d.%d", major, minor, rev);
	return version;
}

static const char *fetch_git_message(void)
{
	const git_error *e = git2.error_last();

	return e && e->message ? e->message : "unknown error";
}

static int fetch_is_directory(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int fetch_remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* rm -rf path (a temporary clone). */
static void fetch_remove_tree(const char *path)
{
	nftw(path, fetch_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int fetch_refs_save(struct fetch_repo *r)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	size_t alloc = 0;
	int error;

	if ((error = git2.reference_iterator_new(&it, r->repo)) < 0)
		goto cleanup;
	while ((error = git2.reference_next(&ref, it)) == 0) {
		if (git2.reference_type(ref) == GIT_REFERENCE_DIRECT) {
			if (r->nrefs == alloc) {
				alloc = alloc ? alloc * 2 : 16;
				r->refs = xrealloc(r->refs, alloc * sizeof(*r->refs));
			}
			r->refs[r->nrefs].name = xstrdup(git2.reference_name(ref));
			oid_copy(&r->refs[r->nrefs].id, git2.reference_target(ref));
			r->nrefs++;
		}
		git2.reference_free(ref);
	}
	error = error == GIT_ITEROVER ? 0 : error;
cleanup:
	git2.reference_iterator_free(it);
	if (error < 0)
		return error_set(MD_ERR_INPUT, "cannot fetch '%s': %s", r->path,
				 fetch_git_message());
	return 0;
}

/* Puts r's references back as fetch_refs_save() found them. */
static void fetch_refs_restore(struct fetch_repo *r)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	size_t i;
	int known;

	for (i = 0; i < r->nrefs; i++) {
		if (git2.reference_create(&ref, r->repo, r->refs[i].name, &r->refs[i].id, 1,
					  "mldigest: fetch failed") == 0)
			git2.reference_free(ref);
	}
	if (git2.reference_iterator_new(&it, r->repo) < 0)
		return;
	while (git2.reference_next(&ref, it) == 0) {
		for (known = 0, i = 0; !known && i < r->nrefs; i++)
			known = !strcmp(r->refs[i].name, git2.reference_name(ref));
		if (!known && git2.reference_type(ref) == GIT_REFERENCE_DIRECT)
			git2.reference_delete(ref);
		git2.reference_free(ref);
	}
	git2.reference_iterator_free(it);
}

/* The remote to fetch from: "origin", else the only one there is. */
static int fetch_remote_find(git_remote **out, struct fetch_repo *r)
{
	git_strarray names = {0};
	int error;

	if (git2.remote_lookup(out, r->repo, "origin") == 0)
		return 0;
	if (git2.remote_list(&names, r->repo) < 0) {
		error = error_set(MD_ERR_INPUT, "cannot fetch '%s': %s", r->path,
				  fetch_git_message());
	} else if (names.count != 1) {
		error = error_set(MD_ERR_INPUT, "cannot fetch '%s': %s", r->path,
				  names.count ? "it has several remotes and none is 'origin'"
					      : "it has no remote");
	} else if (git2.remote_lookup(out, r->repo, names.strings[0]) < 0) {
		error = error_set(MD_ERR_INPUT, "cannot fetch '%s': %s", r->path,
				  fetch_git_message());
	} else {
		error = 0;
	}
	git2.strarray_dispose(&names);
	return error;
}

/*
 * True when `url` is a local remote (a path, or file://) that is not there;
 * libgit2 would call it "unsupported URL protocol".
 */
static int fetch_is_missing_local(const char *url)
{
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');

	if (!strncmp(url, "file://", 7))
		return !fetch_is_directory(url + 7);
	return (!colon || (slash && slash < colon)) && !fetch_is_directory(url);
}

static void fetch_options_init(git_fetch_options *opts)
{
	git2.fetch_options_init(opts, GIT_FETCH_OPTIONS_VERSION);
	opts->update_fetchhead = 0;
	opts->proxy_opts.type = GIT_PROXY_AUTO;
}

/* Opens, remembers and fetches one repository. */
static int fetch_repo_run(struct fetch_repo *r, char **url_out)
{
	git_fetch_options opts;
	git_remote *remote = NULL;
	int error;

	error = git2.repository_open_ext(&r->repo, r->path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (error == GIT_ENOTFOUND)
		return error_set(MD_ERR_INPUT, "cannot fetch '%s': not a git repository", r->path);
	if (error < 0)
		return error_set(MD_ERR_INPUT, "cannot fetch '%s': %s", r->path,
				 fetch_git_message());
	if ((error = fetch_refs_save(r)) < 0 || (error = fetch_remote_find(&remote, r)) < 0)
		goto cleanup;
	fetch_options_init(&opts);
	r->touched = 1;
	if (fetch_is_missing_local(git2.remote_url(remote))) {
		error = error_set(MD_ERR_INPUT, "cannot fetch '%s' from '%s': no such repository",
				  r->path, git2.remote_url(remote));
		goto cleanup;
	}
	if (git2.remote_fetch(remote, NULL, &opts, NULL) < 0) {
		error = error_set(MD_ERR_INPUT, "cannot fetch '%s' from '%s': %s", r->path,
				  git2.remote_url(remote), fetch_git_message());
		goto cleanup;
	}
	if (url_out)
		*url_out = xstrdup(git2.remote_url(remote));
cleanup:
	git2.remote_free(remote);
	return error;
}

/*
 * The URL of epoch n + 1 from epoch n's: the last path component is n, with
 * or without ".git" (and a trailing '/').  Returns 0, or 1 when `url` does
 * not end with n.
 */
static int fetch_next_url(struct buf *out, const char *url, size_t n)
{
	size_t len = strlen(url), end, start;
	const char *suffix = "";

	while (len > 0 && url[len - 1] == '/')
		len--;
	end = len;
	if (end >= 4 && !memcmp(url + end - 4, ".git", 4)) {
		end -= 4;
		suffix = ".git";
	}
	for (start = end; start > 0 && url[start - 1] >= '0' && url[start - 1] <= '9';)
		start--;
	if (start == end || start == 0 || (url[start - 1] != '/' && url[start - 1] != ':') ||
	    end - start > 9 || strtoul(url + start, NULL, 10) != n ||
	    (url[start] == '0' && end - start > 1))
		return 1;
	buf_reset(out);
	buf_addf(out, "%.*s%zu%s", (int)start, url, n + 1, suffix);
	return 0;
}

static int fetch_create_mirror_remote(git_remote **out, git_repository *repo, const char *name,
				      const char *url, void *payload)
{
	git_config *config = NULL;
	int error;

	if ((error = git2.remote_create_with_fetchspec(out, repo, name, url, "+refs/*:refs/*")) < 0)
		return error;
	if ((error = git2.repository_config(&config, repo)) == 0)
		error = git2.config_set_bool(config, "remote.origin.mirror", 1);
	git2.config_free(config);
	return error;
}

/* Whether a failed clone means "the remote has no such repository". */
static int fetch_is_not_found(int error)
{
	const char *m = fetch_git_message();

	return error == GIT_ENOTFOUND || strstr(m, "404") || strstr(m, "not found") ||
	       strstr(m, "could not find repository") || strstr(m, "does not exist");
}

/*
 * Clones epoch `n` from `url` into a temporary directory beside
 * git/<n>.git.  Returns 0 (c filled), 1 when the remote has no such epoch,
 * or a negative code with the message set.
 */
static int fetch_clone_epoch(struct fetch_clone *c, const char *dir, size_t n, const char *url)
{
	git_clone_options opts;
	git_repository *repo = NULL;
	struct buf path = BUF_INIT;
	int error;

	if (fetch_is_missing_local(url))
		return 1;

	buf_addf(&path, "%s/git/%zu.git", dir, n);
	c->path = buf_detach(&path, NULL);
	buf_addf(&path, "%s.tmp-XXXXXX", c->path);
	c->tmp_path = buf_detach(&path, NULL);
	if (!mkdtemp(c->tmp_path)) {
		error = error_set(MD_ERR_INPUT, "cannot fetch '%s': cannot make '%s': %s", dir,
				  c->tmp_path, strerror(errno));
		free(c->tmp_path);
		c->tmp_path = NULL;
		return error;
	}
	git2.clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
	opts.bare = 1;
	opts.remote_cb = fetch_create_mirror_remote;
	fetch_options_init(&opts.fetch_opts);
	if ((error = git2.clone(&repo, url, c->tmp_path, &opts)) == 0) {
		git2.repository_free(repo);
		return 0;
	}
	error = fetch_is_not_found(error)
		    ? 1
		    : error_set(MD_ERR_INPUT, "cannot fetch '%s': cannot clone the new epoch '%s': %s",
				dir, url, fetch_git_message());
	fetch_remove_tree(c->tmp_path);
	free(c->tmp_path);
	c->tmp_path = NULL;
	return error;
}

int archive_fetch(const char *path)
{
	struct fetch_repo *repos = NULL;
	struct fetch_clone *clones = NULL;
	struct buf b = BUF_INIT, url = BUF_INIT;
	size_t nrepos = 0, nclones = 0, i;
	char *last_url = NULL;
	int inbox, error = 0;

	if (archive_git_start() < 0)
		return error_set(MD_ERR_SYSTEM, "cannot fetch '%s': libgit2 cannot be started",
				 path);
	buf_addf(&b, "%s/git/0.git", path);
	inbox = fetch_is_directory(b.data);
	if (!inbox && !fetch_is_directory(path)) {
		error = error_set(MD_ERR_INPUT, "cannot fetch '%s': %s", path,
				  access(path, F_OK) == 0 ? "not a git repository"
							  : "no such file or directory");
		goto cleanup;
	}
	for (;;) {
		if (inbox) {
			buf_reset(&b);
			buf_addf(&b, "%s/git/%zu.git", path, nrepos);
			if (!fetch_is_directory(b.data))
				break;
		} else if (nrepos == 1) {
			break;
		}
		repos = xrealloc(repos, (nrepos + 1) * sizeof(*repos));
		memset(&repos[nrepos], 0, sizeof(*repos));
		repos[nrepos].path = xstrdup(inbox ? b.data : path);
		free(last_url);
		last_url = NULL;
		if ((error = fetch_repo_run(&repos[nrepos++], &last_url)) < 0)
			goto cleanup;
	}

	/* New epochs after the last: clone while the remote has them. */
	while (inbox && last_url && fetch_next_url(&url, last_url, nrepos + nclones - 1) == 0) {
		clones = xrealloc(clones, (nclones + 1) * sizeof(*clones));
		memset(&clones[nclones], 0, sizeof(*clones));
		if ((error = fetch_clone_epoch(&clones[nclones], path, nrepos + nclones,
					       url.data)) != 0) {
			free(clones[nclones].path);
			if (error > 0)
				error = 0;
			break;
		}
		nclones++;
		free(last_url);
		last_url = buf_detach(&url, NULL);
	}
	for (i = 0; !error && i < nclones; i++)
		if (rename(clones[i].tmp_path, clones[i].path) < 0)
			error = error_set(MD_ERR_INPUT, "cannot fetch '%s': cannot rename '%s': %s",
					  path, clones[i].tmp_path, strerror(errno));
	if (error < 0) /* the renamed ones go too */
		for (i = 0; i < nclones; i++)
			if (!fetch_is_directory(clones[i].tmp_path))
				fetch_remove_tree(clones[i].path);

cleanup:
	for (i = 0; i < nrepos; i++) {
		if (error < 0 && repos[i].touched)
			fetch_refs_restore(&repos[i]);
		while (repos[i].nrefs)
			free(repos[i].refs[--repos[i].nrefs].name);
		free(repos[i].refs);
		git2.repository_free(repos[i].repo);
		free(repos[i].path);
	}
	for (i = 0; i < nclones; i++) {
		if (clones[i].tmp_path && fetch_is_directory(clones[i].tmp_path))
			fetch_remove_tree(clones[i].tmp_path);
		free(clones[i].tmp_path);
		free(clones[i].path);
	}
	free(repos);
	free(clones);
	free(last_url);
	buf_release(&b);
	buf_release(&url);
	return error;
}
