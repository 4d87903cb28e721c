/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: the whole pipeline for a few messages.  The input is split
 * on the byte 0xFF (never valid in UTF-8, rare in mail) into at most
 * FUZZ_DIGEST_MAX_MESSAGES raw mails; each goes through message_parse(), the
 * in-body From: (author_find_inbody_from, message_parse_address) and
 * digest_add_message() with an in-memory store, as run.c's digest_one()
 * does; then the digest is rendered in every format render_format_names()
 * lists.
 *
 * Checked, besides memory safety: digest_add_message() and digest_finish()
 * (series, replies, applied notices) succeed; the text
 * output (and every other format's) is valid UTF-8 without NUL, and the text
 * output has no terminal control: no Cc character but tab and LF, no bidi
 * control (U+202A-U+202E, U+2066-U+2069).
 */
#include "fuzz.h"

#include "digest/digest.h"
#include "message/message.h"
#include "feed.h"
#include "render/render.h"
#include "state/store.h"
#include "util/buf.h"
#include "util/error.h"

#define FUZZ_DIGEST_MAX_MESSAGES 16
#define FUZZ_DIGEST_SEPARATOR	 0xff

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	message_library_init();
	warning_set_quiet(1);
	return 0;
}

/* As run.c's digest_one(), for a message without a commit (an mbox). */
static void digest_one(struct digest *d, struct store *store, const char *raw, size_t len,
		       unsigned long position, char **list_name)
{
	struct message *m = NULL;
	char *exact = fuzz_copy((const uint8_t *)raw, len);
	struct buf key = BUF_INIT;

	if (message_parse(&m, exact, len) < 0)
		abort(); /* only out of memory fails */
	if (*m->message_id)
		buf_addf(&key, "<%s>", m->message_id);
	else
		buf_addf(&key, "#%lu", position);
	if (!*list_name && *m->list_id)
		*list_name = feed_list_name(m->list_id);
	FUZZ_CHECK(feed_message(d, store, m, key.data, "", m->date) == 0,
		   "feed_message() failed", NULL, 0, 0);
	buf_release(&key);
	message_free(m);
	free(exact);
}

static void render_all(const struct digest *d)
{
	const struct render_options options = {.top = 15, .abbrev = 9};
	char *names = xstrdup(render_format_names()), *name, *save = NULL, *text;
	const struct renderer *r;
	size_t len;
	FILE *out;

	for (name = strtok_r(names, ", ", &save); name; name = strtok_r(NULL, ", ", &save)) {
		r = render_find(name);
		FUZZ_CHECK(r != NULL, "a listed format has a renderer", name, strlen(name), 0);
		text = NULL;
		len = 0;
		if (!(out = open_memstream(&text, &len)))
			abort();
		FUZZ_CHECK(r->render(out, d, &options) == 0, "rendering to memory failed", name,
			   strlen(name), 0);
		if (fclose(out) != 0)
			abort();
		if (!strcmp(name, "text"))
			fuzz_check_printable("text output", text, len);
		else
			fuzz_check_utf8(name, text, len);
		free(text);
	}
	free(names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool initialized;
	const char *raw = (const char *)data, *end = raw + size, *sep;
	struct store *store;
	struct digest d;
	char *list_name = NULL;
	unsigned long n = 0;

	if (!initialized) {
		LLVMFuzzerInitialize(NULL, NULL);
		initialized = true;
	}
	digest_init(&d);
	store = memstate_new();
	while (n < FUZZ_DIGEST_MAX_MESSAGES) {
		sep = memchr(raw, FUZZ_DIGEST_SEPARATOR, (size_t)(end - raw));
		digest_one(&d, store, raw, sep ? (size_t)(sep - raw) : (size_t)(end - raw), ++n,
			   &list_name);
		if (!sep)
			break;
		raw = sep + 1;
	}
	FUZZ_CHECK(digest_finish(&d, store) == 0, "digest_finish() failed", NULL, 0, 0);
	digest_set_window(&d, list_name ? list_name : "fuzz",
			  "0123456789abcdef0123456789abcdef01234567", "2024-01-01T00:00:00Z");
	render_all(&d);

	free(list_name);
	store_free(store);
	digest_release(&d);
	return 0;
}
