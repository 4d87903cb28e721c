/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the mbox splitter (src/archive/mbox.c).  The input is a
 * whole mbox file, plain or gzip-compressed; the reader takes a path, so the
 * input is written to a memory file (memfd_create) and read back through
 * /proc/self/fd/N with archive_open_as(..., "mbox"), archive_set_window()
 * and archive_next() until the end.  Then the window is set again (the
 * reader rewinds) and every message must come back the same.
 *
 * The largest message is lowered to 64 KiB (archive_mbox_message_max, when
 * mbox.c has it) so that inputs that gunzip to more reach the skipping.
 *
 * Checked, besides memory safety and leaks: a failure sets a message; no
 * message has an id or a time; positions increase; a plain (not gzip) file
 * never yields more bytes than it holds; an mbox that yielded a message has
 * an identity ("mbox:..."); after a pass without error, the second pass
 * yields the same messages.
 */
#define _GNU_SOURCE /* memfd_create() */
#include "fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

#include "archive/archive.h"
#include "util/buf.h"
#include "util/error.h"

/* mbox.c's cap (not in a header: tests lower it); weak, so a rename cannot break the build. */
extern size_t archive_mbox_message_max __attribute__((weak));

/* Messages compared between the two passes; more are read, not compared. */
#define FUZZ_MBOX_MAX_COMPARED 64

static int mbox_fd = -1;
static char mbox_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if ((mbox_fd = memfd_create("fuzz-mbox", MFD_CLOEXEC)) < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(mbox_path, sizeof(mbox_path), "/proc/self/fd/%d", mbox_fd);
	if (&archive_mbox_message_max)
		archive_mbox_message_max = (size_t)64 << 10;
	warning_set_quiet(1);
	return 0;
}

static void write_input(const uint8_t *data, size_t size)
{
	size_t done = 0;
	ssize_t n;

	if (ftruncate(mbox_fd, 0) < 0)
		abort();
	while (done < size) {
		if ((n = pwrite(mbox_fd, data + done, size - done, (off_t)done)) <= 0)
			abort();
		done += (size_t)n;
	}
}

struct pass {
	size_t count;
	size_t bytes;
	size_t len[FUZZ_MBOX_MAX_COMPARED];
	uint64_t hash[FUZZ_MBOX_MAX_COMPARED];
	int error; /* the last archive_next() result */
};

static uint64_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static void read_all(struct archive *a, struct pass *p)
{
	struct archive_message am;
	unsigned long last = 0;
	int error;

	memset(p, 0, sizeof(*p));
	while ((error = archive_next(a, &am)) > 0) {
		FUZZ_CHECK(am.raw != NULL || am.len == 0, "raw", NULL, 0, 0);
		FUZZ_CHECK(am.id[0] == '\0' && am.time == 0, "an mbox has no ids or times", NULL, 0,
			   0);
		FUZZ_CHECK(am.position > last, "positions increase", NULL, 0, 0);
		last = am.position;
		if (p->count < FUZZ_MBOX_MAX_COMPARED) {
			p->len[p->count] = am.len;
			p->hash[p->count] = hash_bytes(am.raw, am.len);
		}
		p->count++;
		p->bytes += am.len;
	}
	if (error < 0)
		FUZZ_CHECK(*error_message(), "a failure sets a message", NULL, 0, 0);
	p->error = error;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool initialized;
	struct archive *a = NULL;
	struct pass first, second;
	const char *id;
	bool gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	size_t i;

	if (!initialized) {
		LLVMFuzzerInitialize(NULL, NULL);
		initialized = true;
	}
	write_input(data, size);
	error_clear();
	if (archive_open_as(&a, mbox_path, "mbox") < 0) {
		FUZZ_CHECK(*error_message(), "a failure sets a message", NULL, 0, 0);
		FUZZ_CHECK(a == NULL, "no archive on failure", NULL, 0, 0);
		return 0;
	}
	if (archive_set_window(a, NULL, NULL) < 0)
		goto cleanup;
	read_all(a, &first);
	if (!gzip)
		FUZZ_CHECK(first.bytes <= size, "a plain mbox yields no more than it holds", NULL,
			   0, 0);
	if (first.count > 0) {
		FUZZ_CHECK(archive_root_id(a, &id) == 0 && !strncmp(id, "mbox:", 5),
			   "an mbox with messages has an identity", NULL, 0, 0);
	}

	/* Again from the start: the same messages (zlib will not rewind damaged data). */
	if (first.error < 0)
		goto cleanup;
	error_clear();
	FUZZ_CHECK(archive_set_window(a, NULL, NULL) == 0, "rewinding a file", error_message(),
		   strlen(error_message()), 0);
	read_all(a, &second);
	FUZZ_CHECK(second.count == first.count && second.error == first.error,
		   "the second pass reads as many", NULL, 0, 0);
	for (i = 0; i < first.count && i < FUZZ_MBOX_MAX_COMPARED; i++)
		FUZZ_CHECK(first.len[i] == second.len[i] && first.hash[i] == second.hash[i],
			   "the second pass reads the same", NULL, 0, i);

cleanup:
	archive_free(a);
	return 0;
}
