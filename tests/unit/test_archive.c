/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The git archive reader (src/archive/), against small repositories this
 * test writes with libgit2 in a temporary directory:
 *
 *   linear.git (bare)  c1 m, c2 m, c3 d (a deletion), c4 m (tag v1), c5 with
 *                      neither m nor d, c6 m, c7 m = master = HEAD;
 *                      side: c4 <- s1 m <- s2 m;
 *                      merged: mg m, parents c7 and s2 (first parent c7)
 *   badm.git (bare)    b1 m, b2 whose m is a tree, b3 m
 *   broken.git (bare)  x1 m, x2 m, x3 m; x1 and x3's blob are then deleted
 *   long.git (bare)    L1 ... L200, more than the reader's queue holds: L5,
 *                      L15, ... are deletions (d); L150's blob is deleted
 *   empty.git (bare)   no commits
 *   work/kvm           a work tree: w1 m, w2 m; work/kvm/sub is a directory
 *   names/...          empty repositories named as archive_name() sees them
 *
 * and v2 inboxes, directories of epochs git/0.git, git/1.git, ... (bare),
 * each epoch a chain of its own from a root, HEAD = master at its end:
 *
 *   v2/kvm             0.git: e0a m, e0b m, e0c d, e0d m; side: e0a <- e0x m;
 *                      1.git: e1a m, e1b m, e1c m, and an unreferenced blob
 *                      whose id starts with e0a's first 4 hex digits;
 *                      2.git: e2a m, e2b m
 *   v2/many            0.git ... 11.git: n<epoch>a m, n<epoch>b m, n<epoch>c m
 *                      (36 messages, more than the reader's queue holds)
 *   v2/shared          0.git: h0a m, h0b m; 1.git: h1a m, h1b m, which sees
 *                      0.git's objects through objects/info/alternates
 *   v2/sparse          0.git: p0a m, p0b m; 1.git: no commits; 2.git: p2a m
 *   v2/empty           0.git without commits
 *   v2/gap             0.git, 1.git, 3.git (2.git is missing); v2/nozero: 1.git
 *   v2/notrepo         git/0.git is a plain directory
 *   v2/noepochs        git/01.git and git/x.git: no epoch has such a name
 *
 * Set MLDIGEST_SEED_GIT to a mirror clone of
 * fixtures/seed-window/seed-window.bundle to also read the seed window.
 *
 * The reading tests run several ways: with the reader threads (archive_next()
 * takes messages read ahead off a queue), and without (archive_next() reads,
 * as when no thread can be started); all must give the same.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw, realpath under -std=c11 */
#endif

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <git2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive/archive-internal.h" /* archive_git_read_ahead, archive_git_readers */
#include "util/buf.h"
#include "archive/archive.h"
#include "util/error.h"
#include "tmpdir.h"

#define T0 1700000000 /* commit times are T0 + the commit's number */

/* long.git: LONG_N commits "L1"...; deletions; the commit whose blob is gone. */
#define LONG_N		 200
#define LONG_DELETION(i) ((i) % 10 == 5)
#define LONG_HOLE	 150

/* The commits the fixtures wrote, by name. */
static struct {
	const char *name;
	git_oid id;
	const char *text; /* the message in `m`, or NULL */
	int64_t time;
} commits[128 + LONG_N];
static size_t commits_nr;

static void check_git(int error, const char *what)
{
	const git_error *e = git_error_last();

	if (error < 0)
		fail_msg("%s: %s", what, e && e->message ? e->message : "?");
}

static size_t commit_index(const char *name)
{
	size_t i;

	for (i = 0; i < commits_nr; i++)
		if (!strcmp(commits[i].name, name))
			return i;
	fail_msg("no commit named '%s' in the fixtures", name);
	return 0;
}

static const char *commit_hex(const char *name)
{
	static char hex[8][GIT_OID_HEXSZ + 1];
	static int next;
	char *out = hex[next++ % 8];

	git_oid_tostr(out, GIT_OID_HEXSZ + 1, &commits[commit_index(name)].id);
	return out;
}

static git_repository *repo_new(const char *rel, int bare)
{
	git_repository_init_options opts;
	git_repository *repo = NULL;

	check_git(git_repository_init_options_init(&opts, GIT_REPOSITORY_INIT_OPTIONS_VERSION),
		  "init options");
	opts.flags = GIT_REPOSITORY_INIT_MKPATH | (bare ? GIT_REPOSITORY_INIT_BARE : 0);
	opts.initial_head = "master"; /* whatever init.defaultBranch says */
	check_git(git_repository_init_ext(&repo, tmp_path(rel), &opts), rel);
	return repo;
}

/*
 * Writes commit `name` whose tree holds `entry` (NULL: an empty tree): a
 * blob of `text`, or with `entry_is_tree` a tree holding that blob.
 */
static void commit_new(git_repository *repo, const char *name, const char *entry, const char *text,
		       int entry_is_tree, const char *parent1, const char *parent2)
{
	git_treebuilder *tb = NULL, *sub = NULL;
	git_oid blob_id, sub_id, tree_id, id;
	git_tree *tree = NULL;
	git_commit *parents[2] = {NULL, NULL};
	git_signature *sig = NULL;
	size_t n = 0, i;
	int64_t time = T0 + (int64_t)commits_nr;

	check_git(git_treebuilder_new(&tb, repo, NULL), "treebuilder");
	if (entry) {
		check_git(git_blob_create_from_buffer(&blob_id, repo, text, strlen(text)), "blob");
		if (entry_is_tree) {
			check_git(git_treebuilder_new(&sub, repo, NULL), "treebuilder");
			check_git(
			    git_treebuilder_insert(NULL, sub, "m", &blob_id, GIT_FILEMODE_BLOB),
			    "insert");
			check_git(git_treebuilder_write(&sub_id, sub), "subtree");
			check_git(
			    git_treebuilder_insert(NULL, tb, entry, &sub_id, GIT_FILEMODE_TREE),
			    "insert");
		} else {
			check_git(
			    git_treebuilder_insert(NULL, tb, entry, &blob_id, GIT_FILEMODE_BLOB),
			    "insert");
		}
	}
	check_git(git_treebuilder_write(&tree_id, tb), "tree");
	check_git(git_tree_lookup(&tree, repo, &tree_id), "tree lookup");
	if (parent1)
		check_git(
		    git_commit_lookup(&parents[n++], repo, &commits[commit_index(parent1)].id),
		    parent1);
	if (parent2)
		check_git(
		    git_commit_lookup(&parents[n++], repo, &commits[commit_index(parent2)].id),
		    parent2);
	check_git(git_signature_new(&sig, "A U Thor", "author@example.org", time, 0), "signature");
	check_git(git_commit_create(&id, repo, NULL, sig, sig, NULL, name, tree, n,
				    (const git_commit **)parents),
		  name);

	assert_true(commits_nr < sizeof(commits) / sizeof(commits[0]));
	commits[commits_nr].name = name;
	commits[commits_nr].id = id;
	commits[commits_nr].text = entry && !strcmp(entry, "m") && !entry_is_tree ? text : NULL;
	commits[commits_nr].time = time;
	commits_nr++;

	git_signature_free(sig);
	for (i = 0; i < n; i++)
		git_commit_free(parents[i]);
	git_tree_free(tree);
	git_treebuilder_free(sub);
	git_treebuilder_free(tb);
}

static void ref_new(git_repository *repo, const char *ref, const char *name)
{
	git_reference *out = NULL;

	check_git(git_reference_create(&out, repo, ref, &commits[commit_index(name)].id, 1, NULL),
		  ref);
	git_reference_free(out);
}

static void tag_new(git_repository *repo, const char *tag, const char *name)
{
	git_object *target = NULL;
	git_signature *sig = NULL;
	git_oid id;

	check_git(
	    git_object_lookup(&target, repo, &commits[commit_index(name)].id, GIT_OBJECT_COMMIT),
	    name);
	check_git(git_signature_new(&sig, "A U Thor", "author@example.org", T0, 0), "signature");
	check_git(git_tag_create(&id, repo, tag, target, sig, "a release\n", 0), tag);
	git_signature_free(sig);
	git_object_free(target);
}

/* Deletes the loose object `id` of the repository at `gitdir`. */
static void object_delete(const char *gitdir, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1], path[600];

	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(path, sizeof(path), "%s/objects/%.2s/%s", gitdir, hex, hex + 2);
	if (unlink(path) < 0)
		fail_msg("cannot delete '%s'", path);
}

/* The message of `subject` in out[0..size). */
static void msg_write(char *out, size_t size, const char *subject)
{
	snprintf(out, size,
		 "From: A U Thor <author@example.org>\nSubject: %s\nMessage-ID: <%s@example.org>\n"
		 "\nbody of %s\n",
		 subject, subject, subject);
}

/*
 * The message of `subject`, in one of MSG_BUFFERS static buffers used in
 * turn: more than the fixtures write, since commits[] keeps pointers to them.
 */
#define MSG_BUFFERS 128
static const char *msg(const char *subject)
{
	static char texts[MSG_BUFFERS][128];
	static int next;
	char *out = texts[next++ % MSG_BUFFERS];

	msg_write(out, 128, subject);
	return out;
}

/* L150's blob, deleted once the repository is written. */
static git_oid long_hole_blob;

/* long.git's commits; the texts are not msg()'s, which would be reused. */
static void long_write(git_repository *repo)
{
	static char names[LONG_N + 1][8], texts[LONG_N + 1][128];
	int i;

	for (i = 1; i <= LONG_N; i++) {
		snprintf(names[i], sizeof(names[i]), "L%d", i);
		msg_write(texts[i], sizeof(texts[i]), names[i]);
		commit_new(repo, names[i], LONG_DELETION(i) ? "d" : "m", texts[i], 0,
			   i > 1 ? names[i - 1] : NULL, NULL);
	}
	ref_new(repo, "refs/heads/master", names[LONG_N]);
	check_git(git_blob_create_from_buffer(&long_hole_blob, repo, texts[LONG_HOLE],
					      strlen(texts[LONG_HOLE])),
		  "L150's blob");
}

/* Writes `text` to the file at `rel`. */
static void file_write(const char *rel, const char *text)
{
	FILE *f = fopen(tmp_path(rel), "w");

	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		fail_msg("cannot write '%s'", rel);
}

/*
 * Writes a blob whose id starts with the first 4 hex digits of commit
 * `name`'s (found by hashing candidates), to make an abbreviated id that
 * two epochs hold.
 */
static void blob_with_prefix(git_repository *repo, const char *name)
{
	const git_oid *want = &commits[commit_index(name)].id;
	char text[64];
	git_oid id;
	int i;

	for (i = 0;; i++) {
		snprintf(text, sizeof(text), "candidate %d\n", i);
		check_git(git_odb_hash(&id, text, strlen(text), GIT_OBJECT_BLOB), "hash");
		if (!memcmp(id.id, want->id, 2)) /* 2 bytes: 4 hex digits */
			break;
	}
	check_git(git_blob_create_from_buffer(&id, repo, text, strlen(text)), "prefix blob");
}

/* A chain of commits names[0], names[1], ... (NULL-ended) with `m`, master at its end. */
static void chain_write(git_repository *repo, const char *const *names)
{
	size_t i;

	for (i = 0; names[i]; i++)
		commit_new(repo, names[i], "m", msg(names[i]), 0, i ? names[i - 1] : NULL, NULL);
	ref_new(repo, "refs/heads/master", names[i - 1]);
}

/* The v2 inboxes (see the top of this file). */
static void inboxes_write(void)
{
	static const char *const h0[] = {"h0a", "h0b", NULL}, *const h1[] = {"h1a", "h1b", NULL};
	static const char *const p0[] = {"p0a", "p0b", NULL}, *const p2[] = {"p2a", NULL};
	static char many_names[12 * 3][8];
	git_repository *repo;
	char rel[64], alternates[600];
	int e, k;

	repo = repo_new("v2/kvm/git/0.git", 1);
	commit_new(repo, "e0a", "m", msg("e0a"), 0, NULL, NULL);
	commit_new(repo, "e0b", "m", msg("e0b"), 0, "e0a", NULL);
	commit_new(repo, "e0c", "d", msg("e0b"), 0, "e0b", NULL);
	commit_new(repo, "e0d", "m", msg("e0d"), 0, "e0c", NULL);
	commit_new(repo, "e0x", "m", msg("e0x"), 0, "e0a", NULL);
	ref_new(repo, "refs/heads/master", "e0d");
	ref_new(repo, "refs/heads/side", "e0x");
	git_repository_free(repo);
	repo = repo_new("v2/kvm/git/1.git", 1);
	commit_new(repo, "e1a", "m", msg("e1a"), 0, NULL, NULL);
	commit_new(repo, "e1b", "m", msg("e1b"), 0, "e1a", NULL);
	commit_new(repo, "e1c", "m", msg("e1c"), 0, "e1b", NULL);
	ref_new(repo, "refs/heads/master", "e1c");
	blob_with_prefix(repo, "e0a");
	git_repository_free(repo);
	repo = repo_new("v2/kvm/git/2.git", 1);
	commit_new(repo, "e2a", "m", msg("e2a"), 0, NULL, NULL);
	commit_new(repo, "e2b", "m", msg("e2b"), 0, "e2a", NULL);
	ref_new(repo, "refs/heads/master", "e2b");
	git_repository_free(repo);

	for (e = 0; e < 12; e++) {
		snprintf(rel, sizeof(rel), "v2/many/git/%d.git", e);
		repo = repo_new(rel, 1);
		for (k = 0; k < 3; k++) {
			snprintf(many_names[e * 3 + k], sizeof(many_names[0]), "n%d%c", e, 'a' + k);
			commit_new(repo, many_names[e * 3 + k], "m", msg(many_names[e * 3 + k]), 0,
				   k ? many_names[e * 3 + k - 1] : NULL, NULL);
		}
		ref_new(repo, "refs/heads/master", many_names[e * 3 + 2]);
		git_repository_free(repo);
	}

	repo = repo_new("v2/shared/git/0.git", 1);
	chain_write(repo, h0);
	git_repository_free(repo);
	repo = repo_new("v2/shared/git/1.git", 1);
	chain_write(repo, h1);
	git_repository_free(repo);
	snprintf(alternates, sizeof(alternates), "%s\n", tmp_path("v2/shared/git/0.git/objects"));
	file_write("v2/shared/git/1.git/objects/info/alternates", alternates);

	repo = repo_new("v2/sparse/git/0.git", 1);
	chain_write(repo, p0);
	git_repository_free(repo);
	git_repository_free(repo_new("v2/sparse/git/1.git", 1));
	repo = repo_new("v2/sparse/git/2.git", 1);
	chain_write(repo, p2);
	git_repository_free(repo);

	git_repository_free(repo_new("v2/empty/git/0.git", 1));
	git_repository_free(repo_new("v2/gap/git/0.git", 1));
	git_repository_free(repo_new("v2/gap/git/1.git", 1));
	git_repository_free(repo_new("v2/gap/git/3.git", 1));
	git_repository_free(repo_new("v2/nozero/git/1.git", 1));
	git_repository_free(repo_new("v2/noepochs/git/01.git", 1));
	git_repository_free(repo_new("v2/noepochs/git/x.git", 1));
	if (mkdir(tmp_path("v2/notrepo"), 0777) < 0 ||
	    mkdir(tmp_path("v2/notrepo/git"), 0777) < 0 ||
	    mkdir(tmp_path("v2/notrepo/git/0.git"), 0777) < 0)
		fail_msg("cannot make directories in '%s'", tmpdir);
}

static void fixtures_write(void)
{
	git_repository *repo;
	git_oid blob_id;
	size_t i;

	repo = repo_new("linear.git", 1);
	commit_new(repo, "c1", "m", msg("c1"), 0, NULL, NULL);
	commit_new(repo, "c2", "m", msg("c2"), 0, "c1", NULL);
	commit_new(repo, "c3", "d", msg("c2"), 0, "c2", NULL);
	commit_new(repo, "c4", "m", msg("c4"), 0, "c3", NULL);
	commit_new(repo, "c5", NULL, NULL, 0, "c4", NULL);
	commit_new(repo, "c6", "m", msg("c6"), 0, "c5", NULL);
	commit_new(repo, "c7", "m", msg("c7"), 0, "c6", NULL);
	commit_new(repo, "s1", "m", msg("s1"), 0, "c4", NULL);
	commit_new(repo, "s2", "m", msg("s2"), 0, "s1", NULL);
	commit_new(repo, "mg", "m", msg("mg"), 0, "c7", "s2");
	ref_new(repo, "refs/heads/master", "c7");
	ref_new(repo, "refs/heads/side", "s2");
	ref_new(repo, "refs/heads/merged", "mg");
	tag_new(repo, "v1", "c4");
	git_repository_free(repo);

	repo = repo_new("badm.git", 1);
	commit_new(repo, "b1", "m", msg("b1"), 0, NULL, NULL);
	commit_new(repo, "b2", "m", msg("b2"), 1, "b1", NULL);
	commit_new(repo, "b3", "m", msg("b3"), 0, "b2", NULL);
	ref_new(repo, "refs/heads/master", "b3");
	git_repository_free(repo);

	repo = repo_new("broken.git", 1);
	commit_new(repo, "x1", "m", msg("x1"), 0, NULL, NULL);
	commit_new(repo, "x2", "m", msg("x2"), 0, "x1", NULL);
	commit_new(repo, "x3", "m", msg("x3"), 0, "x2", NULL);
	ref_new(repo, "refs/heads/master", "x3");
	check_git(git_blob_create_from_buffer(&blob_id, repo, msg("x3"), strlen(msg("x3"))), "x3");
	git_repository_free(repo);
	object_delete(tmp_path("broken.git"), &commits[commit_index("x1")].id);
	object_delete(tmp_path("broken.git"), &blob_id);

	repo = repo_new("long.git", 1);
	long_write(repo);
	git_repository_free(repo);
	object_delete(tmp_path("long.git"), &long_hole_blob);

	repo = repo_new("empty.git", 1);
	git_repository_free(repo);

	repo = repo_new("work/kvm", 0);
	commit_new(repo, "w1", "m", msg("w1"), 0, NULL, NULL);
	commit_new(repo, "w2", "m", msg("w2"), 0, "w1", NULL);
	ref_new(repo, "refs/heads/master", "w2");
	git_repository_free(repo);
	if (mkdir(tmp_path("work/kvm/sub"), 0777) < 0 || mkdir(tmp_path("plain"), 0777) < 0)
		fail_msg("cannot make directories in '%s'", tmpdir);
	fclose(fopen(tmp_path("plain/file"), "w"));

	static const char *const names[] = {
	    "names/kvm.git",  "names/lkml/git/0.git", "names/lkml/git/12.git",
	    "names/2024.git", "names/v1.5.git",	      "names/git/3.git",
	};
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		git_repository_free(repo_new(names[i], 1));

	inboxes_write();
}

static int group_setup(void **state)
{
	(void)state;
	/* The fixtures are written with libgit2, which mldigest starts only on need. */
	if (git_libgit2_init() < 0)
		return -1;
	if (tmpdir_make("test_archive") < 0)
		return -1;
	fixtures_write();
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	tmpdir_remove();
	archive_library_shutdown();
	git_libgit2_shutdown();
	return 0;
}

/*
 * "@c2" is commit c2's full id and "@c2:7" its first 7 hex digits, either
 * followed by what comes after ("@c2~1^"); other revisions are passed as
 * they are.
 */
static const char *spec(const char *s, char *buf, size_t size)
{
	char name[16];
	const char *rest;
	size_t len;
	int digits = GIT_OID_HEXSZ;

	if (!s || s[0] != '@')
		return s;
	len = strspn(s + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
	snprintf(name, sizeof(name), "%.*s", (int)len, s + 1);
	rest = s + 1 + len;
	if (*rest == ':') {
		digits = atoi(rest + 1);
		rest += 1 + strspn(rest + 1, "0123456789");
	}
	snprintf(buf, size, "%.*s%s", digits, commit_hex(name), rest);
	return buf;
}

static struct archive *open_ok(const char *rel)
{
	struct archive *a = NULL;

	error_clear();
	if (archive_open(&a, tmp_path(rel)) < 0)
		fail_msg("archive_open '%s': %s", rel, error_message());
	return a;
}

/* Reads the whole window; checks it holds exactly `want` (names, oldest first). */
static void expect_messages(struct archive *a, const char *why, const char *const *want)
{
	struct archive_message m;
	size_t n = 0, i;
	int r;

	while ((r = archive_next(a, &m)) > 0) {
		if (!want[n])
			fail_msg("%s: a message too many (%s)", why, m.id);
		i = commit_index(want[n]);
		if (strcmp(m.id, commit_hex(want[n])))
			fail_msg("%s: message %zu is %s, want %s (%s)", why, n, m.id,
				 commit_hex(want[n]), want[n]);
		if (m.len != strlen(commits[i].text) || memcmp(m.raw, commits[i].text, m.len))
			fail_msg("%s: message %zu (%s) has the wrong text", why, n, want[n]);
		if (m.time != commits[i].time)
			fail_msg("%s: message %zu (%s) has time %lld", why, n, want[n],
				 (long long)m.time);
		n++;
	}
	if (r < 0)
		fail_msg("%s: archive_next: %s", why, error_message());
	if (want[n])
		fail_msg("%s: %zu messages, want more (%s next)", why, n, want[n]);
	assert_int_equal(archive_next(a, &m), 0); /* the end stays the end */
}

struct window_case {
	const char *why;
	const char *from, *to; /* NULL: root, HEAD */
	const char *want_from; /* commit name of archive_window_from(), NULL for "" */
	const char *want_to;
	size_t size;	     /* commits in the window */
	const char *want[8]; /* the messages, oldest first */
};

static const struct window_case window_cases[] = {
    /* The whole archive: root included, deletion (c3) and empty (c5) skipped, oldest first. */
    {"whole archive", NULL, NULL, NULL, "c7", 7, {"c1", "c2", "c4", "c6", "c7"}},
    /* FROM excluded, TO included, by full ids; a deletion inside the window. */
    {"full ids", "@c2", "@c6", "c2", "c6", 4, {"c4", "c6"}},
    /* Abbreviated ids resolve like git's. */
    {"abbreviated ids", "@c2:7", "@c6:10", "c2", "c6", 4, {"c4", "c6"}},
    /* HEAD~2 and HEAD as a default TO: the usual "last few" window. */
    {"HEAD~2..", "HEAD~2", NULL, "c5", "c7", 2, {"c6", "c7"}},
    /* An annotated tag peels to its commit; a branch name as TO. */
    {"tag..branch", "v1", "master", "c4", "c7", 3, {"c6", "c7"}},
    /* Full ref names work too. */
    {"full ref names", "refs/tags/v1", "refs/heads/master", "c4", "c7", 3, {"c6", "c7"}},
    /* TO on a branch that forked: the window follows TO's chain, not HEAD's. */
    {"forked branch", NULL, "side", NULL, "s2", 6, {"c1", "c2", "c4", "s1", "s2"}},
    /* The smallest window: one commit. */
    {"one commit", "@c1", "@c2", "c1", "c2", 1, {"c2"}},
    /* A window of a deletion only: one commit, no message. */
    {"deletion only", "@c2", "@c3", "c2", "c3", 1, {NULL}},
    /* FROM on TO's first-parent chain, TO a merge: the side branch is not listed. */
    {"merge, FROM on the chain", "v1", "merged", "c4", "mg", 4, {"c6", "c7", "mg"}},
    /* FROM reachable only through the merge's second parent (git rev-list's answer). */
    {"merge, FROM on the side", "@s1", "merged", "s1", "mg", 4, {"c6", "c7", "mg"}},
    /* Parent suffixes (^) on both ends. */
    {"HEAD^^..HEAD^", "HEAD^^", "HEAD^", "c5", "c6", 1, {"c6"}},
};

static void test_windows(void **state)
{
	char from_buf[64], to_buf[64];
	const struct window_case *c;
	struct archive *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(window_cases) / sizeof(window_cases[0]); i++) {
		c = &window_cases[i];
		a = open_ok("linear.git");
		if (archive_set_window(a, spec(c->from, from_buf, sizeof(from_buf)),
				       spec(c->to, to_buf, sizeof(to_buf))) < 0)
			fail_msg("%s: archive_set_window: %s", c->why, error_message());
		if (archive_window_size(a) != c->size)
			fail_msg("%s: window of %zu commits, want %zu", c->why,
				 archive_window_size(a), c->size);
		assert_string_equal(archive_window_from(a),
				    c->want_from ? commit_hex(c->want_from) : "");
		assert_string_equal(archive_window_to(a), commit_hex(c->want_to));
		expect_messages(a, c->why, c->want);
		archive_free(a);
	}
}

struct error_case {
	const char *why;
	const char *repo;
	const char *from, *to;
	const char *want; /* {from}, {to}: as typed; {path}: the archive's path */
};

static const struct error_case error_cases[] = {
    /* A name that is nowhere. */
    {"unknown name", "linear.git", "nope", NULL, "unknown revision '{from}' in '{path}'"},
    /* A well-formed id of no object, as TO. */
    {"unknown id", "linear.git", NULL, "0123456789abcdef0123456789abcdef01234567",
     "unknown revision '{to}' in '{path}'"},
    /* A range is not one revision: main splits FROM..TO, not us. */
    {"range as revision", "linear.git", "c1..c2", NULL, "unknown revision '{from}' in '{path}'"},
    /* Going back past the root. */
    {"past the root", "linear.git", "HEAD~10", NULL, "unknown revision '{from}' in '{path}'"},
    /* FROM on another branch: not an ancestor of TO. */
    {"FROM on a fork", "linear.git", "side", "master",
     "'{from}' is not an ancestor of '{to}' in '{path}'"},
    /* FROM and TO swapped; the message names HEAD when TO was left out. */
    {"swapped ends", "linear.git", "master", "HEAD~3",
     "'{from}' is not an ancestor of '{to}' in '{path}'"},
    /* FROM == TO: an empty window, TO named "HEAD" when left out. */
    {"FROM == TO", "linear.git", "HEAD", NULL, "empty window '{from}..HEAD' in '{path}'"},
    /* FROM == TO spelled differently still is empty. */
    {"FROM == TO, two spellings", "linear.git", "master", "@c7",
     "empty window '{from}..{to}' in '{path}'"},
    /* A revision naming a tree, not a commit. */
    {"tree as revision", "linear.git", "HEAD^{tree}", NULL,
     "revision '{from}' in '{path}' is not a commit"},
    /* A repository without commits has no window. */
    {"no commits", "empty.git", NULL, NULL, "cannot read '{path}': no commits"},
};

/* Expands {from}, {to} and {path} in `fmt`. */
static void expand(char *out, size_t size, const char *fmt, const char *from, const char *to,
		   const char *path)
{
	size_t len = 0;
	const char *v;

	while (*fmt && len + 1 < size) {
		v = !strncmp(fmt, "{from}", 6)	 ? from
		    : !strncmp(fmt, "{to}", 4)	 ? to
		    : !strncmp(fmt, "{path}", 6) ? path
						 : NULL;
		if (!v) {
			out[len++] = *fmt++;
			continue;
		}
		len += (size_t)snprintf(out + len, size - len, "%s", v);
		fmt = strchr(fmt, '}') + 1;
	}
	out[len < size ? len : size - 1] = '\0';
}

static void test_window_errors(void **state)
{
	char from_buf[64], to_buf[64], want[512];
	const struct error_case *c;
	const char *from, *to;
	struct archive *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		c = &error_cases[i];
		a = open_ok(c->repo);
		from = spec(c->from, from_buf, sizeof(from_buf));
		to = spec(c->to, to_buf, sizeof(to_buf));
		expand(want, sizeof(want), c->want, from ? from : "", to ? to : "",
		       archive_path(a));
		error_clear();
		if (archive_set_window(a, from, to) != MD_ERR_INPUT)
			fail_msg("%s: archive_set_window did not fail", c->why);
		if (strcmp(error_message(), want))
			fail_msg("%s: '%s', want '%s'", c->why, error_message(), want);
		archive_free(a);
	}
}

struct open_case {
	const char *why;
	const char *path; /* under the temporary directory */
	const char *want; /* after "cannot read '<path>': " */
};

static const struct open_case open_cases[] = {
    /* Nothing there. */
    {"missing path", "nope.git", "no such file or directory"},
    /* A path through a file. */
    {"path through a file", "plain/file/x", "not a directory"},
    /* A directory that is no repository. */
    {"plain directory", "plain", "not a git repository"},
    /* A file that is no repository (an mbox, later). */
    {"plain file", "plain/file", "not a git repository"},
    /* Inside a work tree: parent directories are never searched. */
    {"work tree subdirectory", "work/kvm/sub", "not a git repository"},
    /* Inside a bare repository: not searched upwards either. */
    {"bare repository subdirectory", "linear.git/refs", "not a git repository"},
};

static void test_open_errors(void **state)
{
	const struct open_case *c;
	struct archive *a;
	char want[600];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(open_cases) / sizeof(open_cases[0]); i++) {
		c = &open_cases[i];
		a = (struct archive *)1;
		error_clear();
		/* The git kind named: detection hands a plain file to mbox. */
		if (archive_open_as(&a, tmp_path(c->path), "git") != MD_ERR_INPUT)
			fail_msg("%s: archive_open did not fail", c->why);
		assert_null(a);
		snprintf(want, sizeof(want), "cannot read '%s': %s", tmp_path(c->path), c->want);
		if (strcmp(error_message(), want))
			fail_msg("%s: '%s', want '%s'", c->why, error_message(), want);
	}
}

struct name_case {
	const char *why;
	const char *cwd;  /* under the temporary directory, or NULL */
	const char *path; /* under the temporary directory unless cwd is set */
	const char *want;
};

static const struct name_case name_cases[] = {
    /* The usual mirror: ".git" dropped. */
    {"bare mirror", NULL, "names/kvm.git", "kvm"},
    /* Trailing slashes are ignored. */
    {"trailing slashes", NULL, "names/kvm.git//", "kvm"},
    /* A work tree has no ".git" to drop. */
    {"work tree", NULL, "work/kvm", "kvm"},
    /* A work tree's own .git directory is named after the work tree. */
    {"work tree's .git", NULL, "work/kvm/.git/", "kvm"},
    /* A v2 inbox epoch is named after the inbox. */
    {"v2 epoch", NULL, "names/lkml/git/0.git", "lkml"},
    /* Epochs past 9, with a trailing slash. */
    {"v2 epoch 12", NULL, "names/lkml/git/12.git/", "lkml"},
    /* Digits alone are a name when not under git/. */
    {"digits", NULL, "names/2024.git", "2024"},
    /* Only the last ".git" goes; dots inside stay. */
    {"dots inside", NULL, "names/v1.5.git", "v1.5"},
    /* An epoch under a directory called git: its parent names it. */
    {"epoch under names/git", NULL, "names/git/3.git", "names"},
    /* "." names the current directory. */
    {"dot", "names/kvm.git", ".", "kvm"},
    /* A relative epoch path without the inbox in it: looked up for real. */
    {"relative epoch", "names/lkml", "git/0.git", "lkml"},
    /* A relative work tree path. */
    {"relative .git", "work/kvm", ".git", "kvm"},
    /* A v2 inbox directory is named after itself. */
    {"v2 inbox", NULL, "v2/kvm", "kvm"},
    {"v2 inbox, trailing slash", NULL, "v2/kvm/", "kvm"},
    /* One epoch of it, opened as a repository: the inbox's name too. */
    {"v2 inbox's epoch", NULL, "v2/kvm/git/2.git", "kvm"},
    /* The inbox as ".": looked up for real. */
    {"v2 inbox as .", "v2/kvm", ".", "kvm"},
};

static void test_names(void **state)
{
	const struct name_case *c;
	struct archive *a;
	char cwd[1024];
	const char *path;
	size_t i;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
		c = &name_cases[i];
		if (c->cwd && chdir(tmp_path(c->cwd)) < 0)
			fail_msg("%s: cannot enter '%s'", c->why, c->cwd);
		path = c->cwd ? c->path : tmp_path(c->path);
		a = NULL;
		if (archive_open(&a, path) < 0)
			fail_msg("%s: archive_open: %s", c->why, error_message());
		if (chdir(cwd) < 0)
			fail_msg("cannot go back to '%s'", cwd);
		if (strcmp(archive_name(a), c->want))
			fail_msg("%s: name '%s', want '%s'", c->why, archive_name(a), c->want);
		assert_string_equal(archive_path(a), path);
		archive_free(a);
	}
}

/* A work tree opens like a bare repository, by its directory or its .git. */
static void test_work_tree(void **state)
{
	static const char *const want[] = {"w1", "w2", NULL};
	static const char *const paths[] = {"work/kvm", "work/kvm/.git"};
	struct archive *a;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		a = open_ok(paths[i]);
		assert_int_equal(archive_set_window(a, NULL, NULL), 0);
		assert_int_equal(archive_window_size(a), 2);
		expect_messages(a, paths[i], want);
		archive_free(a);
	}
}

/* `m` that is a tree: the messages before it are read, then an error names the commit. */
static void test_m_is_tree(void **state)
{
	struct archive_message m;
	struct archive *a;
	char want[600];

	(void)state;
	a = open_ok("badm.git");
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_int_equal(archive_window_size(a), 3);
	assert_int_equal(archive_next(a, &m), 1);
	assert_string_equal(m.id, commit_hex("b1"));
	error_clear();
	assert_int_equal(archive_next(a, &m), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read commit %s in '%s': 'm' is a tree, not a blob",
		 commit_hex("b2"), archive_path(a));
	assert_string_equal(error_message(), want);
	archive_free(a);
}

/* Missing objects: a commit (found by the window's walk) and a blob (by archive_next). */
static void test_missing_objects(void **state)
{
	struct archive_message m;
	struct archive *a;
	char want[600];

	(void)state;
	/* The root commit x1 is gone: the whole window cannot be walked; x2 names it. */
	a = open_ok("broken.git");
	error_clear();
	assert_int_equal(archive_set_window(a, NULL, NULL), MD_ERR_INPUT);
	snprintf(want, sizeof(want),
		 "cannot read commit %s in '%s': it is missing (the parent of "
		 "commit %s)",
		 commit_hex("x1"), archive_path(a), commit_hex("x2"));
	assert_string_equal(error_message(), want);
	archive_free(a);

	/* HEAD~3 steps past x1 (one commit at a time, so that x1 is named). */
	a = open_ok("broken.git");
	error_clear();
	assert_int_equal(archive_set_window(a, "HEAD~3", NULL), MD_ERR_INPUT);
	assert_string_equal(error_message(), want);
	archive_free(a);

	/* x3's blob is gone: x2..x3 is a window, and reading it fails naming x3. */
	a = open_ok("broken.git");
	assert_int_equal(archive_set_window(a, "HEAD~1", NULL), 0);
	error_clear();
	assert_int_equal(archive_next(a, &m), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read commit %s in '%s': ", commit_hex("x3"),
		 archive_path(a));
	if (strncmp(error_message(), want, strlen(want)))
		fail_msg("'%s', want '%s...'", error_message(), want);
	archive_free(a);
}

/* Whether s[0..len) holds `needle`. */
static int contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (!memcmp(s + i, needle, n))
			return 1;
	return 0;
}

/* The seed archive's window (fixtures/seed-window/RANGE): 62 messages. */
static void test_seed_window(void **state)
{
	static const char from[] = "8f7de36f8c5686b50092cc20ce2706d467b4b8b1";
	static const char to[] = "88889df72aa6aa740e4e17d6b68e4c29c7f4975f";
	const char *seed = getenv("MLDIGEST_SEED_GIT");
	const char *data = getenv("MLDIGEST_TEST_DATA");
	char dir[] = "/tmp/mldigest-seed.XXXXXX", cmd[4096], clone[64] = "";
	struct archive_message m;
	struct archive *a = NULL;
	size_t n = 0, bytes = 0;
	int r;

	(void)state;
	/* Without MLDIGEST_SEED_GIT, clone the bundle shipped in tests/data. */
	if ((!seed || !*seed) && data && mkdtemp(dir)) {
		snprintf(clone, sizeof(clone), "%s/seed.git", dir);
		snprintf(cmd, sizeof(cmd),
			 "git clone -q --mirror '%s/seed-window/seed-window.bundle' '%s'", data,
			 clone);
		if (system(cmd) == 0)
			seed = clone;
	}
	if (!seed || !*seed) {
		print_message("no seed archive (set MLDIGEST_SEED_GIT or MLDIGEST_TEST_DATA, "
			      "and have git to clone the bundle): skipping the seed window\n");
		skip();
	}
	if (archive_open(&a, seed) < 0 || archive_set_window(a, from, to) < 0)
		fail_msg("%s", error_message());
	assert_string_equal(archive_window_from(a), from);
	assert_string_equal(archive_window_to(a), to);
	assert_int_equal(archive_window_size(a), 62);
	while ((r = archive_next(a, &m)) > 0) {
		/* The first message is the first patch of Mike Rapoport's series. */
		if (n == 0) {
			assert_string_equal(m.id, "783f8e0eebb77dfd3ab2437bcafc80760f441da7");
			assert_int_equal(m.time, 1769500920);
			assert_true(contains(
			    m.raw, m.len, "Message-ID: <20260127080200.4001-2-rppt@kernel.org>"));
		}
		n++;
		bytes += m.len;
		if (n == 62)
			assert_string_equal(m.id, to);
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 62);
	assert_int_equal(bytes, 71034);
	archive_free(a);
	if (*clone) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

/* "L<i>" of long.git, in a static buffer. */
static const char *long_name(int i)
{
	static char names[LONG_N + 1][8];

	snprintf(names[i], sizeof(names[i]), "L%d", i);
	return names[i];
}

/* The messages of long.git's commits first..last (deletions have none), NULL-ended. */
static const char **long_want(int first, int last)
{
	static const char *want[LONG_N + 1];
	size_t n = 0;
	int i;

	for (i = first; i <= last; i++)
		if (!LONG_DELETION(i))
			want[n++] = long_name(i);
	want[n] = NULL;
	return want;
}

/* Reads one message and checks it is commit `name`'s. */
static void expect_next(struct archive *a, const char *name)
{
	struct archive_message m;
	size_t i = commit_index(name);
	int r;

	if ((r = archive_next(a, &m)) != 1)
		fail_msg("archive_next returned %d, want %s: %s", r, name, error_message());
	assert_string_equal(m.id, commit_hex(name));
	assert_int_equal(m.time, commits[i].time);
	assert_int_equal(m.len, strlen(commits[i].text));
	assert_memory_equal(m.raw, commits[i].text, m.len);
}

/* Sleeps for `ms` milliseconds: lets the reader thread fill its queue. */
static void pause_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};

	nanosleep(&ts, NULL);
}

/*
 * Windows of more messages than the reader's queue holds are read whole and
 * in order, the reader waiting for room; the caller's reading slowly (the
 * pause) or fast gives the same.
 */
static void test_long_windows(void **state)
{
	char to_buf[64], from_buf[64];
	struct archive *a;

	(void)state;
	/* L1..L149: 149 commits, 134 messages, no error. */
	a = open_ok("long.git");
	assert_int_equal(archive_set_window(a, NULL, spec("@L149", to_buf, sizeof(to_buf))), 0);
	assert_int_equal(archive_window_size(a), 149);
	expect_next(a, "L1");
	pause_ms(50);
	expect_messages(a, "L1..L149", long_want(2, 149));
	archive_free(a);

	/* L151..L200, after the hole. */
	a = open_ok("long.git");
	assert_int_equal(archive_set_window(a, spec("@L150", from_buf, sizeof(from_buf)), NULL), 0);
	assert_int_equal(archive_window_size(a), LONG_N - LONG_HOLE);
	expect_messages(a, "L150..", long_want(LONG_HOLE + 1, LONG_N));
	archive_free(a);
}

/*
 * A blob missing in the middle of a window: every message before it first,
 * then the error naming its commit, then (as when reading without a thread)
 * the messages after it.
 */
static void test_error_in_order(void **state)
{
	struct archive_message m;
	const char *const *want;
	struct archive *a;
	char prefix[600];
	size_t i;

	(void)state;
	a = open_ok("long.git");
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_int_equal(archive_window_size(a), LONG_N);
	pause_ms(50); /* nothing is read before the first archive_next() */
	for (want = long_want(1, LONG_HOLE - 1), i = 0; want[i]; i++) {
		expect_next(a, want[i]);
		if (i == 0)
			pause_ms(50); /* the reader reads up to the error and waits */
	}
	error_clear();
	assert_int_equal(archive_next(a, &m), MD_ERR_INPUT);
	snprintf(prefix, sizeof(prefix),
		 "cannot read commit %s in '%s': ", commit_hex(long_name(LONG_HOLE)),
		 archive_path(a));
	if (strncmp(error_message(), prefix, strlen(prefix)) ||
	    strlen(error_message()) == strlen(prefix))
		fail_msg("'%s', want '%s<libgit2's reason>'", error_message(), prefix);
	expect_messages(a, "after the hole", long_want(LONG_HOLE + 1, LONG_N));
	archive_free(a);
}

/*
 * archive_free() and archive_set_window() in the middle of a window stop the
 * reader, wherever it is, and free what it read ahead (ASan: no leak).
 */
static void test_stop_early(void **state)
{
	char from_buf[64];
	struct archive_message m;
	struct archive *a;

	(void)state;
	/* Freed before the first message: no reader was started. */
	a = open_ok("long.git");
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	archive_free(a);

	/* Freed at once after the first message: the reader is reading. */
	a = open_ok("long.git");
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	expect_next(a, "L1");
	archive_free(a);

	/* Freed with the queue full: the reader waits for room. */
	a = open_ok("long.git");
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	expect_next(a, "L1");
	expect_next(a, "L2");
	pause_ms(50);
	archive_free(a);

	/* Freed after the error, messages after it queued. */
	a = open_ok("long.git");
	assert_int_equal(archive_set_window(a, spec("@L140", from_buf, sizeof(from_buf)), NULL), 0);
	while (archive_next(a, &m) > 0)
		;
	pause_ms(20);
	archive_free(a);

	/* A new window in the middle of one starts over. */
	a = open_ok("long.git");
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	expect_next(a, "L1");
	expect_next(a, "L2");
	pause_ms(20);
	assert_int_equal(archive_set_window(a, spec("@L150", from_buf, sizeof(from_buf)), NULL), 0);
	expect_messages(a, "new window", long_want(LONG_HOLE + 1, LONG_N));
	/* And once more, after its end. */
	assert_int_equal(archive_set_window(a, NULL, spec("@L3", from_buf, sizeof(from_buf))), 0);
	expect_messages(a, "third window", long_want(1, 3));
	archive_free(a);
}

/* A window of a v2 inbox: as struct window_case, in the inbox `inbox`. */
struct inbox_case {
	const char *why;
	const char *inbox;
	const char *from, *to;
	const char *want_from, *want_to;
	size_t size;
	const char *want[12];
};

/* clang-format off */
static const struct inbox_case inbox_cases[] = {
    /* The whole inbox: every epoch in order, each from its root; the deletion skipped. */
    {"whole inbox", "v2/kvm", NULL, NULL, NULL, "e2b", 9,
     {"e0a", "e0b", "e0d", "e1a", "e1b", "e1c", "e2a", "e2b"}},
    /* FROM in epoch 0, TO in epoch 1: the rest of 0 (a deletion in it), the start of 1. */
    {"epoch 0 to epoch 1", "v2/kvm", "@e0b", "@e1b", "e0b", "e1b", 4, {"e0d", "e1a", "e1b"}},
    /* Across three epochs: the whole epoch between is in. */
    {"epoch 0 to epoch 2", "v2/kvm", "@e0a", "@e2a", "e0a", "e2a", 7,
     {"e0b", "e0d", "e1a", "e1b", "e1c", "e2a"}},
    /* FROM and TO in the same later epoch: nothing of the others. */
    {"within epoch 1", "v2/kvm", "@e1a", "@e1c", "e1a", "e1c", 2, {"e1b", "e1c"}},
    /* FROM the last commit of epoch 0: the window starts at epoch 1's root. */
    {"FROM the end of epoch 0", "v2/kvm", "@e0d", "@e1a", "e0d", "e1a", 1, {"e1a"}},
    /* No TO: the newest commit of the last epoch. */
    {"FROM the end of epoch 0, no TO", "v2/kvm", "@e0d", NULL, "e0d", "e2b", 5,
     {"e1a", "e1b", "e1c", "e2a", "e2b"}},
    /* HEAD (and master) as TO: the last epoch's, though every epoch has one. */
    {"TO = HEAD", "v2/kvm", "@e1b", "HEAD", "e1b", "e2b", 3, {"e1c", "e2a", "e2b"}},
    {"TO = master", "v2/kvm", "@e1c", "master", "e1c", "e2b", 2, {"e2a", "e2b"}},
    /* No FROM, TO in epoch 1: all of epoch 0, then epoch 1 up to TO. */
    {"no FROM, TO in epoch 1", "v2/kvm", NULL, "@e1b", NULL, "e1b", 6,
     {"e0a", "e0b", "e0d", "e1a", "e1b"}},
    /* Abbreviated ids are looked up in every epoch. */
    {"abbreviated ids", "v2/kvm", "@e0b:7", "@e2a:9", "e0b", "e2a", 6,
     {"e0d", "e1a", "e1b", "e1c", "e2a"}},
    /* HEAD~3 counts back through epoch 2 into epoch 1: the last three messages. */
    {"HEAD~3..", "v2/kvm", "HEAD~3", NULL, "e1b", "e2b", 3, {"e1c", "e2a", "e2b"}},
    /* Steps from both ends, crossing from epoch 1's root into epoch 0 (a deletion counts). */
    {"HEAD~5..HEAD~2", "v2/kvm", "HEAD~5", "HEAD~2", "e0d", "e1c", 3, {"e1a", "e1b", "e1c"}},
    /* The parent of an epoch's root is the newest commit of the epoch before. */
    {"root^..root", "v2/kvm", "@e1a^", "@e1a", "e0d", "e1a", 1, {"e1a"}},
    {"root~1^1~0", "v2/kvm", "@e1a~1^1~0", "@e2a^", "e0c", "e1c", 4,
     {"e0d", "e1a", "e1b", "e1c"}},
    /* Epochs past 9 are read in numeric order: 10 follows 9, not 1. */
    {"epoch 1 to epoch 2 of twelve", "v2/many", "@n1c", "@n2a", "n1c", "n2a", 1, {"n2a"}},
    {"epoch 9 to epoch 10", "v2/many", "@n9b", "@n10b", "n9b", "n10b", 3,
     {"n9c", "n10a", "n10b"}},
    {"last epochs of twelve", "v2/many", "HEAD~4", NULL, "n10b", "n11c", 4,
     {"n10c", "n11a", "n11b", "n11c"}},
    /* Ids that every epoch sees (alternates): each is the epoch's whose HEAD reaches it. */
    {"shared objects", "v2/shared", "@h0a", "@h1a", "h0a", "h1a", 2, {"h0b", "h1a"}},
    {"shared objects, within epoch 0", "v2/shared", "@h0a", "@h0b", "h0a", "h0b", 1, {"h0b"}},
    {"shared objects, no FROM", "v2/shared", NULL, "@h0b", NULL, "h0b", 2, {"h0a", "h0b"}},
    /* An epoch without commits contributes nothing, and is stepped over. */
    {"empty epoch between", "v2/sparse", "@p0a", NULL, "p0a", "p2a", 2, {"p0b", "p2a"}},
    {"step over an empty epoch", "v2/sparse", "HEAD~1", NULL, "p0b", "p2a", 1, {"p2a"}},
    {"whole sparse inbox", "v2/sparse", NULL, NULL, NULL, "p2a", 3, {"p0a", "p0b", "p2a"}},
};
/* clang-format on */

static void test_inbox_windows(void **state)
{
	char from_buf[64], to_buf[64];
	const struct inbox_case *c;
	struct archive *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inbox_cases) / sizeof(inbox_cases[0]); i++) {
		c = &inbox_cases[i];
		a = open_ok(c->inbox);
		if (archive_set_window(a, spec(c->from, from_buf, sizeof(from_buf)),
				       spec(c->to, to_buf, sizeof(to_buf))) < 0)
			fail_msg("%s: archive_set_window: %s", c->why, error_message());
		if (archive_window_size(a) != c->size)
			fail_msg("%s: window of %zu commits, want %zu", c->why,
				 archive_window_size(a), c->size);
		assert_string_equal(archive_window_from(a),
				    c->want_from ? commit_hex(c->want_from) : "");
		assert_string_equal(archive_window_to(a), commit_hex(c->want_to));
		expect_messages(a, c->why, c->want);
		archive_free(a);
	}
}

/*
 * The whole inbox of twelve epochs, 36 messages (more than the reader's
 * queue holds), in numeric epoch order; positions count the window's
 * commits, the deletion of v2/kvm included.
 */
static void test_inbox_order(void **state)
{
	static const char *const kvm[] = {"e0a", "e0b", "e0d", "e1a", "e1b", "e1c", "e2a", "e2b"};
	static const unsigned long kvm_positions[] = {1, 2, 4, 5, 6, 7, 8, 9};
	struct archive_message m;
	struct archive *a;
	char name[16];
	size_t n = 0;
	int r;

	(void)state;
	a = open_ok("v2/many");
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_int_equal(archive_window_size(a), 36);
	while ((r = archive_next(a, &m)) > 0) {
		snprintf(name, sizeof(name), "n%d%c", (int)(n / 3) % 100, (int)('a' + n % 3));
		if (strcmp(m.id, commit_hex(name)))
			fail_msg("message %zu is %s, want %s", n, m.id, name);
		assert_int_equal(m.position, n + 1);
		if (n == 0)
			pause_ms(20); /* the reader fills its queue across epochs */
		n++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 36);
	archive_free(a);

	a = open_ok("v2/kvm");
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	for (n = 0; (r = archive_next(a, &m)) > 0; n++) {
		assert_true(n < 8);
		assert_string_equal(m.id, commit_hex(kvm[n]));
		assert_int_equal(m.position, kvm_positions[n]);
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 8);
	archive_free(a);
}

static const struct error_case inbox_error_cases[] = {
    /* FROM in a later epoch than TO. */
    {"FROM after TO", "v2/kvm", "@e1a", "@e0b",
     "'{from}' is not an ancestor of '{to}' in '{path}'"},
    {"FROM after TO, TO a step back", "v2/kvm", "@e2a", "HEAD~3",
     "'{from}' is not an ancestor of '{to}' in '{path}'"},
    /* FROM later in the same epoch. */
    {"FROM after TO in one epoch", "v2/kvm", "@e1c", "@e1a",
     "'{from}' is not an ancestor of '{to}' in '{path}'"},
    /* FROM on a side branch of epoch 0: not on its chain to HEAD. */
    {"FROM on a side branch", "v2/kvm", "side", "@e1b",
     "'{from}' is not an ancestor of '{to}' in '{path}'"},
    /* FROM == TO: the newest commit, named or not. */
    {"FROM == TO", "v2/kvm", "HEAD", NULL, "empty window '{from}..HEAD' in '{path}'"},
    {"FROM == TO, two spellings", "v2/kvm", "@e2b", "master",
     "empty window '{from}..{to}' in '{path}'"},
    /* Names and ids no epoch has. */
    {"unknown name", "v2/kvm", "nope", NULL, "unknown revision '{from}' in '{path}'"},
    {"unknown id", "v2/kvm", NULL, "0123456789abcdef0123456789abcdef01234567",
     "unknown revision '{to}' in '{path}'"},
    /* Stepping back past epoch 0's root: 8 steps reach it, 9 leave the inbox. */
    {"past the first root", "v2/kvm", "HEAD~9", NULL, "unknown revision '{from}' in '{path}'"},
    {"before the first root", "v2/kvm", "@e0a^", NULL, "unknown revision '{from}' in '{path}'"},
    /* 4 hex digits naming e0a in epoch 0 and a blob in epoch 1. */
    {"abbreviated id in two epochs", "v2/kvm", "@e0a:4", NULL,
     "ambiguous revision '{from}' in '{path}'"},
    /* Not a commit. */
    {"tree as revision", "v2/kvm", "HEAD^{tree}", NULL,
     "revision '{from}' in '{path}' is not a commit"},
    /* No epoch has a commit. */
    {"no commits", "v2/empty", NULL, NULL, "cannot read '{path}': no commits"},
};

static void test_inbox_errors(void **state)
{
	char from_buf[64], to_buf[64], want[512];
	const struct error_case *c;
	const char *from, *to;
	struct archive *a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inbox_error_cases) / sizeof(inbox_error_cases[0]); i++) {
		c = &inbox_error_cases[i];
		a = open_ok(c->repo);
		from = spec(c->from, from_buf, sizeof(from_buf));
		to = spec(c->to, to_buf, sizeof(to_buf));
		expand(want, sizeof(want), c->want, from ? from : "", to ? to : "",
		       archive_path(a));
		error_clear();
		if (archive_set_window(a, from, to) != MD_ERR_INPUT)
			fail_msg("%s: archive_set_window did not fail", c->why);
		if (strcmp(error_message(), want))
			fail_msg("%s: '%s', want '%s'", c->why, error_message(), want);
		assert_string_equal(archive_window_from(a), "");
		assert_string_equal(archive_window_to(a), "");
		archive_free(a);
	}
}

/* An inbox that cannot be opened; {path} in `want` is the temporary directory. */
static const struct open_case inbox_open_cases[] = {
    /* An epoch missing between others is named. */
    {"missing middle epoch", "v2/gap",
     "cannot read '{path}/v2/gap': epoch '{path}/v2/gap/git/2.git' is missing"},
    /* With a trailing slash: the epoch's path is not doubled. */
    {"missing middle epoch, trailing slash", "v2/gap/",
     "cannot read '{path}/v2/gap/': epoch '{path}/v2/gap/git/2.git' is missing"},
    /* Epoch 0 missing. */
    {"missing epoch 0", "v2/nozero",
     "cannot read '{path}/v2/nozero': epoch '{path}/v2/nozero/git/0.git' is missing"},
    /* An epoch that is no repository. */
    {"epoch not a repository", "v2/notrepo",
     "cannot read '{path}/v2/notrepo/git/0.git': not a git repository"},
    /* git/ without a name of an epoch in it: no inbox. */
    {"no epoch names", "v2/noepochs", "cannot read '{path}/v2/noepochs': not a git repository"},
    /* A directory git/ alone is nothing either. */
    {"git/ is not an inbox", "v2/noepochs/git",
     "cannot read '{path}/v2/noepochs/git': not a git repository"},
};

static void test_inbox_open_errors(void **state)
{
	const struct open_case *c;
	struct archive *a;
	char want[600];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(inbox_open_cases) / sizeof(inbox_open_cases[0]); i++) {
		c = &inbox_open_cases[i];
		a = (struct archive *)1;
		error_clear();
		if (archive_open(&a, tmp_path(c->path)) != MD_ERR_INPUT)
			fail_msg("%s: archive_open did not fail", c->why);
		assert_null(a);
		expand(want, sizeof(want), c->want, "", "", tmpdir);
		if (strcmp(error_message(), want))
			fail_msg("%s: '%s', want '%s'", c->why, error_message(), want);
	}
}

/* The archive's identity: the root of HEAD's chain; epoch 0's in an inbox. */
static void test_root_id(void **state)
{
	static const struct {
		const char *path, *want;
	} cases[] = {
	    /* A repository: the root of HEAD's first-parent chain. */
	    {"linear.git", "c1"},
	    {"work/kvm", "w1"},
	    /* An inbox: epoch 0's root, whichever epoch is newest. */
	    {"v2/kvm", "e0a"},
	    {"v2/kvm/", "e0a"},
	    {"v2/many", "n0a"},
	    /* One epoch opened as a repository: its own root. */
	    {"v2/kvm/git/1.git", "e1a"},
	};
	const char *id;
	struct archive *a;
	char want[600];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = open_ok(cases[i].path);
		if (archive_root_id(a, &id) < 0)
			fail_msg("%s: archive_root_id: %s", cases[i].path, error_message());
		assert_string_equal(id, commit_hex(cases[i].want));
		/* A window read before asking again changes nothing. */
		assert_int_equal(archive_set_window(a, NULL, NULL), 0);
		assert_int_equal(archive_root_id(a, &id), 0);
		assert_string_equal(id, commit_hex(cases[i].want));
		archive_free(a);
	}

	a = open_ok("empty.git");
	error_clear();
	assert_int_equal(archive_root_id(a, &id), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read '%s': no commits", archive_path(a));
	assert_string_equal(error_message(), want);
	archive_free(a);

	a = open_ok("v2/empty");
	error_clear();
	assert_int_equal(archive_root_id(a, &id), MD_ERR_INPUT);
	snprintf(want, sizeof(want), "cannot read '%s/git/0.git': no commits", archive_path(a));
	assert_string_equal(error_message(), want);
	archive_free(a);
}

/* This process's open files whose names end in ".pack" or ".idx". */
static int pack_files_open(void)
{
	char path[64], target[4096];
	ssize_t len;
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if ((len = readlink(path, target, sizeof(target) - 1)) <= 0)
			continue;
		target[len] = '\0';
		if ((len >= 5 && !strcmp(target + len - 5, ".pack")) ||
		    (len >= 4 && !strcmp(target + len - 4, ".idx")))
			n++;
	}
	return n;
}

/*
 * Copies fixture `rel` to `rel`-packed with its objects in one pack (git
 * repack, in each epoch of an inbox): the name of the copy, or NULL when
 * git cannot be run.
 */
static const char *packed_copy(const char *rel, char *out, size_t size)
{
	char cmd[4096];

	snprintf(out, size, "%s-packed", rel);
	snprintf(cmd, sizeof(cmd),
		 "rm -rf '%s' && cp -r '%s' '%s' && cd '%s' && "
		 "for d in . git/*.git; do [ -d \"$d/objects\" ] || continue; "
		 "git -C \"$d\" repack -adq || exit 1; done",
		 tmp_path(out), tmp_path(rel), tmp_path(out), tmp_path(out));
	return system(cmd) == 0 ? out : NULL;
}

/*
 * Reads the whole window of packed copy `rel`: the messages are `want`,
 * pack files are open once it is walked, and, with reader threads, none
 * is left open at its end (each reader closes its pack readers, the
 * walk's included, when it has read its share).
 */
static void expect_packs_closed(struct archive *a, const char *rel, const char *const *want)
{
	struct archive_message m;
	size_t n = 0;

	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	if (pack_files_open() == 0) /* the walk read the commits from the pack */
		fail_msg("%s: no pack file open after the walk", rel);
	while (archive_next(a, &m) > 0) {
		assert_non_null(want[n]);
		assert_string_equal(m.id, commit_hex(want[n]));
		n++;
	}
	assert_null(want[n]);
	if (archive_git_read_ahead && pack_files_open() != 0)
		fail_msg("%s: %d pack files open after the window", rel, pack_files_open());
}

/*
 * Pack readers closed by the reader threads; what needs a pack afterwards
 * (the root's id, another window) opens it again.
 */
static void test_packs_closed(void **state)
{
	static const char *const linear[] = {"c1", "c2", "c4", "c6", "c7", NULL};
	static const char *const inbox[] = {"e0a", "e0b", "e0d", "e1a", "e1b",
					    "e1c", "e2a", "e2b", NULL};
	char name[64];
	const char *rel, *id;
	struct archive *a;

	(void)state;
	if (!(rel = packed_copy("linear.git", name, sizeof(name)))) {
		print_message("git repack failed: skipping\n");
		skip();
	}
	a = open_ok(rel);
	expect_packs_closed(a, rel, linear);
	assert_int_equal(archive_root_id(a, &id), 0);
	assert_string_equal(id, commit_hex("c1"));
	expect_packs_closed(a, rel, linear);
	archive_free(a);
	assert_int_equal(pack_files_open(), 0);

	assert_non_null(rel = packed_copy("v2/kvm", name, sizeof(name)));
	a = open_ok(rel);
	expect_packs_closed(a, rel, inbox);
	expect_packs_closed(a, rel, inbox);
	archive_free(a);
	assert_int_equal(pack_files_open(), 0);
}

/*
 * The prepare hook: a copy of each message, made on the reader threads (or
 * in archive_next()), handed on with the message, whose raw bytes are not
 * (freed where they were read).  Each copy is handed back
 * (archive_give_back) and freed with the discard hook, with a reader
 * thread, it is freed there; what is never handed on is discarded too:
 * none is left (`live`), none freed twice (ASan).
 */
static atomic_int live, discarded_elsewhere;
static pthread_t test_thread;

static void *prepare_copy(const char *raw, size_t len)
{
	atomic_fetch_add(&live, 1);
	return xmemdupz(raw, len);
}

static void discard_copy(void *p)
{
	if (!pthread_equal(pthread_self(), test_thread))
		atomic_fetch_add(&discarded_elsewhere, 1);
	atomic_fetch_sub(&live, 1);
	free(p);
}

static void test_prepare(void **state)
{
	struct archive_message m;
	struct archive *a;
	char *want[134];
	size_t n = 0;
	int r;

	(void)state;
	a = open_ok("long.git");
	assert_int_equal(archive_set_window(a, NULL, spec("@L149", (char[64]){0}, 64)), 0);
	while ((r = archive_next(a, &m)) > 0) {
		assert_null(m.prepared);
		assert_true(n < 134);
		want[n++] = xmemdupz(m.raw, m.len);
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 134);
	archive_free(a);

	test_thread = pthread_self();
	atomic_store(&live, 0);
	atomic_store(&discarded_elsewhere, 0);
	a = open_ok("long.git");
	archive_set_prepare(a, prepare_copy, discard_copy);
	assert_int_equal(archive_set_window(a, NULL, spec("@L149", (char[64]){0}, 64)), 0);
	n = 0;
	while ((r = archive_next(a, &m)) > 0) {
		assert_non_null(m.prepared);
		assert_null(m.raw);
		assert_int_equal(m.len, 0);
		assert_string_equal(m.prepared, want[n]);
		archive_give_back(a, m.prepared);
		free(want[n++]);
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 134);
	/* 134 messages, 32 a reader's queue: the readers wait for room, and free meanwhile. */
	if (archive_git_read_ahead)
		assert_true(atomic_load(&discarded_elsewhere) > 0);
	/* Left in the middle: what was read ahead, or handed back, is discarded. */
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	assert_int_equal(archive_next(a, &m), 1);
	archive_give_back(a, m.prepared);
	assert_int_equal(archive_next(a, &m), 1);
	pause_ms(20);
	archive_free(a);
	discard_copy(m.prepared); /* not handed back: the caller's */
	assert_int_equal(atomic_load(&live), 0);
}

/* Reads with 1 and with 3 reader threads (the default is one per processor). */
static int one_reader_setup(void **state)
{
	(void)state;
	archive_git_readers = 1;
	return 0;
}

static int three_readers_setup(void **state)
{
	(void)state;
	archive_git_readers = 3;
	return 0;
}

static int readers_teardown(void **state)
{
	(void)state;
	archive_git_readers = 0;
	return 0;
}

/* clang-format off */
#define ONE_READER_TEST(f) {#f " (1 reader)", f, one_reader_setup, readers_teardown, NULL}
#define THREE_READERS_TEST(f) {#f " (3 readers)", f, three_readers_setup, readers_teardown, NULL}
/* clang-format on */

/* Reads without the reader thread, as when none can be started. */
static int inline_setup(void **state)
{
	(void)state;
	archive_git_read_ahead = 0;
	return 0;
}

static int inline_teardown(void **state)
{
	(void)state;
	archive_git_read_ahead = 1;
	return 0;
}

/*
 * Reads windows kept in a temporary file past their 4 newest commits
 * (with readers, inline), and with no temporary file to be had
 * (all kept in memory).
 */
static int spill_setup(void **state)
{
	(void)state;
	archive_git_commits_in_memory = 4;
	return 0;
}

static int spill_inline_setup(void **state)
{
	(void)state;
	archive_git_commits_in_memory = 4;
	archive_git_read_ahead = 0;
	return 0;
}

static int spill_no_tmp_setup(void **state)
{
	(void)state;
	archive_git_commits_in_memory = 4;
	return setenv("TMPDIR", "/nonexistent/mldigest-test", 1);
}

static int spill_teardown(void **state)
{
	(void)state;
	archive_git_commits_in_memory = 65536;
	archive_git_read_ahead = 1;
	return unsetenv("TMPDIR");
}

/* clang-format off */
#define SPILL_TEST(f) {#f " (spilled)", f, spill_setup, spill_teardown, NULL}
#define SPILL_INLINE_TEST(f) {#f " (spilled, inline)", f, spill_inline_setup, spill_teardown, NULL}
#define SPILL_NO_TMP_TEST(f) \
	{#f " (no temporary file)", f, spill_no_tmp_setup, spill_teardown, NULL}
/* clang-format on */

/* A test run without the reader thread, named so. */
/* clang-format off */
#define INLINE_TEST(f) {#f " (inline)", f, inline_setup, inline_teardown, NULL}
/* clang-format on */

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_windows),
	    cmocka_unit_test(test_window_errors),
	    cmocka_unit_test(test_open_errors),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_work_tree),
	    cmocka_unit_test(test_m_is_tree),
	    cmocka_unit_test(test_missing_objects),
	    cmocka_unit_test(test_long_windows),
	    cmocka_unit_test(test_error_in_order),
	    cmocka_unit_test(test_stop_early),
	    cmocka_unit_test(test_seed_window),
	    cmocka_unit_test(test_inbox_windows),
	    cmocka_unit_test(test_inbox_order),
	    cmocka_unit_test(test_inbox_errors),
	    cmocka_unit_test(test_inbox_open_errors),
	    cmocka_unit_test(test_root_id),
	    cmocka_unit_test(test_prepare),
	    cmocka_unit_test(test_packs_closed),
	    ONE_READER_TEST(test_windows),
	    ONE_READER_TEST(test_error_in_order),
	    ONE_READER_TEST(test_stop_early),
	    ONE_READER_TEST(test_prepare),
	    ONE_READER_TEST(test_packs_closed),
	    THREE_READERS_TEST(test_windows),
	    THREE_READERS_TEST(test_long_windows),
	    THREE_READERS_TEST(test_error_in_order),
	    THREE_READERS_TEST(test_stop_early),
	    THREE_READERS_TEST(test_seed_window),
	    THREE_READERS_TEST(test_inbox_windows),
	    THREE_READERS_TEST(test_inbox_order),
	    THREE_READERS_TEST(test_prepare),
	    THREE_READERS_TEST(test_packs_closed),
	    INLINE_TEST(test_prepare),
	    INLINE_TEST(test_packs_closed),
	    INLINE_TEST(test_windows),
	    INLINE_TEST(test_work_tree),
	    INLINE_TEST(test_m_is_tree),
	    INLINE_TEST(test_missing_objects),
	    INLINE_TEST(test_long_windows),
	    INLINE_TEST(test_error_in_order),
	    INLINE_TEST(test_stop_early),
	    INLINE_TEST(test_seed_window),
	    INLINE_TEST(test_inbox_windows),
	    INLINE_TEST(test_inbox_order),
	    SPILL_TEST(test_windows),
	    SPILL_TEST(test_missing_objects),
	    SPILL_TEST(test_long_windows),
	    SPILL_TEST(test_error_in_order),
	    SPILL_TEST(test_stop_early),
	    SPILL_TEST(test_seed_window),
	    SPILL_TEST(test_inbox_windows),
	    SPILL_TEST(test_inbox_order),
	    SPILL_INLINE_TEST(test_long_windows),
	    SPILL_INLINE_TEST(test_error_in_order),
	    SPILL_INLINE_TEST(test_inbox_order),
	    SPILL_NO_TMP_TEST(test_long_windows),
	    SPILL_NO_TMP_TEST(test_inbox_windows),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
