/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * message_diff: reads mail both ways message.c can (its fast path, and
 * GMime's parser for everything) and fails when any field of any mail
 * differs.  Arguments are files of one raw mail each, directories of them,
 * or, after --archive, an archive (git, mbox, Maildir) read whole.
 *
 *   message_diff [FILE|DIR]... [--archive ARCHIVE]...
 *
 * Prints "N mails, N by the fast path, N differ" and exits 1 when one did.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive/archive.h"
#include "message/message.h"
#include "util/buf.h"
#include "util/error.h"

static unsigned long mails, differ;

static int field_differs(const char *what, const char *name, const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 0;
	fprintf(stderr, "%s: %s differs:\n  fast:  '%.300s'\n  gmime: '%.300s'\n", what, name,
		a, b);
	return 1;
}

/* Parses raw[0..len) both ways and compares every field. */
static void compare(const char *what, const char *raw, size_t len)
{
	struct message *fast = NULL, *slow = NULL;
	int bad = 0;

	message_fast_path = 1;
	message_parse(&fast, raw, len);
	message_fast_path = 0;
	message_parse(&slow, raw, len);
	message_fast_path = 1;
	mails++;
	bad |= field_differs(what, "subject", fast->subject, slow->subject);
	bad |= field_differs(what, "from_name", fast->from_name, slow->from_name);
	bad |= field_differs(what, "from_addr", fast->from_addr, slow->from_addr);
	bad |= field_differs(what, "message_id", fast->message_id, slow->message_id);
	bad |= field_differs(what, "in_reply_to", fast->in_reply_to, slow->in_reply_to);
	bad |= field_differs(what, "references", fast->references, slow->references);
	bad |= field_differs(what, "list_id", fast->list_id, slow->list_id);
	bad |= field_differs(what, "original_from", fast->original_from, slow->original_from);
	bad |= field_differs(what, "reply_to", fast->reply_to, slow->reply_to);
	if (fast->date != slow->date) {
		fprintf(stderr, "%s: date differs: %lld %lld\n", what, (long long)fast->date,
			(long long)slow->date);
		bad = 1;
	}
	if (fast->body_len != slow->body_len || memcmp(fast->body, slow->body, fast->body_len)) {
		fprintf(stderr, "%s: body differs (%zu and %zu bytes)\n", what, fast->body_len,
			slow->body_len);
		bad = 1;
	}
	differ += bad;
	message_free(fast);
	message_free(slow);
}

static void compare_file(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *fp = fopen(path, "rb");

	if (!fp) {
		perror(path);
		exit(2);
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, n);
	fclose(fp);
	compare(path, b.data, b.len);
	buf_release(&b);
}

static void compare_path(const char *path)
{
	struct stat st;
	struct dirent *e;
	struct buf sub = BUF_INIT;
	DIR *d;

	if (stat(path, &st) < 0) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		compare_file(path);
		return;
	}
	if (!(d = opendir(path))) {
		perror(path);
		exit(2);
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		buf_reset(&sub);
		buf_addf(&sub, "%s/%s", path, e->d_name);
		compare_path(sub.data);
	}
	closedir(d);
	buf_release(&sub);
}

static void compare_archive(const char *path)
{
	struct archive *a = NULL;
	struct archive_message am;
	char what[128];
	int error;

	if ((error = archive_open(&a, path)) < 0 || (error = archive_set_window(a, NULL, NULL)) < 0)
		goto fail;
	while ((error = archive_next(a, &am)) > 0) {
		snprintf(what, sizeof(what), "%s #%lu %s", path, am.position, am.id);
		compare(what, am.raw, am.len);
	}
	if (error < 0)
		goto fail;
	archive_free(a);
	return;
fail:
	fprintf(stderr, "message_diff: %s\n", error_message());
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long hits_before;
	int i;

	message_library_init();
	warning_set_quiet(1);
	hits_before = message_fast_path_hits;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--archive") && i + 1 < argc)
			compare_archive(argv[++i]);
		else
			compare_path(argv[i]);
	}
	printf("%lu mails, %lu by the fast path, %lu differ\n", mails,
	       message_fast_path_hits - hits_before, differ);
	archive_library_shutdown();
	message_library_shutdown();
	return differ ? 1 : 0;
}
