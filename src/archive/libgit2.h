/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libgit2, loaded on first need.
 *
 * Most runs never call libgit2: gitdir.c resolves the window's names and
 * pack.c reads the objects.  Linked as a library, libgit2 and what it
 * needs (libcrypto, krb5, mbedTLS, libssh2, libhttp_parser, libpcre2) are
 * mapped and relocated before main() all the same: `mldigest --help`
 * took 12.5 ms linked, 6.5 ms with libgit2 loaded this way (hyperfine, 30
 * runs), of a 1,000-message window's 60-70 ms.  So mldigest does not
 * link it: libgit2_load() opens it by its soname, the one of the headers
 * it was built with (an ABI of its own per minor version), and finds
 * every function below in it.  Calls go through `git2`: git2.commit_lookup
 * is git_commit_lookup, with its type.  A function missing from the list
 * does not link (mldigest is linked without libgit2).
 *
 * Object ids are compared, copied and printed by the oid_* functions here,
 * which need no library: the common run handles ids without loading it.
 */
#ifndef MLDIGEST_ARCHIVE_LIBGIT2_H
#define MLDIGEST_ARCHIVE_LIBGIT2_H

#include <git2.h>
#include <stddef.h>
#include <string.h>

/* The libgit2 functions mldigest calls, without their git_ prefix. */
#define LIBGIT2_FUNCTIONS(X)                                                                       \
	X(libgit2_init)                                                                            \
	X(libgit2_shutdown)                                                                        \
	X(libgit2_opts)                                                                            \
	X(libgit2_version)                                                                         \
	X(error_last)                                                                              \
	X(error_set_str)                                                                           \
	X(clone)                                                                                   \
	X(clone_options_init)                                                                      \
	X(commit_free)                                                                             \
	X(commit_lookup)                                                                           \
	X(commit_parent_id)                                                                        \
	X(commit_parentcount)                                                                      \
	X(commit_time)                                                                             \
	X(commit_tree_id)                                                                          \
	X(config_free)                                                                             \
	X(config_set_bool)                                                                         \
	X(fetch_options_init)                                                                      \
	X(graph_descendant_of)                                                                     \
	X(object_free)                                                                             \
	X(object_id)                                                                               \
	X(object_peel)                                                                             \
	X(object_type2string)                                                                      \
	X(odb_exists)                                                                              \
	X(odb_free)                                                                                \
	X(odb_object_data)                                                                         \
	X(odb_object_free)                                                                         \
	X(odb_object_size)                                                                         \
	X(odb_object_type)                                                                         \
	X(odb_read)                                                                                \
	X(odb_read_header)                                                                         \
	X(reference_create)                                                                        \
	X(reference_delete)                                                                        \
	X(reference_dwim)                                                                          \
	X(reference_free)                                                                          \
	X(reference_iterator_free)                                                                 \
	X(reference_iterator_new)                                                                  \
	X(reference_name)                                                                          \
	X(reference_name_to_id)                                                                    \
	X(reference_next)                                                                          \
	X(reference_resolve)                                                                       \
	X(reference_target)                                                                        \
	X(reference_type)                                                                          \
	X(remote_create_with_fetchspec)                                                            \
	X(remote_fetch)                                                                            \
	X(remote_free)                                                                             \
	X(remote_list)                                                                             \
	X(remote_lookup)                                                                           \
	X(remote_url)                                                                              \
	X(repository_commondir)                                                                    \
	X(repository_config)                                                                       \
	X(repository_free)                                                                         \
	X(repository_head_unborn)                                                                  \
	X(repository_odb)                                                                          \
	X(repository_open_ext)                                                                     \
	X(revparse_single)                                                                         \
	X(revwalk_free)                                                                            \
	X(revwalk_hide)                                                                            \
	X(revwalk_new)                                                                             \
	X(revwalk_next)                                                                            \
	X(revwalk_push)                                                                            \
	X(revwalk_simplify_first_parent)                                                           \
	X(revwalk_sorting)                                                                         \
	X(strarray_dispose)                                                                        \
	X(tree_entry_byname)                                                                       \
	X(tree_entry_id)                                                                           \
	X(tree_entry_type)                                                                         \
	X(tree_free)                                                                               \
	X(tree_lookup)

/* git2.NAME: libgit2's git_NAME, once libgit2_load() returned 0. */
struct libgit2 {
#define LIBGIT2_POINTER(name) __typeof__(git_##name) *name;
	LIBGIT2_FUNCTIONS(LIBGIT2_POINTER)
#undef LIBGIT2_POINTER
};

extern struct libgit2 git2;

/*
 * Loads libgit2 and finds its functions, once (any thread, any number of
 * times): 0, or -1 with why it cannot be loaded in why[0..size) (the
 * library missing, or a function missing from it).
 */
int libgit2_load(char *why, size_t size);

/* The soname libgit2_load() opens: "libgit2.so.1.5" for libgit2 1.5. */
#define LIBGIT2_SONAME "libgit2.so." LIBGIT2_SOVERSION

static inline void oid_copy(git_oid *out, const git_oid *src)
{
	memcpy(out->id, src->id, GIT_OID_RAWSZ);
}

static inline int oid_equal(const git_oid *a, const git_oid *b)
{
	return memcmp(a->id, b->id, GIT_OID_RAWSZ) == 0;
}

/*
 * As git_oid_tostr(): id in hexadecimal into out[0..size), cut to
 * size - 1 digits, NUL-terminated (nothing when size is 0).  Returns out.
 */
char *oid_tostr(char *out, size_t size, const git_oid *id);

#endif
