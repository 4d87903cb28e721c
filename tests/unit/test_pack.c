/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pack reader (src/archive/pack.c).
 *
 * Against git: every object of several repositories, read with pack_read()
 * and with libgit2's git_odb_read(), must be the same (type, size, bytes),
 * or "not found" where the object is loose.  The repositories, made in a
 * temporary directory with libgit2 and the git command:
 *   made.git     a few commits written with libgit2 (an empty blob, a
 *                compressible and incompressible ones, one larger than the
 *                reader's windows and one across two of them, versions
 *                of one mail), repacked;
 *   seed.git     the seed window (tests/data/seed-window), cloned;
 *   deep.git     seed.git repacked with --depth=50 --window=250 (long
 *                OFS_DELTA chains);
 *   ref.git      deep.git repacked without offsets: REF_DELTA bases;
 *   large.git    seed.git's pack indexed again with 64-bit offsets past
 *                4 KiB (git index-pack --index-version=2,4096);
 *   mixed.git    seed.git with loose objects added, and a second pack;
 *   cut.git, flip.git   deep.git's pack damaged: cut short (its
 *                checksum kept, so that it is opened) and bytes flipped.
 *
 * Through the archive (git.c): a message's blob damaged inside its pack,
 * a packed `m` that is a tree (both left to libgit2, whose messages they
 * get), and packed commits git.c parses itself or leaves to libgit2.
 *
 * By hand: packs written here byte by byte (ids made up, checksums equal),
 * each with one defect a damaged pack may have (table-driven below); and
 * git's delta format on its own (pack_delta_apply).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#endif

#include "unit.h"

#include <fcntl.h>
#include <pthread.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "archive/archive.h"
#include "archive/pack.h"
#include "util/error.h"
#include "tmpdir.h"

/* The tables below leave the fields their cases do not need out. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static void check_git(int error, const char *what)
{
	const git_error *e = git_error_last();

	if (error < 0)
		fail_msg("%s: %s", what, e && e->message ? e->message : "?");
}

/* ---- Against git ---- */

struct ids {
	git_oid *v;
	size_t nr, alloc;
};

static int ids_add(const git_oid *id, void *payload)
{
	struct ids *ids = payload;

	if (ids->nr == ids->alloc) {
		ids->alloc = ids->alloc ? ids->alloc * 2 : 256;
		ids->v = realloc(ids->v, ids->alloc * sizeof(*ids->v));
		assert_non_null(ids->v);
	}
	ids->v[ids->nr++] = *id;
	return 0;
}

/* Whether `id` is a loose object of the repository at `gitdir`. */
static int is_loose(const char *gitdir, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1], path[700];

	git_oid_tostr(hex, sizeof(hex), id);
	snprintf(path, sizeof(path), "%s/objects/%.2s/%s", gitdir, hex, hex + 2);
	return access(path, F_OK) == 0;
}

/*
 * Reads every object of the repository at `rel` both ways; returns how many
 * pack_read() found.  With `twice`, every object is read again in reverse
 * (the delta base cache then full of what the first pass kept), and each
 * object larger than 0 once more with max_size one less (PACK_TOO_LARGE).
 */
static size_t compare_repo(const char *rel, int twice)
{
	const char *gitdir = tmp_path(rel);
	char objects[600], hex[GIT_OID_HEXSZ + 1];
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	struct pack_reader *r = NULL;
	struct ids ids = {0};
	size_t i, k, found = 0, pass;
	git_odb_object *obj;
	struct pack_object po;
	int status;

	snprintf(objects, sizeof(objects), "%s/objects", gitdir);
	check_git(git_repository_open(&repo, gitdir), rel);
	check_git(git_repository_odb(&odb, repo), "odb");
	check_git(git_odb_foreach(odb, ids_add, &ids), "foreach");
	assert_true(ids.nr > 0);
	assert_int_equal(pack_open(&r, objects, NULL), 0);
	assert_true(pack_count(r) > 0);
	for (pass = 0; pass < (twice ? 2u : 1u); pass++) {
		for (k = 0; k < ids.nr; k++) {
			i = pass ? ids.nr - 1 - k : k;
			git_oid_tostr(hex, sizeof(hex), &ids.v[i]);
			check_git(git_odb_read(&obj, odb, &ids.v[i]), hex);
			status = pack_read(&po, r, ids.v[i].id, SIZE_MAX);
			if (status == PACK_NOT_FOUND) {
				if (!is_loose(gitdir, &ids.v[i]))
					fail_msg("%s: %s is in a pack, not found", rel, hex);
				git_odb_object_free(obj);
				continue;
			}
			if (status != PACK_OK)
				fail_msg("%s: %s: status %d", rel, hex, status);
			found += pass == 0;
			assert_int_equal(po.type, git_odb_object_type(obj));
			assert_int_equal(po.size, git_odb_object_size(obj));
			assert_memory_equal(po.data, git_odb_object_data(obj), po.size);
			assert_int_equal(po.data[po.size], '\0');
			free(po.data);
			if (twice && po.size > 0) {
				status = pack_read(&po, r, ids.v[i].id, po.size - 1);
				assert_int_equal(status, PACK_TOO_LARGE);
				assert_int_equal(po.type, git_odb_object_type(obj));
				assert_int_equal(po.size, git_odb_object_size(obj));
			}
			git_odb_object_free(obj);
		}
	}
	pack_free(r);
	free(ids.v);
	git_odb_free(odb);
	git_repository_free(repo);
	return found;
}

/* A blob of `len` bytes: repeating text (random 0), or bytes that do not compress (random: their seed). */
static char *blob_text(size_t len, int random)
{
	char *s = malloc(len + 1);
	uint32_t x = 12345u * (uint32_t)random; /* one random text a seed */
	size_t i;

	assert_non_null(s);
	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		s[i] = random ? (char)(x >> 16) : "Subject: [PATCH] kvm\n"[i % 21];
	}
	s[len] = '\0';
	return s;
}

/* made.git: commits written with libgit2, each a blob `m`. */
static void made_write(void)
{
	git_repository *repo = NULL;
	git_signature *sig = NULL;
	git_treebuilder *tb = NULL;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_oid blob, tree_id, id;
	/* Random bytes (they do not compress): 1,600,000 are read whole (over
	 * half a pack window); the 500,000 packed after them cross 2 MiB, so
	 * their window starts at their page (both checked by hand: git packs
	 * the newest first, 450,000, 1,600,000, ..., 500,000). */
	char *texts[10];
	size_t sizes[10] = {0, 500000, 300000, 5000, 5100, 5200, 70000, 1, 1600000, 450000};
	size_t i;

	check_git(git_repository_init(&repo, tmp_path("made.git"), 1), "init");
	check_git(git_signature_new(&sig, "A U Thor", "author@example.org", 1700000000, 60), "sig");
	for (i = 0; i < 10; i++) {
		texts[i] = blob_text(sizes[i], i == 1 || i == 6 ? 1 : i >= 8 ? (int)i : 0);
		if (i >= 4 && sizes[i] > 200) /* versions of one mail: deltas */
			memcpy(texts[i] + 100, "changed", 7);
		check_git(git_blob_create_from_buffer(&blob, repo, texts[i], sizes[i]), "blob");
		check_git(git_treebuilder_new(&tb, repo, NULL), "tb");
		check_git(git_treebuilder_insert(NULL, tb, "m", &blob, GIT_FILEMODE_BLOB),
			  "insert");
		check_git(git_treebuilder_write(&tree_id, tb), "tree");
		check_git(git_tree_lookup(&tree, repo, &tree_id), "tree");
		check_git(git_commit_create(&id, repo, "HEAD", sig, sig, NULL, "m", tree,
					    parent ? 1 : 0, (const git_commit **)&parent),
			  "commit");
		git_commit_free(parent);
		check_git(git_commit_lookup(&parent, repo, &id), "lookup");
		git_tree_free(tree);
		git_treebuilder_free(tb);
		free(texts[i]);
	}
	git_commit_free(parent);
	git_signature_free(sig);
	git_repository_free(repo);
	tmp_run("git -C '%s' repack -q -adf", tmp_path("made.git"));
}

/* Copies the pack of `from` (one) into `to` as a new repository's. */
static void repo_copy(const char *from, const char *to)
{
	tmp_run("cp -r '%s' '%s'", tmp_path(from), tmp_path(to));
}

/* The path of the one .pack (or .idx, `ext`) of `rel`. */
static const char *pack_file(const char *rel, const char *ext)
{
	static char out[700];
	char cmd[700];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ls '%s'/objects/pack/*.%s", tmp_path(rel), ext);
	assert_non_null(f = popen(cmd, "r"));
	assert_non_null(fgets(out, sizeof(out), f));
	pclose(f);
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static int group_setup(void **state)
{
	const char *data = getenv("MLDIGEST_TEST_DATA");

	(void)state;
	/* The fixtures are written with libgit2, which mldigest starts only on need. */
	if (git_libgit2_init() < 0)
		return -1;
	if (tmpdir_make("test_pack") < 0 || !data)
		return -1;
	made_write();
	tmp_run("git clone -q --mirror '%s/seed-window/seed-window.bundle' '%s'", data,
	    tmp_path("seed.git"));
	repo_copy("seed.git", "deep.git");
	tmp_run("git -C '%s' repack -q -adf --depth=50 --window=250", tmp_path("deep.git"));
	repo_copy("deep.git", "ref.git");
	tmp_run("git -C '%s' -c repack.useDeltaBaseOffset=false repack -q -adf --depth=50 "
	    "--window=250",
	    tmp_path("ref.git"));
	repo_copy("seed.git", "large.git");
	tmp_run("cd '%s' && git index-pack --index-version=2,4096 -o new.idx objects/pack/*.pack "
	    ">/dev/null && mv new.idx objects/pack/*.idx",
	    tmp_path("large.git"));
	repo_copy("seed.git", "mixed.git");
	tmp_run("cd '%s' && printf 'loose one\\n' | git hash-object -w --stdin >/dev/null && "
	    "printf 'loose two\\n' | git hash-object -w --stdin >/dev/null && "
	    "printf 'packed apart\\n' | git hash-object -w --stdin | "
	    "git pack-objects -q objects/pack/pack >/dev/null && "
	    "printf 'packed apart\\n' | git hash-object --stdin | "
	    "sed 's|^\\(..\\)|objects/\\1/|' | xargs rm",
	    tmp_path("mixed.git"));
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

static void test_made(void **state)
{
	(void)state;
	assert_int_equal(compare_repo("made.git", 1), 30);
}

static void test_seed(void **state)
{
	(void)state;
	assert_true(compare_repo("seed.git", 1) > 100);
}

static void test_deep(void **state)
{
	(void)state;
	compare_repo("deep.git", 1);
}

static void test_ref_delta(void **state)
{
	(void)state;
	compare_repo("ref.git", 1);
}

static void test_large_offsets(void **state)
{
	(void)state;
	compare_repo("large.git", 0);
}

static void test_mixed(void **state)
{
	(void)state;
	compare_repo("mixed.git", 0);
}

/* The same with every index read by blocks, as a large archive's is (not mapped). */
static void test_index_by_blocks(void **state)
{
	size_t keep = pack_idx_map_max;

	(void)state;
	pack_idx_map_max = 0;
	compare_repo("deep.git", 0);
	compare_repo("large.git", 0);
	compare_repo("mixed.git", 0);
	pack_idx_map_max = keep;
}

/*
 * Reads every object of deep.git from `damaged`, a copy whose pack was
 * damaged: each read gives the object as it was, or PACK_ERROR (or, for a
 * pack left out, PACK_NOT_FOUND); never anything else, never out of bounds
 * (the check build runs this under ASan).  Returns how many failed.
 */
static size_t read_damaged(const char *damaged)
{
	char objects[600];
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	struct pack_reader *r = NULL;
	struct ids ids = {0};
	git_odb_object *obj;
	struct pack_object po;
	size_t i, failed = 0;
	int status;

	snprintf(objects, sizeof(objects), "%s/objects", tmp_path(damaged));
	check_git(git_repository_open(&repo, tmp_path("deep.git")), "deep.git");
	check_git(git_repository_odb(&odb, repo), "odb");
	check_git(git_odb_foreach(odb, ids_add, &ids), "foreach");
	assert_int_equal(pack_open(&r, objects, NULL), 0);
	for (i = 0; i < ids.nr; i++) {
		check_git(git_odb_read(&obj, odb, &ids.v[i]), "read");
		status = pack_read(&po, r, ids.v[i].id, SIZE_MAX);
		if (status == PACK_OK) {
			assert_int_equal(po.type, git_odb_object_type(obj));
			assert_int_equal(po.size, git_odb_object_size(obj));
			assert_memory_equal(po.data, git_odb_object_data(obj), po.size);
			free(po.data);
		} else {
			assert_true(status == PACK_ERROR || status == PACK_NOT_FOUND);
			failed++;
		}
		git_odb_object_free(obj);
	}
	pack_free(r);
	free(ids.v);
	git_odb_free(odb);
	git_repository_free(repo);
	return failed;
}

static void test_damaged_packs(void **state)
{
	struct stat st;
	const char *pack;
	char cmd[2048];

	(void)state;
	/* Cut to its first half, its checksum kept: the pack is opened. */
	repo_copy("deep.git", "cut.git");
	pack = pack_file("cut.git", "pack");
	assert_int_equal(stat(pack, &st), 0);
	snprintf(cmd, sizeof(cmd),
		 "f='%s'; tail -c 20 \"$f\" > \"$f.sum\" && truncate -s %lld \"$f\" && "
		 "cat \"$f.sum\" >> \"$f\" && rm \"$f.sum\"",
		 pack, (long long)st.st_size / 2);
	tmp_run("%s", cmd);
	assert_true(read_damaged("cut.git") > 0);

	/* Bytes flipped every 997 bytes past the header: deltas and their bases hit. */
	repo_copy("deep.git", "flip.git");
	pack = pack_file("flip.git", "pack");
	tmp_run("python3 -c \"import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); "
	    "[b.__setitem__(i, b[i]^0x5a) for i in range(12, len(b)-20, 997)]; "
	    "open(p,'wb').write(b)\" '%s'",
	    pack);
	assert_true(read_damaged("flip.git") > 0);

	/* A pack that does not match its index is left out: every object not found. */
	repo_copy("deep.git", "stale.git");
	tmp_run("truncate -s 100 '%s'", pack_file("stale.git", "pack"));
	assert_int_equal(read_damaged("deep.git"), 0);
	assert_int_equal(read_damaged("stale.git"), compare_repo("deep.git", 0));
}

/* ---- Through the archive (git.c): what pack.c leaves to libgit2 ---- */

/* The first line of what `cmd` prints, in out[0..size). */
static void capture(char *out, size_t size, const char *cmd)
{
	FILE *f;

	assert_non_null(f = popen(cmd, "r"));
	if (!fgets(out, (int)size, f))
		fail_msg("no output: %s", cmd);
	pclose(f);
	out[strcspn(out, "\n")] = '\0';
}

/*
 * Reads the whole archive at `rel`: the messages up to the error into
 * ids[0..*nr), and the error's message (or "" at the end).
 */
static void read_archive(const char *rel, char ids[][41], size_t *nr, char *err, size_t size)
{
	struct archive *a = NULL;
	struct archive_message m;
	int status;

	*nr = 0;
	err[0] = '\0';
	error_clear();
	if (archive_open(&a, tmp_path(rel)) < 0 || archive_set_window(a, NULL, NULL) < 0) {
		snprintf(err, size, "%s", error_message());
		archive_free(a);
		return;
	}
	while ((status = archive_next(a, &m)) > 0) {
		assert_true(*nr < 512);
		memcpy(ids[(*nr)++], m.id, 41);
	}
	if (status < 0)
		snprintf(err, size, "%s", error_message());
	archive_free(a);
}

/*
 * A message's blob damaged inside the pack (its zlib checksum): pack.c
 * refuses it, libgit2 reads it and fails, and the error names the commit,
 * after every message before it, as with loose objects.
 */
static void test_archive_damaged_blob(void **state)
{
	static char want[512][41], got[512][41];
	char commit[64], blob[64], line[256], cmd[1024], err[1024], prefix[600];
	size_t want_nr, got_nr, i;
	unsigned long long off, len;

	(void)state;
	read_archive("seed.git", want, &want_nr, err, sizeof(err));
	assert_string_equal(err, "");
	assert_true(want_nr > 10);
	repo_copy("seed.git", "badblob.git");
	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse HEAD~5", tmp_path("badblob.git"));
	capture(commit, sizeof(commit), cmd);
	snprintf(cmd, sizeof(cmd), "git -C '%s' rev-parse HEAD~5:m", tmp_path("badblob.git"));
	capture(blob, sizeof(blob), cmd);
	snprintf(cmd, sizeof(cmd), "git verify-pack -v '%s' | grep '^%s '",
		 pack_file("badblob.git", "idx"), blob);
	capture(line, sizeof(line), cmd);
	/* id type size size-in-pack offset [depth base] */
	assert_int_equal(sscanf(line, "%*s %*s %*s %llu %llu", &len, &off), 2);
	tmp_run("f='%s'; chmod u+w \"$f\" && printf '\\377' | dd of=\"$f\" bs=1 seek=%llu "
	    "conv=notrunc 2>/dev/null && printf '\\000' | dd of=\"$f\" bs=1 seek=%llu "
	    "conv=notrunc 2>/dev/null",
	    pack_file("badblob.git", "pack"), off + len - 1, off + len - 2);
	read_archive("badblob.git", got, &got_nr, err, sizeof(err));
	snprintf(prefix, sizeof(prefix), "cannot read commit %s in '%s': ", commit,
		 tmp_path("badblob.git"));
	if (strncmp(err, prefix, strlen(prefix)) != 0)
		fail_msg("error '%s', want '%s...'", err, prefix);
	assert_int_equal(got_nr, want_nr - 6); /* HEAD~5 is the sixth newest */
	for (i = 0; i < got_nr; i++)
		assert_string_equal(got[i], want[i]);
}

/* A packed commit whose m is a tree: libgit2 reads that tree, and says so. */
static void test_archive_m_is_tree(void **state)
{
	static char got[512][41];
	char err[1024], c2[64], want[600], cmd[700];
	size_t got_nr;

	(void)state;
	tmp_run("git init -q --bare '%s' && cd '%s' && "
	    "b=$(printf 'From: A <a@example.org>\\nSubject: ok\\n\\nx\\n' | git hash-object -w "
	    "--stdin) && "
	    "good=$(printf '100644 blob %%s\\tm\\n' \"$b\" | git mktree) && "
	    "inner=$(printf '100644 blob %%s\\tx\\n' \"$b\" | git mktree) && "
	    "bad=$(printf '040000 tree %%s\\tm\\n' \"$inner\" | git mktree) && "
	    "c1=$(echo one | git commit-tree \"$good\") && "
	    "c2=$(echo two | git commit-tree \"$bad\" -p \"$c1\") && "
	    "c3=$(echo three | git commit-tree \"$good\" -p \"$c2\") && "
	    "git update-ref refs/heads/master \"$c3\" && echo \"$c2\" > c2 && git repack -q -adf",
	    tmp_path("tree.git"), tmp_path("tree.git"));
	snprintf(cmd, sizeof(cmd), "cat '%s/c2'", tmp_path("tree.git"));
	capture(c2, sizeof(c2), cmd);
	read_archive("tree.git", got, &got_nr, err, sizeof(err));
	snprintf(want, sizeof(want), "cannot read commit %s in '%s': 'm' is a tree, not a blob", c2,
		 tmp_path("tree.git"));
	assert_string_equal(err, want);
	assert_int_equal(got_nr, 1);
}

/*
 * Packed commits git.c parses itself and commits it leaves to libgit2 (a
 * committer without a time zone), and a merge: each message has its
 * commit's committer time, and the walk follows first parents.
 */
static void test_archive_commit_forms(void **state)
{
	static const char *const commits[] = {
	    /* no time zone: libgit2 parses it */
	    "tree %s\\nauthor A <a@example.org> 1700000001 +0000\\n"
	    "committer C <c@example.org> 1700000001\\n\\none\\n",
	    /* more headers after the committer */
	    "tree %s\\nparent %s\\nauthor A <a@example.org> 1700000002 +0100\\n"
	    "committer C <c@example.org> 1700000002 -0130\\nencoding UTF-8\\n\\ntwo\\n",
	    /* a merge: the first parent is the previous message */
	    "tree %s\\nparent %s\\nparent %s\\nauthor A <a@example.org> 1 +0000\\n"
	    "committer C <c@example.org> 1700000003 +0000\\n\\nthree\\n",
	};
	struct archive *a = NULL;
	struct archive_message m;
	char ids[3][64], fmt[1024];
	int i;

	(void)state;
	tmp_run("git init -q --bare '%s' && cd '%s' && "
	    "b=$(printf 'From: A <a@example.org>\\nSubject: ok\\n\\nx\\n' | git hash-object -w "
	    "--stdin) && "
	    "printf '100644 blob %%s\\tm\\n' \"$b\" | git mktree > tree",
	    tmp_path("forms.git"), tmp_path("forms.git"));
	for (i = 0; i < 3; i++) {
		snprintf(fmt, sizeof(fmt),
			 "cd '%s' && printf '%s' \"$(cat tree)\" %s %s | "
			 "git hash-object -t commit -w --literally --stdin",
			 tmp_path("forms.git"), commits[i], i > 0 ? ids[i - 1] : "",
			 i > 1 ? ids[0] : "");
		capture(ids[i], sizeof(ids[i]), fmt);
	}
	tmp_run("cd '%s' && git update-ref refs/heads/master %s && git repack -q -adf",
	    tmp_path("forms.git"), ids[2]);
	assert_int_equal(archive_open(&a, tmp_path("forms.git")), 0);
	assert_int_equal(archive_set_window(a, NULL, NULL), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(archive_next(a, &m), 1);
		assert_string_equal(m.id, ids[i]);
		assert_int_equal(m.time, 1700000001 + i);
	}
	assert_int_equal(archive_next(a, &m), 0);
	archive_free(a);
}

/* ---- Packs written by hand ---- */

struct bytes {
	unsigned char *v;
	size_t nr, alloc;
};

static void bytes_add(struct bytes *b, const void *data, size_t len)
{
	if (b->nr + len > b->alloc) {
		b->alloc = (b->nr + len) * 2 + 64;
		b->v = realloc(b->v, b->alloc);
		assert_non_null(b->v);
	}
	memcpy(b->v + b->nr, data, len);
	b->nr += len;
}

static void bytes_byte(struct bytes *b, unsigned int c)
{
	unsigned char x = (unsigned char)c;

	bytes_add(b, &x, 1);
}

static void bytes_be32(struct bytes *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 8), (unsigned char)v};

	bytes_add(b, x, 4);
}

/* One entry of a hand-written pack. */
struct entry {
	int type;	  /* 1-4, 6 (OFS: base), 7 (REF: ref), or another (bad) */
	const char *data; /* its data (a delta for 6 and 7), `len` bytes */
	size_t len;
	long size;	    /* the size in its header; -1: len */
	int base;	    /* OFS_DELTA: the entry it is based on */
	int ref;	    /* REF_DELTA: the id (index + 1) of its base */
	int cut;	    /* the zlib stream cut short by this many bytes */
	const char *header; /* these bytes as its header instead */
};

#define ENTRIES_MAX 80

/* Entry i's id: 20 bytes, increasing with i. */
static void entry_id(unsigned char id[20], int i)
{
	memset(id, 0x11, 20);
	id[0] = (unsigned char)(i * 3);
	id[19] = (unsigned char)i;
}

/*
 * Writes dir/objects/pack/pack-x.{pack,idx} holding entries[0..n):
 * offsets past `large` (0: none) in the 8-byte table.
 */
static void pack_write(const char *dir, const struct entry *e, int n, uint64_t large)
{
	struct bytes pack = {0}, idx = {0};
	uint64_t offsets[ENTRIES_MAX], rel;
	unsigned char id[20], z[70000], tmp[16];
	char path[700];
	uLongf zlen;
	size_t size;
	uint32_t nlarge = 0;
	int i, k;
	FILE *f;

	assert_true(n <= ENTRIES_MAX);
	bytes_add(&pack, "PACK", 4);
	bytes_be32(&pack, 2);
	bytes_be32(&pack, (uint32_t)n);
	for (i = 0; i < n; i++) {
		offsets[i] = pack.nr;
		if (e[i].header) {
			bytes_add(&pack, e[i].header, strlen(e[i].header));
		} else {
			size = e[i].size >= 0 ? (size_t)e[i].size : e[i].len;
			bytes_byte(&pack, (unsigned)(e[i].type << 4) | (size & 15) |
					      (size > 15 ? 0x80 : 0));
			for (size >>= 4; size; size >>= 7)
				bytes_byte(&pack, (size & 0x7f) | (size > 0x7f ? 0x80 : 0));
		}
		if (e[i].type == 6 && !e[i].header) {
			rel = offsets[i] - offsets[e[i].base];
			k = 15;
			tmp[k] = rel & 0x7f;
			while (rel >>= 7)
				tmp[--k] = 0x80 | (--rel & 0x7f);
			bytes_add(&pack, tmp + k, (size_t)(16 - k));
		} else if (e[i].type == 7) {
			entry_id(id, e[i].ref - 1);
			bytes_add(&pack, id, 20);
		}
		zlen = sizeof(z);
		assert_int_equal(compress2(z, &zlen, (const Bytef *)e[i].data, e[i].len, 6), Z_OK);
		bytes_add(&pack, z, zlen - (uLongf)e[i].cut);
	}
	bytes_add(&pack, "checksum-of-the-pack", 20);

	bytes_add(&idx, "\377tOc", 4);
	bytes_be32(&idx, 2);
	for (k = 0; k < 256; k++) {
		uint32_t count = 0;

		for (i = 0; i < n; i++)
			count += i * 3 <= k;
		bytes_be32(&idx, count);
	}
	for (i = 0; i < n; i++) {
		entry_id(id, i);
		bytes_add(&idx, id, 20);
	}
	for (i = 0; i < n; i++)
		bytes_be32(&idx, 0);
	for (i = 0; i < n; i++)
		bytes_be32(&idx, large && offsets[i] > large ? 0x80000000u | nlarge++
							     : (uint32_t)offsets[i]);
	for (i = 0; i < n; i++)
		if (large && offsets[i] > large) {
			bytes_be32(&idx, (uint32_t)(offsets[i] >> 32));
			bytes_be32(&idx, (uint32_t)offsets[i]);
		}
	bytes_add(&idx, "checksum-of-the-pack", 20);
	bytes_add(&idx, "checksum-of-the-idx!", 20);

	snprintf(path, sizeof(path), "mkdir -p '%s/objects/pack'", dir);
	tmp_run("%s", path);
	snprintf(path, sizeof(path), "%s/objects/pack/pack-x.pack", dir);
	assert_non_null(f = fopen(path, "wb"));
	fwrite(pack.v, 1, pack.nr, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/objects/pack/pack-x.idx", dir);
	assert_non_null(f = fopen(path, "wb"));
	fwrite(idx.v, 1, idx.nr, f);
	fclose(f);
	free(pack.v);
	free(idx.v);
}

/* A delta: "\x05\x0b" says base 5 bytes, result 11. */
#define D(s) s, sizeof(s) - 1

struct hand_case {
	const char *why;
	struct entry entries[4];
	int n;
	int read;	 /* the entry read */
	size_t max_size; /* 0: SIZE_MAX */
	int status;
	const char *want; /* PACK_OK: the data; PACK_TOO_LARGE: NULL */
	size_t want_size; /* PACK_TOO_LARGE */
};

static const struct hand_case hand_cases[] = {
    {"a blob", {{3, D("hello"), -1}}, 1, 0, 0, PACK_OK, "hello", 0},
    {"an empty blob", {{3, D(""), -1}}, 1, 0, 0, PACK_OK, "", 0},
    {"an OFS_DELTA: copy 5 from 0, insert 6",
     {{3, D("hello"), -1}, {6, D("\x05\x0b\x90\x05\x06 world"), -1, 0}},
     2,
     1,
     0,
     PACK_OK,
     "hello world",
     0},
    {"a REF_DELTA by the base's id",
     {{3, D("hello"), -1}, {7, D("\x05\x0b\x90\x05\x06 world"), -1, 0, 1}},
     2,
     1,
     0,
     PACK_OK,
     "hello world",
     0},
    {"a copy of 0 means 0x10000: past a 5-byte base",
     {{3, D("hello"), -1}, {6, D("\x05\x0b\x80"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"a copy past its base's end",
     {{3, D("hello"), -1}, {6, D("\x05\x05\x91\x03\x05"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"a copy offset far past the base (4 offset bytes)",
     {{3, D("hello"), -1}, {6, D("\x05\x01\x9f\xff\xff\xff\xff\x01"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"the base's size in the delta is not the base's",
     {{3, D("hello"), -1}, {6, D("\x06\x05\x90\x05"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"an insert longer than what is left of the delta",
     {{3, D("hello"), -1}, {6, D("\x05\x0a\x0a abc"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"a result longer than it says",
     {{3, D("hello"), -1}, {6, D("\x05\x04\x90\x05"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"a result shorter than it says",
     {{3, D("hello"), -1}, {6, D("\x05\x09\x90\x05"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"the reserved instruction 0",
     {{3, D("hello"), -1}, {6, D("\x05\x05\x00\x90\x05"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"a copy instruction cut short",
     {{3, D("hello"), -1}, {6, D("\x05\x05\x93\x00"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"a delta header's size varint that never ends",
     {{3, D("hello"), -1}, {6, D("\x85\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80"), -1, 0}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"an entry's size varint that never ends",
     {{3, D("hello"), -1, 0, 0, 0, "\xb5\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"}},
     1,
     0,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"an entry saying 4 bytes, holding 5", {{3, D("hello"), 4}}, 1, 0, 0, PACK_ERROR, NULL, 0},
    {"an entry saying 6 bytes, holding 5", {{3, D("hello"), 6}}, 1, 0, 0, PACK_ERROR, NULL, 0},
    {"a zlib stream cut short",
     {{3, D("hello hello hello"), -1, 0, 0, 4}},
     1,
     0,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"type 5 (reserved)", {{5, D("hello"), -1}}, 1, 0, 0, PACK_ERROR, NULL, 0},
    {"an OFS_DELTA reaching back before the pack",
     {{3, D("hello"), -1}, {6, D("\x05\x05\x90\x05"), -1, 0, 0, 0, "\x65\x7f"}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"an OFS_DELTA distance of 0 (itself)",
     {{3, D("hello"), -1}, {6, D("\x05\x05\x90\x05"), -1, 0, 0, 0, "\x64\x00"}},
     2,
     1,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"REF_DELTAs based on each other",
     {{7, D("\x05\x05\x90\x05"), -1, 0, 2}, {7, D("\x05\x05\x90\x05"), -1, 0, 1}},
     2,
     0,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"a REF_DELTA whose base is in no pack: libgit2's",
     {{7, D("\x05\x05\x90\x05"), -1, 0, 9}},
     1,
     0,
     0,
     PACK_ERROR,
     NULL,
     0},
    {"over max_size: its header's size, nothing inflated",
     {{3, D("hello world"), -1}},
     1,
     0,
     10,
     PACK_TOO_LARGE,
     NULL,
     11},
    {"at max_size", {{3, D("hello world"), -1}}, 1, 0, 11, PACK_OK, "hello world", 0},
    {"a delta over max_size: the result's size, the base's type",
     {{1, D("hello"), -1}, {6, D("\x05\x0b\x90\x05\x06 world"), -1, 0}},
     2,
     1,
     10,
     PACK_TOO_LARGE,
     NULL,
     11},
};

static void test_hand_packs(void **state)
{
	const struct hand_case *c;
	struct pack_reader *r;
	struct pack_object po;
	unsigned char id[20];
	char dir[600], objects[700];
	size_t i;
	int status;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(hand_cases); i++) {
		c = &hand_cases[i];
		snprintf(dir, sizeof(dir), "%s/hand%zu", tmpdir, i);
		pack_write(dir, c->entries, c->n, 0);
		snprintf(objects, sizeof(objects), "%s/objects", dir);
		assert_int_equal(pack_open(&r, objects, NULL), 0);
		if (pack_count(r) != 1)
			fail_msg("%s: the pack was not opened", c->why);
		entry_id(id, c->read);
		status = pack_read(&po, r, id, c->max_size ? c->max_size : SIZE_MAX);
		if (status != c->status)
			fail_msg("%s: status %d, not %d", c->why, status, c->status);
		if (status == PACK_OK) {
			assert_int_equal(po.size, strlen(c->want));
			assert_memory_equal(po.data, c->want, po.size);
			assert_int_equal(po.type, c->entries[0].type);
			free(po.data);
		} else if (status == PACK_TOO_LARGE) {
			assert_int_equal(po.size, c->want_size);
			assert_int_equal(po.type, c->entries[0].type);
		}
		entry_id(id, 40); /* an id of no entry */
		assert_int_equal(pack_read(&po, r, id, SIZE_MAX), PACK_NOT_FOUND);
		pack_free(r);
	}
}

/*
 * Writes DIR/NAME, a pack of a chain of 60 OFS_DELTAs on one blob "x",
 * each adding a letter (entry i is chain_want(i)), all offsets 8-byte
 * ones; its objects directory into objects[size].
 */
static void chain_write(const char *name, char *objects, size_t size)
{
	struct entry e[61];
	static char deltas[60][8];
	char dir[600];
	int i;

	e[0] = (struct entry){3, "x", 1, -1, 0, 0, 0, NULL};
	for (i = 1; i <= 60; i++) {
		/* base i bytes, result i + 1: copy i from 0, insert one letter */
		deltas[i - 1][0] = (char)i;
		deltas[i - 1][1] = (char)(i + 1);
		deltas[i - 1][2] = (char)0x90;
		deltas[i - 1][3] = (char)i;
		deltas[i - 1][4] = 1;
		deltas[i - 1][5] = (char)('a' + i % 26);
		e[i] = (struct entry){6, deltas[i - 1], 6, -1, i - 1, 0, 0, NULL};
	}
	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, name);
	pack_write(dir, e, 61, 1);
	snprintf(objects, size, "%s/objects", dir);
}

/* What entry i of chain_write()'s pack holds: want[0..i]. */
static void chain_want(char *want, int i)
{
	want[0] = 'x';
	for (int k = 1; k <= i; k++)
		want[k] = (char)('a' + k % 26);
}

/* Reads entry i of chain_write()'s pack with r and checks it. */
static void chain_check(struct pack_reader *r, int i)
{
	struct pack_object po;
	unsigned char id[20];
	char want[80];

	chain_want(want, i);
	entry_id(id, i);
	assert_int_equal(pack_read(&po, r, id, SIZE_MAX), PACK_OK);
	assert_int_equal(po.type, PACK_BLOB);
	assert_int_equal(po.size, (size_t)i + 1);
	assert_memory_equal(po.data, want, po.size);
	free(po.data);
}

/* The chain read down and up, every entry: right whatever the cache holds. */
static void test_hand_chain(void **state)
{
	struct pack_reader *r;
	char objects[700];
	int i, pass;

	(void)state;
	chain_write("chain", objects, sizeof(objects));
	assert_int_equal(pack_open(&r, objects, NULL), 0);
	for (pass = 0; pass < 2; pass++)
		for (i = 60; i >= 0; i -= pass ? 1 : 7)
			chain_check(r, i);
	pack_free(r);
}

/*
 * Readers sharing a cache use the bases one another resolved: entry 60
 * read by a second reader inflates its own delta only, where a reader with
 * a cache of its own inflates the whole chain; and the bases outlive the
 * reader that resolved them.
 */
static void test_shared_cache(void **state)
{
	struct pack_reader *a, *b, *own;
	struct pack_cache *cache;
	char objects[700];

	(void)state;
	chain_write("shared", objects, sizeof(objects));
	assert_non_null(cache = pack_cache_new((size_t)1 << 20));
	assert_int_equal(pack_open(&a, objects, cache), 0);
	assert_int_equal(pack_open(&b, objects, cache), 0);
	assert_int_equal(pack_open(&own, objects, NULL), 0);

	chain_check(a, 60);
	assert_int_equal(pack_inflated(a), 61);
	pack_free(a);
	chain_check(b, 60); /* 59 is kept: only 60's delta is inflated */
	assert_int_equal(pack_inflated(b), 1);
	chain_check(b, 30); /* kept as a base: copied, not inflated */
	assert_int_equal(pack_inflated(b), 1);
	chain_check(own, 60);
	assert_int_equal(pack_inflated(own), 61);

	pack_free(b);
	pack_free(own);
	pack_cache_free(cache);
}

struct chain_thread {
	const char *objects;
	struct pack_cache *cache;
	int seed;
	int wrong; /* reads that failed or gave something else */
};

/*
 * Reads entries of the chain at random, many times, counting what is not
 * right (cmocka's asserts are for the test's own thread).
 */
static void *chain_thread_main(void *arg)
{
	struct chain_thread *t = arg;
	struct pack_reader *r;
	struct pack_object po;
	unsigned char id[20];
	uint32_t x = (uint32_t)t->seed;
	char want[80];
	int i;

	if (pack_open(&r, t->objects, t->cache) < 0) {
		t->wrong++;
		return NULL;
	}
	for (int n = 0; n < 2000; n++) {
		x = x * 1103515245u + 12345u;
		i = (int)(x >> 16) % 61;
		chain_want(want, i);
		entry_id(id, i);
		if (pack_read(&po, r, id, SIZE_MAX) != PACK_OK) {
			t->wrong++;
			continue;
		}
		t->wrong += po.size != (size_t)i + 1 || memcmp(po.data, want, po.size) != 0;
		free(po.data);
	}
	pack_free(r);
	return NULL;
}

/*
 * Four threads, each with a reader of its own, share a cache so small
 * that its bases soon leave it: each keeps the base it applies a delta to
 * while the others evict it (the check build runs this under ASan: a base
 * freed under a reader is a use after free).
 */
static void test_shared_cache_threads(void **state)
{
	struct chain_thread t[4];
	pthread_t thread[4];
	struct pack_cache *cache;
	char objects[700];
	int i;

	(void)state;
	chain_write("threads", objects, sizeof(objects));
	assert_non_null(cache = pack_cache_new(160)); /* bases of at most 40 bytes, a few at once */
	for (i = 0; i < 4; i++) {
		t[i] = (struct chain_thread){objects, cache, i + 1, 0};
		assert_int_equal(pthread_create(&thread[i], NULL, chain_thread_main, &t[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(thread[i], NULL);
		assert_int_equal(t[i].wrong, 0);
	}
	pack_cache_free(cache);
}

/* Indexes not of version 2, or not agreeing with their pack: left out. */
static void test_hand_refused(void **state)
{
	struct entry e = {3, "hello", 5, -1, 0, 0, 0, NULL};
	struct pack_reader *r;
	char dir[600], objects[700];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/refused", tmpdir);
	pack_write(dir, &e, 1, 0);
	snprintf(objects, sizeof(objects), "%s/objects", dir);
	/* Version 3 index. */
	tmp_run("printf '\\003' | dd of='%s/pack/pack-x.idx' bs=1 seek=7 conv=notrunc 2>/dev/null",
	    objects);
	assert_int_equal(pack_open(&r, objects, NULL), 0);
	assert_int_equal(pack_count(r), 0);
	pack_free(r);
	/* A pack checksum the index does not record. */
	pack_write(dir, &e, 1, 0);
	tmp_run("printf 'X' | dd of='%s/pack/pack-x.idx' bs=1 seek=1060 conv=notrunc 2>/dev/null",
	    objects);
	assert_int_equal(pack_open(&r, objects, NULL), 0);
	assert_int_equal(pack_count(r), 0);
	pack_free(r);
	/* No pack directory at all. */
	snprintf(objects, sizeof(objects), "%s/nothing", tmpdir);
	assert_int_equal(pack_open(&r, objects, NULL), 0);
	assert_int_equal(pack_count(r), 0);
	pack_free(r);
}

/* ---- The delta format alone ---- */

struct delta_case {
	const char *why;
	const char *delta;
	size_t len;
	int ok;
	const char *want;
};

static const struct delta_case delta_cases[] = {
    {"copy all, insert", D("\x05\x0b\x90\x05\x06 world"), 1, "hello world"},
    {"copy with every offset and size byte", D("\x05\x02\xff\x03\x00\x00\x00\x02\x00\x00"), 1,
     "lo"},
    {"insert only",
     D("\x05\x03\x03"
       "abc"),
     1, "abc"},
    {"empty result", D("\x05\x00"), 1, ""},
    {"nothing at all", D(""), 0, NULL},
    {"the base size only", D("\x05"), 0, NULL},
    {"copy 1 past the end", D("\x05\x02\x91\x04\x02"), 0, NULL},
    {"copy offset wrapping around", D("\x05\x01\x9f\xff\xff\xff\xff\x01"), 0, NULL},
    {"insert past the result",
     D("\x05\x01\x02"
       "ab"),
     0, NULL},
    {"the result over max_size (16)", D("\x05\x11\x11xxxxxxxxxxxxxxxxx"), 0, NULL},
};

static void test_delta_apply(void **state)
{
	const struct delta_case *c;
	size_t i, len;
	char *out;
	int ok;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(delta_cases); i++) {
		c = &delta_cases[i];
		ok = pack_delta_apply(&out, &len, (const unsigned char *)"hello", 5,
				      (const unsigned char *)c->delta, c->len, 16) == 0;
		if (ok != c->ok)
			fail_msg("%s: %s", c->why, ok ? "applied" : "refused");
		if (ok) {
			assert_int_equal(len, strlen(c->want));
			assert_memory_equal(out, c->want, len);
			assert_int_equal(out[len], '\0');
			free(out);
		} else {
			assert_null(out);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_delta_apply),
	    cmocka_unit_test(test_hand_packs),
	    cmocka_unit_test(test_hand_chain),
	    cmocka_unit_test(test_shared_cache),
	    cmocka_unit_test(test_shared_cache_threads),
	    cmocka_unit_test(test_hand_refused),
	    cmocka_unit_test(test_made),
	    cmocka_unit_test(test_seed),
	    cmocka_unit_test(test_deep),
	    cmocka_unit_test(test_ref_delta),
	    cmocka_unit_test(test_large_offsets),
	    cmocka_unit_test(test_mixed),
	    cmocka_unit_test(test_index_by_blocks),
	    cmocka_unit_test(test_damaged_packs),
	    cmocka_unit_test(test_archive_damaged_blob),
	    cmocka_unit_test(test_archive_m_is_tree),
	    cmocka_unit_test(test_archive_commit_forms),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
