/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bare repository's references read as git reads them, for the common
 * cases only (gitdir.h says why).  Every answer is "sure" or "ask
 * libgit2": a reference that is damaged, a symbolic one that leads
 * nowhere, a name git would parse as anything but a name, all go to
 * libgit2, so that what the user sees (the commit, or the message) is what
 * it was before.
 */
#define _POSIX_C_SOURCE 200809L

#include "archive/gitdir.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"

/* A config larger than this is left to libgit2. */
#define GITDIR_CONFIG_MAX ((size_t)64 << 10)
/* So is a packed-refs larger than this. */
#define GITDIR_PACKED_MAX ((size_t)64 << 20)
/* Symbolic references followed (git: 5). */
#define GITDIR_SYMREF_DEPTH 5
/* A loose reference is read up to this many bytes. */
#define GITDIR_LOOSE_MAX 512

enum gitdir_found { GITDIR_FOUND, GITDIR_ABSENT, GITDIR_UNSURE };

/* Reads the whole file at `path` into *out, up to `max` bytes: 1, 0 when absent, -1. */
static int gitdir_slurp(struct buf *out, const char *path, size_t max)
{
	char chunk[8192];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || out->len + (size_t)n > max) {
			close(fd);
			return -1;
		}
		buf_add(out, chunk, (size_t)n);
	}
	close(fd);
	return 1;
}

/* Whether gitdir + rel exists, as lstat() sees it, with `mode` (S_IFDIR, ...; 0: any). */
static int gitdir_has(const char *gitdir, const char *rel, mode_t mode)
{
	struct buf path = BUF_INIT;
	struct stat st;
	int has;

	buf_addf(&path, "%s/%s", gitdir, rel);
	has = lstat(path.data, &st) == 0 && (!mode || (st.st_mode & S_IFMT) == mode);
	buf_release(&path);
	return has;
}

/*
 * Whether the config text s[0..len) is one git.c reads without libgit2:
 * repository format 0 (or none given), no [extensions], no [include] or
 * [includeIf] (which could add either).
 */
static int gitdir_config_plain(const char *s, size_t len)
{
	static const char key[] = "repositoryformatversion";
	const char *p, *end = s + len;
	size_t i, k = strlen(key);

	for (p = s; p < end; p++) {
		if (*p == '[') {
			const char *q = p + 1;

			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if ((size_t)(end - q) >= 7 && !strncasecmp(q, "include", 7))
				return 0;
			if ((size_t)(end - q) >= 10 && !strncasecmp(q, "extensions", 10))
				return 0;
		}
		if ((size_t)(end - p) < k || strncasecmp(p, key, k))
			continue;
		for (i = k; p + i < end && (p[i] == ' ' || p[i] == '\t'); i++)
			;
		if (p + i == end || p[i] != '=')
			return 0;
		for (i++; p + i < end && (p[i] == ' ' || p[i] == '\t'); i++)
			;
		if (p + i == end || p[i] != '0' ||
		    (p + i + 1 < end && isdigit((unsigned char)p[i + 1])))
			return 0;
	}
	return 1;
}

int gitdir_plain(const char *path)
{
	struct buf config = BUF_INIT, file = BUF_INIT;
	struct stat st;
	int plain = 0, got;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return 0; /* libgit2 decides (safe.directory) */
	if (!gitdir_has(path, "HEAD", S_IFREG) || !gitdir_has(path, "objects", S_IFDIR) ||
	    !gitdir_has(path, "refs", S_IFDIR) || gitdir_has(path, "commondir", 0) ||
	    gitdir_has(path, ".git", 0))
		return 0;
	buf_addf(&file, "%s/config", path);
	got = gitdir_slurp(&config, file.data, GITDIR_CONFIG_MAX);
	plain = got == 0 || (got == 1 && gitdir_config_plain(config.data, config.len));
	buf_release(&file);
	buf_release(&config);
	return plain;
}

/* id[0..20) from the 40 hex digits at s: 0, or -1. */
static int gitdir_hex(unsigned char id[20], const char *s)
{
	int i, hi, lo;

	for (i = 0; i < 20; i++) {
		hi = s[2 * i];
		lo = s[2 * i + 1];
		if (!isxdigit(hi) || !isxdigit(lo))
			return -1;
		hi = isdigit(hi) ? hi - '0' : tolower(hi) - 'a' + 10;
		lo = isdigit(lo) ? lo - '0' : tolower(lo) - 'a' + 10;
		id[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/*
 * Whether `name` is a reference name this file looks up itself: letters,
 * digits, '.', '_', '-' and '/' only, no empty component, none starting
 * with '.' or ending with ".lock", not ending with '.'.  Anything else
 * (git's other rules, ^, ~, @{...}, :path) is libgit2's.
 */
static int gitdir_simple_name(const char *name)
{
	const char *p, *component = name;
	size_t len = strlen(name);

	if (len == 0 || len > 1024)
		return 0;
	for (p = name;; p++) {
		if (*p == '/' || *p == '\0') {
			size_t n = (size_t)(p - component);

			if (n == 0 || component[0] == '.' || (n >= 5 && !memcmp(p - 5, ".lock", 5)))
				return 0;
			if (*p == '\0')
				break;
			component = p + 1;
		} else if (!isalnum((unsigned char)*p) && !strchr("._-", *p)) {
			return 0;
		}
	}
	return name[len - 1] != '.';
}

/* The packed-refs file of a lookup, read on first need. */
struct gitdir_packed {
	const char *gitdir;
	struct buf text;
	int state; /* 0 not read, 1 read (text may be empty: no file), -1 unreadable */
};

/* `name` in packed-refs: FOUND with id set, ABSENT, or UNSURE (unreadable, damaged). */
static enum gitdir_found gitdir_packed_lookup(struct gitdir_packed *pk, const char *name,
					      unsigned char id[20])
{
	size_t name_len = strlen(name);
	const char *p, *end, *eol;

	if (pk->state == 0) {
		struct buf path = BUF_INIT;

		buf_addf(&path, "%s/packed-refs", pk->gitdir);
		pk->state = gitdir_slurp(&pk->text, path.data, GITDIR_PACKED_MAX) < 0 ? -1 : 1;
		buf_release(&path);
	}
	if (pk->state < 0)
		return GITDIR_UNSURE;
	end = pk->text.data + pk->text.len;
	for (p = pk->text.data; p < end; p = eol + 1) {
		if (!(eol = memchr(p, '\n', (size_t)(end - p))))
			eol = end;
		if (p == eol || *p == '#' || *p == '^')
			continue;
		if (eol - p < 42 || p[40] != ' ')
			return GITDIR_UNSURE; /* damaged: libgit2's message */
		if ((size_t)(eol - p - 41) == name_len && !memcmp(p + 41, name, name_len))
			return gitdir_hex(id, p) == 0 ? GITDIR_FOUND : GITDIR_UNSURE;
	}
	return GITDIR_ABSENT;
}

/* The reference `name`, loose before packed, symbolic ones followed. */
static enum gitdir_found gitdir_ref(struct gitdir_packed *pk, const char *name,
				    unsigned char id[20], int depth)
{
	struct buf path = BUF_INIT, text = BUF_INIT;
	enum gitdir_found found = GITDIR_UNSURE;
	struct stat st;
	size_t len;
	int got;

	buf_addf(&path, "%s/%s", pk->gitdir, name);
	if (lstat(path.data, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			found = gitdir_packed_lookup(pk, name, id);
		goto cleanup;
	}
	if (S_ISDIR(st.st_mode)) {
		/* refs/remotes/origin when refs/remotes/origin/HEAD is there: not a
		 * loose reference, but packed-refs may have it (git and libgit2 look). */
		found = gitdir_packed_lookup(pk, name, id);
		goto cleanup;
	}
	if (!S_ISREG(st.st_mode) || (got = gitdir_slurp(&text, path.data, GITDIR_LOOSE_MAX)) != 1)
		goto cleanup;
	len = text.len;
	while (len > 0 && isspace((unsigned char)text.data[len - 1]))
		len--;
	if (len == 40 && gitdir_hex(id, text.data) == 0) {
		found = GITDIR_FOUND;
	} else if (len > 5 && !memcmp(text.data, "ref: ", 5) && depth < GITDIR_SYMREF_DEPTH) {
		text.data[len] = '\0';
		if (!strncmp(text.data + 5, "refs/", 5) && gitdir_simple_name(text.data + 5) &&
		    gitdir_ref(pk, text.data + 5, id, depth + 1) == GITDIR_FOUND)
			found = GITDIR_FOUND;
		/* A symbolic reference to nothing (an unborn HEAD): libgit2's. */
	}
cleanup:
	buf_release(&text);
	buf_release(&path);
	return found;
}

/* Whether `name` is one level of capitals and '_' (FETCH_HEAD, ORIG_HEAD, ...). */
static int gitdir_pseudo_ref(const char *name)
{
	return strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == strlen(name);
}

int gitdir_resolve(const char *gitdir, const char *spec, unsigned char id[20])
{
	/* git's ref_rev_parse_rules: "%s", "refs/%s", "refs/tags/%s", ... */
	static const struct {
		const char *before, *after;
	} rules[] = {{"", ""},
		     {"refs/", ""},
		     {"refs/tags/", ""},
		     {"refs/heads/", ""},
		     {"refs/remotes/", ""},
		     {"refs/remotes/", "/HEAD"}};
	struct gitdir_packed pk = {gitdir, BUF_INIT, 0};
	struct buf name = BUF_INIT;
	enum gitdir_found found = GITDIR_ABSENT;
	size_t i;

	if (strlen(spec) == 40 && gitdir_hex(id, spec) == 0)
		return 1;
	if (!gitdir_simple_name(spec) || (strcmp(spec, "HEAD") && gitdir_pseudo_ref(spec)))
		return 0;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]) && found == GITDIR_ABSENT; i++) {
		/* A name of one level is a reference only in refs/ (HEAD aside). */
		if (i == 0 && !strchr(spec, '/') && strcmp(spec, "HEAD"))
			continue;
		buf_reset(&name);
		buf_addf(&name, "%s%s%s", rules[i].before, spec, rules[i].after);
		found = gitdir_ref(&pk, name.data, id, 0);
	}
	buf_release(&name);
	buf_release(&pk.text);
	return found == GITDIR_FOUND;
}
