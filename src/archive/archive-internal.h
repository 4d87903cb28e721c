/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_ARCHIVE_ARCHIVE_INTERNAL_H
#define MLDIGEST_ARCHIVE_ARCHIVE_INTERNAL_H

/*
 * What archive.c shares with the kinds of archive (git.c; later mbox and
 * Maildir).  Not for use outside src/archive/.
 */

#include "archive/archive.h"

/*
 * One kind of archive.  archive.c owns `struct archive` and its common
 * fields; a kind keeps its own state in `impl` and fills the window fields.
 * Every function that can fail sets the message (error_set) and returns a
 * negative `enum md_status`.
 */
struct archive_ops {
	const char *kind; /* "git", "mbox", "maildir" */
	int has_revisions; /* FROM..TO windows by revision work */
	/* Opens a->path; on success a->impl is set. */
	int (*open)(struct archive *a);
	/* Chooses the window; fills window_from, window_to and window_size. */
	int (*set_window)(struct archive *a, const char *from, const char *to);
	/* Writes the archive's identity (archive_root_id()) into out. */
	int (*root_id)(struct archive *a, char out[41]);
	/* As archive_next(). */
	int (*next)(struct archive *a, struct archive_message *out);
	/* As archive_give_back(), prepared not NULL; NULL: a->discard at once. */
	void (*give_back)(struct archive *a, void *prepared);
	/* Frees a->impl (which may be NULL). */
	void (*release)(struct archive *a);
	/* Stops what the kind started on its own (git: libgit2, on first need). */
	void (*library_shutdown)(void);
};

struct archive {
	const struct archive_ops *ops;
	void *impl;	      /* the kind's state, owned by it */
	char *path;	      /* as given to archive_open() */
	char *name;	      /* archive_name() */
	char window_from[41]; /* "" when the window starts at the root */
	char window_to[41];
	char root_id[41];     /* "" until archive_root_id() found it */
	size_t window_size;
	int window_set;
	int window_empty; /* set_window failed: FROM and TO are one commit */
	archive_prepare_fn prepare; /* archive_set_prepare(), or NULL */
	void (*discard)(void *prepared);
	archive_known_fn known;	    /* archive_set_known_ends(), or NULL */
	void *known_ctx;
};

/* strerror(err) with a lowercase first letter, into out; returns out. */
const char *archive_strerror(int err, char *out, size_t size);

/*
 * The value of header `name` (any case) in the header block h[0..len): sets
 * *value and *value_len to it, continuation lines included; returns 1 when
 * found, 0 when not before the first empty line.
 */
int archive_header_find(const char *h, size_t len, const char *name, const char **value,
			size_t *value_len);

/*
 * The identity of an archive without commits (archive_root_id()):
 * "<prefix>:" and a 64-bit FNV-1a hash, in hex, of the Message-ID in the
 * header block h[0..len) (what is inside <>, or the trimmed value), or of the
 * whole block when there is none.
 */
void archive_message_identity(char out[41], const char *prefix, const char *h, size_t len);

extern const struct archive_ops archive_git_ops;
extern const struct archive_ops archive_mbox_ops;
extern const struct archive_ops archive_maildir_ops;

/*
 * 1 (the default): git archives are read ahead on a thread of their own;
 * 0: archive_next() reads each message itself, as when no thread can be
 * started.  Tests set it to read the same windows both ways; it is read
 * when a window's first message is asked for.
 */
extern int archive_git_read_ahead;

/*
 * Reader threads for git archives: 0 (the default) one per processor, at
 * most 4; tests set it to read the same windows with 1, 2 or 3.
 */
extern int archive_git_readers;

/*
 * The window's commits a git archive keeps in memory, at most; the others
 * go to a temporary file.  Tests set it low to read windows from the file.
 */
extern size_t archive_git_commits_in_memory;

/*
 * Starts libgit2, once, from any thread: 0, or its error (negative).  It
 * is started on first need only (src/archive/gitdir.h says why): by the
 * git archive when pack.c and gitdir.c cannot read all, by archive_fetch().
 */
int archive_git_start(void);

#endif
