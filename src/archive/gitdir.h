/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_ARCHIVE_GITDIR_H
#define MLDIGEST_ARCHIVE_GITDIR_H

/*
 * What git.c reads of a bare repository without libgit2: whether it is a
 * plain one, and its references (HEAD, loose refs, packed-refs), as git
 * and libgit2 read them.
 *
 * Starting libgit2 costs about 9 ms (Debian's build parses the system's CA
 * certificates at git_libgit2_init(), for nothing a local read needs):
 * more than the rest of a run with nothing new, and a tenth of a
 * 1,000-message window.  With these and pack.c, the common runs
 * (HEAD~1000..HEAD, a state run from the last recorded end to HEAD) never
 * start it.  Both functions answer only what they are sure of: anything
 * unusual is left to libgit2, which gives git's answer and its message.
 */

/*
 * Whether `path` is a bare repository git.c may read without libgit2:
 * HEAD a regular file, objects/ and refs/ directories, owned by the
 * effective user, no `commondir` (a worktree's), no `.git` (a work tree),
 * and a config of repository format 0 with no extensions and no includes.
 * Returns 1, or 0 (libgit2 is to open it).
 */
int gitdir_plain(const char *path);

/*
 * Resolves `spec` in the plain repository `gitdir` as git's revision
 * parser resolves a name (libgit2's git_reference_dwim order): "HEAD",
 * NAME, refs/NAME, refs/tags/NAME, refs/heads/NAME, refs/remotes/NAME,
 * refs/remotes/NAME/HEAD (a loose ref before packed-refs; symbolic refs
 * followed), or a full 40-digit id.  Returns 1 with id[0..20) set, or 0
 * when it is not sure (not found, an abbreviated id, a name with anything
 * but letters, digits, '.', '_', '-' and '/', a damaged ref, ...): libgit2
 * is then to resolve it.  The object is not looked at.
 */
int gitdir_resolve(const char *gitdir, const char *spec, unsigned char id[20]);

#endif
