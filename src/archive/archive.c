/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1 /* realpath() under -std=c11; meson defines it too */
#endif

#include "archive/archive-internal.h"
#include "util/buf.h"
#include "util/error.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <strings.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Every kind of archive, for the library's start and stop. */
static const struct archive_ops *const archive_kinds[] = {
    &archive_git_ops,
    &archive_mbox_ops,
    &archive_maildir_ops,
};

#define ARCHIVE_KIND_COUNT (sizeof(archive_kinds) / sizeof(archive_kinds[0]))

static int is_directory(const char *path, const char *sub)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int ok;

	buf_addf(&b, "%s/%s", path, sub);
	ok = stat(b.data, &st) == 0 && S_ISDIR(st.st_mode);
	buf_release(&b);
	return ok;
}

/*
 * The kind of the archive at `path`: a directory with cur/ is a Maildir; any
 * other directory is handed to git (a repository, or a v2 inbox with
 * git/0.git: git.c tells them apart and says when it is neither); a regular
 * file (or a pipe) is an mbox.
 */
static const struct archive_ops *archive_detect(const char *path, const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return is_directory(path, "cur") && !is_directory(path, "objects")
			   ? &archive_maildir_ops
			   : &archive_git_ops;
	return &archive_mbox_ops;
}

/* strerror(err) with a lowercase first letter, as our messages are. */
const char *archive_strerror(int err, char *out, size_t size)
{
	size_t len;

	len = strlen(strerror(err));
	if (len >= size)
		len = size - 1;
	memcpy(out, strerror(err), len);
	out[len] = '\0';
	out[0] = (char)tolower((unsigned char)out[0]);
	return out;
}

/*
 * The value of header `name` in the header block h[0..len): *value spans it
 * to the end of its last continuation line.  Returns 1 when found, 0 when
 * not before the first empty line.
 */
int archive_header_find(const char *h, size_t len, const char *name, const char **value,
			    size_t *value_len)
{
	size_t nlen = strlen(name), pos = 0, end;
	const char *nl;

	while (pos < len && h[pos] != '\n' &&
	       !(h[pos] == '\r' && pos + 1 < len && h[pos + 1] == '\n')) {
		nl = memchr(h + pos, '\n', len - pos);
		end = nl ? (size_t)(nl - h) + 1 : len;
		if (end - pos > nlen && !strncasecmp(h + pos, name, nlen) && h[pos + nlen] == ':') {
			pos += nlen + 1;
			while (end < len && (h[end] == ' ' || h[end] == '\t')) {
				nl = memchr(h + end, '\n', len - end);
				end = nl ? (size_t)(nl - h) + 1 : len;
			}
			*value = h + pos;
			*value_len = end - pos;
			return 1;
		}
		pos = end;
	}
	return 0;
}

/* 64-bit FNV-1a. */
static uint64_t archive_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* As archive-internal.h says. */
void archive_message_identity(char out[41], const char *prefix, const char *h, size_t len)
{
	const char *v = NULL, *lt, *gt;
	size_t vlen = 0;

	if (archive_header_find(h, len, "Message-ID", &v, &vlen)) {
		lt = memchr(v, '<', vlen);
		gt = lt ? memchr(lt, '>', vlen - (size_t)(lt - v)) : NULL;
		if (lt && gt) {
			vlen = (size_t)(gt - lt) - 1;
			v = lt + 1;
		} else {
			while (vlen > 0 && strchr(" \t\r\n", v[0])) {
				v++;
				vlen--;
			}
			while (vlen > 0 && strchr(" \t\r\n", v[vlen - 1]))
				vlen--;
		}
	}
	if (vlen == 0) {
		v = h;
		vlen = len;
	}
	snprintf(out, 41, "%s:%016" PRIx64, prefix, archive_hash(v, vlen));
}


static int is_dot_or_empty(const char *s, size_t len)
{
	return len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

static int has_suffix(const char *s, size_t len, const char *suffix)
{
	size_t slen = strlen(suffix);

	return len >= slen && !memcmp(s + len - slen, suffix, slen);
}

/*
 * Takes the last component off s[0..*len): *comp and *comp_len are that
 * component (trailing slashes skipped), *len becomes the length of what is
 * left before it.
 */
static void path_pop(const char *s, size_t *len, const char **comp, size_t *comp_len)
{
	size_t end = *len, start;

	while (end > 0 && s[end - 1] == '/')
		end--;
	start = end;
	while (start > 0 && s[start - 1] != '/')
		start--;
	*comp = s + start;
	*comp_len = end - start;
	*len = start;
}

/* "0.git", "12.git": an epoch of a v2 public-inbox. */
static int is_epoch(const char *s, size_t len)
{
	size_t i;

	if (len <= 4 || !has_suffix(s, len, ".git"))
		return 0;
	for (i = 0; i < len - 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * The archive's name from `path`: the last component without ".git",
 * looking through a trailing "/.git" (a work tree's repository) and
 * "/git/N.git" (an epoch of a v2 inbox).  Returns NULL when the path does
 * not hold the components needed ("." or a relative "git/0.git").
 */
static char *archive_name_of(const char *path)
{
	size_t len = strlen(path), save;
	const char *comp, *parent;
	size_t comp_len, parent_len;

	path_pop(path, &len, &comp, &comp_len);
	if (comp_len == 4 && !memcmp(comp, ".git", 4)) {
		path_pop(path, &len, &comp, &comp_len);
	} else if (is_epoch(comp, comp_len)) {
		save = len;
		path_pop(path, &len, &parent, &parent_len);
		if (parent_len == 0)
			return NULL; /* "0.git" alone: is it under git/? */
		if (parent_len == 3 && !memcmp(parent, "git", 3))
			path_pop(path, &len, &comp, &comp_len);
		else
			len = save;
	}
	if (is_dot_or_empty(comp, comp_len))
		return NULL;
	if (comp_len > 4 && has_suffix(comp, comp_len, ".git"))
		comp_len -= 4;
	return xmemdupz(comp, comp_len);
}

/* The name from the path as given, else from its real path, else the path. */
static char *archive_name_from_path(const char *path)
{
	char *name, *real;

	if ((name = archive_name_of(path)) != NULL)
		return name;
	if ((real = realpath(path, NULL)) != NULL) {
		name = archive_name_of(real);
		free(real);
		if (name)
			return name;
	}
	return xstrdup(path);
}

int archive_open(struct archive **out, const char *path)
{
	return archive_open_as(out, path, NULL);
}

int archive_has_revisions(const struct archive *a)
{
	return a->ops->has_revisions;
}

int archive_open_as(struct archive **out, const char *path, const char *kind)
{
	const struct archive_ops *ops = NULL;
	struct archive *a = NULL;
	struct stat st;
	char reason[128];
	size_t i;
	int error;

	assert(out && path);
	*out = NULL;
	if (kind && strcmp(kind, "auto")) {
		for (i = 0; i < ARCHIVE_KIND_COUNT; i++)
			if (!strcmp(archive_kinds[i]->kind, kind))
				ops = archive_kinds[i];
		if (!ops)
			return error_set(MD_ERR_USAGE,
					 "unknown input format '%s' (formats: auto, git, mbox, "
					 "maildir)",
					 kind);
	}

	if (stat(path, &st) < 0) {
		error = error_set(MD_ERR_INPUT, "cannot read '%s': %s", path,
				  archive_strerror(errno, reason, sizeof(reason)));
		goto cleanup;
	}

	a = xcalloc(1, sizeof(*a));
	a->path = xstrdup(path);
	a->name = archive_name_from_path(path);
	a->ops = ops ? ops : archive_detect(path, &st);
	if ((error = a->ops->open(a)) < 0)
		goto cleanup;

	*out = a;
	a = NULL;
cleanup:
	archive_free(a);
	return error;
}

int archive_set_window(struct archive *a, const char *from, const char *to)
{
	int error;

	assert(a);
	a->window_set = 0;
	a->window_from[0] = '\0';
	a->window_to[0] = '\0';
	a->window_size = 0;
	a->window_empty = 0;
	if ((error = a->ops->set_window(a, from, to)) < 0)
		return error;
	a->window_set = 1;
	return 0;
}

const char *archive_window_from(const struct archive *a)
{
	return a->window_from;
}

const char *archive_window_to(const struct archive *a)
{
	return a->window_to;
}

size_t archive_window_size(const struct archive *a)
{
	return a->window_size;
}

void archive_set_prepare(struct archive *a, archive_prepare_fn prepare,
			 void (*discard)(void *prepared))
{
	assert(a && (!prepare || discard));
	a->prepare = prepare;
	a->discard = discard;
}

void archive_give_back(struct archive *a, void *prepared)
{
	if (!prepared)
		return;
	assert(a && a->discard);
	if (a->ops->give_back)
		a->ops->give_back(a, prepared);
	else
		a->discard(prepared);
}

int archive_next(struct archive *a, struct archive_message *out)
{
	int status;

	assert(a && out);
	assert(a->window_set); /* archive_set_window() first */
	out->prepared = NULL;
	status = a->ops->next(a, out);
	/* Kinds that do not prepare on a thread of their own: here. */
	if (status > 0 && a->prepare && !out->prepared)
		out->prepared = a->prepare(out->raw, out->len);
	if (status > 0 && out->prepared) {
		out->raw = NULL; /* as a git archive's readers hand it on */
		out->len = 0;
	}
	return status;
}

const char *archive_name(const struct archive *a)
{
	return a->name;
}

void archive_set_known_ends(struct archive *a, archive_known_fn known, void *ctx)
{
	a->known = known;
	a->known_ctx = ctx;
}

int archive_window_empty(const struct archive *a)
{
	return a->window_empty;
}

int archive_root_id(struct archive *a, const char **out)
{
	int error;

	if (!a->root_id[0] && (error = a->ops->root_id(a, a->root_id)) < 0) {
		a->root_id[0] = '\0';
		return error;
	}
	*out = a->root_id;
	return 0;
}

const char *archive_path(const struct archive *a)
{
	return a->path;
}

void archive_free(struct archive *a)
{
	if (!a)
		return;
	if (a->ops)
		a->ops->release(a);
	free(a->name);
	free(a->path);
	free(a);
}

void archive_library_shutdown(void)
{
	size_t i = ARCHIVE_KIND_COUNT;

	while (i-- > 0)
		if (archive_kinds[i]->library_shutdown)
			archive_kinds[i]->library_shutdown();
}
