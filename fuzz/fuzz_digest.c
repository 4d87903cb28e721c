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
 * Checked, besides memory safety: digest_add_message() succeeds; the text
 * output (and every other format's) is valid UTF-8 without NUL, and the text
 * output has no terminal control: no Cc character but tab and LF, no bidi
 * control (U+202A-U+202E, U+2066-U+2069).
 */
#include "fuzz.h"

#include "digest/digest.h"
#include "message/message.h"
#include "patch/author.h"
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

/* As run.c's list_name_from_list_id(): "KVM list <kvm.vger.kernel.org>" -> "kvm". */
static char *list_name_from_list_id(const char *list_id)
{
	const char *lt = strrchr(list_id, '<'), *s, *end;

	s = lt ? lt + 1 : list_id;
	while (*s == ' ')
		s++;
	end = s;
	while (*end && *end != '.' && *end != '>' && *end != ' ')
		end++;
	return end > s ? xmemdupz(s, (size_t)(end - s)) : NULL;
}

/* As run.c's digest_one(), for a message without a commit (an mbox). */
static void digest_one(struct digest *d, struct store *store, const char *raw, size_t len,
		       unsigned long position, char **list_name)
{
	struct message *m = NULL;
	struct inbody_from ib;
	char *ib_name = NULL, *ib_addr = NULL, *exact = fuzz_copy((const uint8_t *)raw, len);
	struct buf key = BUF_INIT;
	struct digest_message dm;

	if (message_parse(&m, exact, len) < 0)
		abort(); /* only out of memory fails */
	memset(&dm, 0, sizeof(dm));
	dm.date = m->date;
	if (*m->message_id)
		buf_addf(&key, "<%s>", m->message_id);
	else
		buf_addf(&key, "#%lu", position);
	dm.key = key.data;
	dm.commit = "";
	dm.message_id = m->message_id;
	dm.subject = m->subject;
	dm.from_name = m->from_name;
	dm.from_addr = m->from_addr;
	dm.author_name = m->from_name;
	dm.author_addr = m->from_addr;
	dm.body = m->body;
	dm.body_len = m->body_len;
	if (author_find_inbody_from(m->body, m->body_len, &ib)) {
		dm.inbody_from_off = ib.line_off;
		dm.inbody_from_len = ib.line_len;
		if (message_parse_address(m->body + ib.value_off, ib.value_len, &ib_name,
					  &ib_addr) == 0 &&
		    *ib_addr) {
			dm.author_name = ib_name;
			dm.author_addr = ib_addr;
		}
	}
	if (!*list_name && *m->list_id)
		*list_name = list_name_from_list_id(m->list_id);
	FUZZ_CHECK(digest_add_message(d, store, &dm) == 0, "digest_add_message() failed", NULL, 0,
		   0);
	buf_release(&key);
	free(ib_name);
	free(ib_addr);
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

	for (name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
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
	digest_set_window(&d, list_name ? list_name : "fuzz",
			  "0123456789abcdef0123456789abcdef01234567", "2024-01-01T00:00:00Z");
	render_all(&d);

	free(list_name);
	store_free(store);
	digest_release(&d);
	return 0;
}
