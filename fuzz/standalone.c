/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The standalone driver (as libgit2's): runs a fuzz target's
 * LLVMFuzzerTestOneInput() once on every file given, or on every file of
 * every directory given (not recursively; names starting with '.' are
 * skipped), in name order, so ordinary CI replays the corpus and the
 * regressions with any compiler, without libFuzzer.  Each input's name is
 * printed before it runs: after a crash, the last name is the culprit.
 *
 *   replay_message fuzz/corpus/message fuzz/regressions/message
 *
 * Exit 0 when every input ran, 1 when a path cannot be read or there was
 * no input at all; a crash ends the process as the sanitizers make it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Weak: a target without LLVMFuzzerInitialize() links too. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Inputs larger than this are refused (libFuzzer writes none this large). */
#define STANDALONE_MAX_INPUT ((size_t)64 << 20)

static int read_file(const char *path, uint8_t **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t alloc = 0, n = 0, got;

	if (!f)
		return -1;
	for (;;) {
		if (n == alloc) {
			uint8_t *grown;

			alloc = alloc ? alloc * 2 : 4096;
			if (alloc > STANDALONE_MAX_INPUT || !(grown = realloc(data, alloc))) {
				errno = EFBIG;
				goto fail;
			}
			data = grown;
		}
		got = fread(data + n, 1, alloc - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		goto fail;
	fclose(f);
	*out = data;
	*len = n;
	return 0;
fail:
	free(data);
	fclose(f);
	return -1;
}

static int run_file(const char *path)
{
	uint8_t *data;
	char *exact;
	size_t len;

	if (read_file(path, &data, &len) < 0) {
		fprintf(stderr, "replay: cannot read '%s': %s\n", path, strerror(errno));
		return -1;
	}
	printf("%s\n", path);
	fflush(stdout);
	/* Exactly `len` bytes, as libFuzzer hands them: ASan sees a read past the end. */
	exact = fuzz_copy(data, len);
	free(data);
	LLVMFuzzerTestOneInput((const uint8_t *)exact, len);
	free(exact);
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every file of `dir` in name order; returns the count, or -1. */
static long run_directory(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, *path;
	size_t n = 0, alloc = 0, i;
	long count = 0;
	struct stat st;

	if (!d) {
		fprintf(stderr, "replay: cannot read '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == alloc) {
			alloc = alloc ? alloc * 2 : 64;
			if (!(names = realloc(names, alloc * sizeof(*names))))
				abort();
		}
		if (!(names[n++] = strdup(e->d_name)))
			abort();
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), compare_names);
	for (i = 0; i < n; i++) {
		if (!(path = malloc(strlen(dir) + strlen(names[i]) + 2)))
			abort();
		sprintf(path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path) < 0)
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	long total = 0, count;
	struct stat st;
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIRECTORY...\n", argv[0]);
		return 1;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: cannot read '%s': %s\n", argv[i], strerror(errno));
			failed = 1;
			continue;
		}
		if (S_ISDIR(st.st_mode))
			count = run_directory(argv[i]);
		else
			count = run_file(argv[i]) < 0 ? -1 : 1;
		if (count < 0)
			failed = 1;
		else
			total += count;
	}
	if (!failed && total == 0) {
		fprintf(stderr, "replay: no input in the paths given\n");
		failed = 1;
	}
	printf("replay: %ld inputs ran%s\n", total, failed ? ", some paths could not be read" : "");
	return failed;
}
