/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: one raw mail through message_parse() (src/message/message.h,
 * GMime), then what run.c does with its body: author_find_inbody_from()
 * (src/patch/author.h), message_parse_address() on the in-body From:
 * value, body_append_shown() (src/patch/body.h).  message_parse_address()
 * also gets the first line of the raw input, as a From: value.
 *
 * Checked, besides memory safety:
 *  - every field of the message is valid UTF-8 (no NUL), never NULL, and
 *    strlen(body) == body_len;
 *  - the in-body From: spans lie inside the body, the value inside the line;
 *  - the name and address of message_parse_address() are valid UTF-8;
 *  - the shown body is valid UTF-8 without terminal controls (Cc but tab
 *    and LF, bidi controls) and without a trailing newline.
 */
#include "fuzz.h"

#include "message/message.h"
#include "patch/author.h"
#include "patch/body.h"
#include "patch/subject.h"
#include "util/buf.h"
#include "util/error.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	message_library_init();
	warning_set_quiet(1);
	return 0;
}

/* Parses value[0..len) from an exact copy: a read past `len` is caught. */
static void check_address(const char *value, size_t len)
{
	char *name = NULL, *addr = NULL, *exact = fuzz_copy((const uint8_t *)value, len);

	if (message_parse_address(exact, len, &name, &addr) == 0) {
		fuzz_check_string("address name", name);
		fuzz_check_string("address", addr);
		free(name);
		free(addr);
	} else {
		FUZZ_CHECK(!name && !addr, "a failed parse sets nothing", NULL, 0, 0);
	}
	free(exact);
}

static void check_body(const struct message *m)
{
	struct inbody_from ib = {0, 0, 0, 0};
	struct buf shown = BUF_INIT;
	bool found;

	found = author_find_inbody_from(m->body, m->body_len, &ib);
	if (found) {
		FUZZ_CHECK(ib.line_off <= m->body_len && ib.line_len <= m->body_len - ib.line_off,
			   "in-body From: line inside the body", m->body, m->body_len, ib.line_off);
		FUZZ_CHECK(
		    ib.value_off >= ib.line_off && ib.value_off <= ib.line_off + ib.line_len &&
			ib.value_len <= ib.line_off + ib.line_len - ib.value_off,
		    "in-body From: value inside its line", m->body, m->body_len, ib.value_off);
		check_address(m->body + ib.value_off, ib.value_len);
	}

	body_append_shown(&shown, m->body, m->body_len, ib.line_off, found ? ib.line_len : 0);
	FUZZ_CHECK(strlen(shown.data) == shown.len, "NUL in the shown body", shown.data, shown.len,
		   strlen(shown.data));
	fuzz_check_printable("shown body", shown.data, shown.len);
	FUZZ_CHECK(!shown.len || shown.data[shown.len - 1] != '\n', "shown body ends with LF",
		   shown.data, shown.len, shown.len - 1);
	buf_release(&shown);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool initialized;
	struct message *m = NULL;
	struct buf subject = BUF_INIT;
	struct patch_subject ps;
	char *raw;
	const char *nl;

	if (!initialized) {
		LLVMFuzzerInitialize(NULL, NULL);
		initialized = true;
	}
	raw = fuzz_copy(data, size);
	if (message_parse(&m, raw, size) < 0)
		abort(); /* only out of memory fails */

	fuzz_check_string("subject", m->subject);
	fuzz_check_string("from_name", m->from_name);
	fuzz_check_string("from_addr", m->from_addr);
	fuzz_check_string("message_id", m->message_id);
	fuzz_check_string("in_reply_to", m->in_reply_to);
	fuzz_check_string("references", m->references);
	fuzz_check_string("list_id", m->list_id);
	FUZZ_CHECK(m->body != NULL, "body", NULL, 0, 0);
	FUZZ_CHECK(strlen(m->body) == m->body_len, "strlen(body) == body_len", m->body, m->body_len,
		   strlen(m->body));
	fuzz_check_utf8("body", m->body, m->body_len);

	check_body(m);

	/* What digest_add_message() does with the subject. */
	subject_clean(m->subject, strlen(m->subject), &subject);
	subject_parse(&ps, subject.data, subject.len);
	buf_release(&subject);

	/* The first line of the input as a header value. */
	nl = size ? memchr(raw, '\n', size) : NULL;
	check_address(raw, nl ? (size_t)(nl - raw) : size);

	message_free(m);
	free(raw);
	return 0;
}
