/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * References read without libgit2 (src/archive/gitdir.c), against libgit2.
 *
 * A bare repository is made with the git command in a temporary directory:
 * branches and tags loose and packed, an annotated tag, a branch and a tag
 * of one name, remote-tracking branches with their symbolic HEAD, a loose
 * branch newer than its packed copy.  Every name gitdir_resolve() is sure
 * of must give the object git_revparse_single() gives (libgit2 looks a
 * name up in the same order); the names it must leave to libgit2
 * (abbreviated ids, revision syntax, pseudo-references, damaged or
 * dangling references) must give 0, so that libgit2 answers them.  Then
 * gitdir_plain(): which directories git.c may read without libgit2.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif

#include "unit.h"

#include <git2.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "archive/gitdir.h"
#include "tmpdir.h"

static const char *repo(void)
{
	return tmp_path("r.git");
}

static int group_setup(void **state)
{
	(void)state;
	if (git_libgit2_init() < 0 || tmpdir_make("test_gitdir") < 0)
		return -1;
	/* Three commits on main; tags; a side branch; remotes; some refs packed. */
	tmp_run("cd '%s' && git init -q --bare -b main r.git && git init -q -b main w && cd w && "
		"git config user.name T && git config user.email t@example.org && "
		"for i in 1 2 3; do echo $i >m && git add m && git commit -qm c$i; done && "
		"git tag light HEAD~2 && git tag -a -m annotated notes HEAD~1 && "
		"git branch side HEAD~1 && git tag side HEAD~2 && "
		"git push -q ../r.git refs/heads/main refs/heads/side refs/tags/light "
		"refs/tags/notes refs/tags/side && "
		"git push -q ../r.git HEAD~1:refs/remotes/origin/main && "
		"git push -q ../r.git HEAD~2:refs/heads/heads/odd",
		tmpdir);
	tmp_run("cd '%s' && git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main && "
		"git pack-refs --all && git update-ref refs/heads/side main",
		repo());
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tmpdir_remove();
	git_libgit2_shutdown();
	return 0;
}

/* What libgit2 makes of `spec` in r.git (a failure if nothing). */
static void libgit2_id(git_oid *out, const char *spec)
{
	git_repository *r = NULL;
	git_object *obj = NULL;

	if (git_repository_open(&r, repo()) < 0 || git_revparse_single(&obj, r, spec) < 0)
		fail_msg("libgit2 cannot resolve '%s'", spec);
	git_oid_cpy(out, git_object_id(obj));
	git_object_free(obj);
	git_repository_free(r);
}

static void test_sure(void **state)
{
	static const char *const specs[] = {
	    "HEAD",		    /* symbolic, to a packed branch */
	    "main",		    /* refs/heads/main */
	    "refs/heads/main",	    /* the name itself */
	    "heads/main",	    /* refs/heads/main, via refs/%s */
	    "light",		    /* a packed lightweight tag */
	    "notes",		    /* an annotated tag: the tag object, as libgit2 */
	    "side",		    /* a tag and a branch: the tag first */
	    "refs/heads/side",	    /* the branch, loose and newer than its packed copy */
	    "origin/main",	    /* refs/remotes/origin/main */
	    "origin",		    /* refs/remotes/origin/HEAD, symbolic */
	    "refs/heads/heads/odd", /* a branch called heads/odd */
	    "heads/odd",	    /* ... found as refs/heads/heads/odd */
	};
	unsigned char id[20];
	git_oid want, hex_id;
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		libgit2_id(&want, specs[i]);
		if (gitdir_resolve(repo(), specs[i], id) != 1)
			fail_msg("'%s' left to libgit2", specs[i]);
		if (memcmp(id, want.id, 20) != 0)
			fail_msg("'%s' resolved to another object than libgit2's", specs[i]);
	}
	/* A full id, in either case. */
	libgit2_id(&want, "main~1");
	git_oid_tostr(hex, sizeof(hex), &want);
	assert_int_equal(gitdir_resolve(repo(), hex, id), 1);
	assert_memory_equal(id, want.id, 20);
	for (i = 0; hex[i]; i++)
		hex[i] = (char)toupper((unsigned char)hex[i]);
	assert_int_equal(gitdir_resolve(repo(), hex, id), 1);
	assert_int_equal(git_oid_fromstr(&hex_id, hex), 0);
	assert_memory_equal(id, hex_id.id, 20);
}

static void test_left_to_libgit2(void **state)
{
	static const char *const specs[] = {
	    "",
	    "main~1",
	    "main^",
	    "HEAD^{tree}",
	    "main@{0}",
	    "@",
	    "main:m",
	    ":/c1",
	    "FETCH_HEAD",
	    "ORIG_HEAD",
	    "nosuch",
	    "refs/heads/nosuch",
	    "../r.git/HEAD",
	    "/etc/passwd",
	    "refs/heads/.main",
	    "main.lock",
	    "main.",
	    "refs//heads/main",
	    "refs/heads/",
	    "ma in",
	    "ma\tin",
	};
	unsigned char id[20];
	git_oid want;
	char abbrev[8];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(specs); i++)
		if (gitdir_resolve(repo(), specs[i], id) != 0)
			fail_msg("'%s' not left to libgit2", specs[i]);
	libgit2_id(&want, "main");
	git_oid_tostr(abbrev, sizeof(abbrev), &want);
	assert_int_equal(gitdir_resolve(repo(), abbrev, id), 0);
}

/* A copy of r.git with one change made by `cmd` (run in the copy). */
static const char *variant(const char *name, const char *cmd)
{
	const char *path = tmp_path(name);

	tmp_run("rm -rf '%s' && cp -r '%s' '%s' && cd '%s' && %s", path, repo(), path, path, cmd);
	return path;
}

static void test_damaged(void **state)
{
	unsigned char id[20];
	const char *p;

	(void)state;
	/* An unborn HEAD: libgit2 says so. */
	p = variant("unborn.git", "git symbolic-ref HEAD refs/heads/none");
	assert_int_equal(gitdir_resolve(p, "HEAD", id), 0);
	/* A loose ref of garbage; a short one. */
	p = variant("garbage.git", "echo 'not an id' >refs/heads/side");
	assert_int_equal(gitdir_resolve(p, "refs/heads/side", id), 0);
	p = variant("short.git", "printf 1234 >refs/heads/side");
	assert_int_equal(gitdir_resolve(p, "refs/heads/side", id), 0);
	/* A damaged line of packed-refs. */
	p = variant("packed.git", "printf 'xyz refs/heads/main\\n' >>packed-refs");
	assert_int_equal(gitdir_resolve(p, "main", id), 0);
	/* A symbolic reference loop. */
	p = variant("loop.git", "git symbolic-ref refs/heads/a refs/heads/b && "
				"git symbolic-ref refs/heads/b refs/heads/a");
	assert_int_equal(gitdir_resolve(p, "a", id), 0);
	/* A directory where a reference would be. */
	p = variant("dir.git", "mkdir -p refs/tags/light2/x");
	assert_int_equal(gitdir_resolve(p, "refs/tags/light2", id), 0);
}

static void test_plain(void **state)
{
	(void)state;
	assert_int_equal(gitdir_plain(repo()), 1);
	assert_int_equal(gitdir_plain(tmp_path("w")), 0);      /* a work tree */
	assert_int_equal(gitdir_plain(tmp_path("w/.git")), 1); /* a work tree's repository */
	assert_int_equal(gitdir_plain(tmp_path("nosuch")), 0);
	assert_int_equal(gitdir_plain(tmp_path("r.git/HEAD")), 0);
	assert_int_equal(
	    gitdir_plain(variant("v1.git", "git config core.repositoryformatversion 1")), 0);
	assert_int_equal(
	    gitdir_plain(variant("v10.git", "git config core.repositoryformatversion 10")), 0);
	assert_int_equal(
	    gitdir_plain(variant("ext.git", "git config extensions.objectformat sha1")), 0);
	assert_int_equal(gitdir_plain(variant("inc.git", "git config include.path /dev/null")), 0);
	assert_int_equal(
	    gitdir_plain(
		variant("incif.git", "printf '[includeIf \"gitdir:x\"]\\npath=y\\n' >>config")),
	    0);
	assert_int_equal(gitdir_plain(variant("norefs.git", "rm -rf refs")), 0);
	assert_int_equal(gitdir_plain(variant("wt.git", "echo .. >commondir")), 0);
	assert_int_equal(gitdir_plain(variant("noconfig.git", "rm config")), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sure),
	    cmocka_unit_test(test_left_to_libgit2),
	    cmocka_unit_test(test_damaged),
	    cmocka_unit_test(test_plain),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
