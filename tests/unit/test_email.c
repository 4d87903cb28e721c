/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * email_write() (--format email), read back with GMime: the headers, the
 * parts, and each part equal, once decoded, to what was given byte for
 * byte.  The text digest of the seed window is one of the texts (found
 * through $MLDIGEST_TEST_DATA, "tests/data" by default).
 */
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

#include <gmime/gmime.h>

#include "message/email.h"
#include "message/message.h"

struct email_case {
	const char *text;
	const char *attach_format; /* NULL: no second part */
	const char *attach;
	const char *encoding; /* of the text part: "7bit" or "quoted-printable" */
	const char *why;
};

/* clang-format off */
static const struct email_case cases[] = {
	{"From 8f7de36f8 to 88889df72\nKVM mailing list update\n", NULL, NULL, "quoted-printable",
	 "a line starting 'From ' would become '>From ' in an mbox: encoded"},
	{"KVM mailing list update\n\nplain ASCII\n", NULL, NULL, "7bit",
	 "plain ASCII travels as it is"},
	{"Top\n      5  Ren\xc3\xa9 M\xc3\xbcller <r@example.org>\n", NULL, NULL, "quoted-printable",
	 "UTF-8 names: quoted-printable"},
	{"trailing space \nand tab\t\nx = y\n", NULL, NULL, "quoted-printable",
	 "white space at a line's end would be lost in transit; '=' is encoded"},
	{"title\nFrom the start of a line, twice\nFrom \n", NULL, NULL, "quoted-printable",
	 "every 'From ' line, even a short one"},
	{"title\n"
	 "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567"
	 "8901234567890123456789012345678901234567890123456789From 0123456789 \xc3\xa9\xc3\xa9\xc3"
	 "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 end\n",
	 NULL, NULL, "quoted-printable",
	 "a long line is broken softly; 'From ' after a soft break is encoded too"},
	{"no newline at the end \xc3\xa9", NULL, NULL, "quoted-printable",
	 "a text without a final newline keeps it so"},
	{"plain ASCII, no newline at the end", NULL, NULL, "quoted-printable",
	 "no final newline: a soft break ends the encoded text"},
	{"From a to b\nKVM\n", "html", "<!DOCTYPE html>\n<p>Ren\xc3\xa9</p>\nFrom here\n", NULL,
	 "an html attachment: multipart/mixed, text/html, digest.html"},
	{"KVM\n", "json", "{\"list\": \"KVM\"}\n", NULL, "a json attachment: application/json"},
};
/* clang-format on */

/* The decoded content of a part, NUL-terminated (g_free). */
static char *part_content(GMimeObject *object, size_t *len)
{
	GMimeDataWrapper *content = g_mime_part_get_content(GMIME_PART(object));
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *bytes;
	char *s;

	assert_non_null(content);
	g_mime_data_wrapper_write_to_stream(content, mem);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*len = bytes->len;
	s = g_malloc(bytes->len + 1);
	memcpy(s, bytes->data, bytes->len);
	s[bytes->len] = '\0';
	g_object_unref(mem);
	return s;
}

static void check_part(GMimeObject *object, const char *type, const char *want, size_t want_len,
		       const char *encoding, const char *why)
{
	GMimeContentType *ct = g_mime_object_get_content_type(object);
	char *got, *mime_type = g_mime_content_type_get_mime_type(ct);
	size_t len;

	if (strcmp(mime_type, type))
		fail_msg("%s: part is %s, want %s", why, mime_type, type);
	g_free(mime_type);
	if (strcmp(g_mime_content_type_get_parameter(ct, "charset"), "utf-8"))
		fail_msg("%s: charset is not utf-8", why);
	if (encoding && strcmp(g_mime_content_encoding_to_string(g_mime_part_get_content_encoding(
				   GMIME_PART(object))),
			       encoding))
		fail_msg("%s: encoding is not %s", why, encoding);
	got = part_content(object, &len);
	if (len != want_len || memcmp(got, want, len))
		fail_msg("%s: the decoded part differs from the text (%zu bytes, want %zu)", why,
			 len, want_len);
	g_free(got);
}

/* The raw message: 7-bit, lines of at most 998 bytes, no body line "From ". */
static void check_raw(const char *raw, size_t len, const char *why)
{
	size_t i, line = 0;

	for (i = 0; i < len; i++) {
		if ((unsigned char)raw[i] >= 0x80 || raw[i] == '\0' || raw[i] == '\r')
			fail_msg("%s: byte %zu is not 7-bit text", why, i);
		if (raw[i] == '\n')
			line = i + 1;
		else if (i - line >= 998)
			fail_msg("%s: a line over 998 bytes", why);
		if (i == line && i > 0 && len - i >= 5 && !memcmp(raw + i, "From ", 5))
			fail_msg("%s: a line starts with 'From '", why);
	}
}

static void check_email(const char *text, size_t text_len, const char *attach_format,
			const char *attach, const char *encoding, const char *why)
{
	struct email e = {
	    .from = "KVM digest <digest@example.org>",
	    .to = "kvm@example.org, \"Doe, Jane\" <jane@example.net>",
	    .subject = "KVM mailing list update from 8f7de36f8 to 88889df72 \xe2\x80\x94 R\xc3\xa9sum\xc3\xa9",
	    .date = 1769500000,
	    .text = text,
	    .text_len = text_len,
	    .attach_format = attach_format,
	    .attach = attach,
	    .attach_len = attach ? strlen(attach) : 0,
	};
	char *raw = NULL;
	size_t raw_len = 0;
	FILE *out = open_memstream(&raw, &raw_len);
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeObject *body;
	InternetAddressList *to;
	GDateTime *date;
	const char *id;
	char *from;

	assert_non_null(out);
	assert_int_equal(email_write(out, &e), 0);
	assert_int_equal(fclose(out), 0);
	check_raw(raw, raw_len, why);

	stream = g_mime_stream_mem_new_with_buffer(raw, raw_len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	assert_non_null(msg);

	assert_string_equal(g_mime_message_get_subject(msg), e.subject);
	from = internet_address_list_to_string(g_mime_message_get_from(msg), NULL, FALSE);
	assert_string_equal(from, "KVM digest <digest@example.org>");
	g_free(from);
	to = g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO);
	assert_int_equal(internet_address_list_length(to), 2);
	assert_string_equal(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(
				internet_address_list_get_address(to, 1))),
			    "jane@example.net");
	date = g_mime_message_get_date(msg);
	assert_non_null(date);
	assert_int_equal(g_date_time_to_unix(date), e.date);
	id = g_mime_message_get_message_id(msg);
	assert_non_null(id);
	assert_non_null(strstr(id, "@example.org"));
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(msg), "Auto-Submitted"),
			    "auto-generated");
	assert_string_equal(g_mime_object_get_header(GMIME_OBJECT(msg), "MIME-Version"), "1.0");

	body = g_mime_message_get_mime_part(msg);
	if (!attach_format) {
		assert_true(GMIME_IS_PART(body));
		check_part(body, "text/plain", text, text_len, encoding, why);
	} else {
		GMimeMultipart *mixed = GMIME_MULTIPART(body);
		GMimeObject *second;
		char name[32];

		assert_true(GMIME_IS_MULTIPART(body));
		assert_string_equal(g_mime_content_type_get_media_subtype(
					g_mime_object_get_content_type(body)),
				    "mixed");
		assert_int_equal(g_mime_multipart_get_count(mixed), 2);
		check_part(g_mime_multipart_get_part(mixed, 0), "text/plain", text, text_len,
			   NULL, why);
		second = g_mime_multipart_get_part(mixed, 1);
		check_part(second, email_format_type(attach_format), attach, strlen(attach), NULL,
			   why);
		assert_string_equal(g_mime_object_get_disposition(second), "attachment");
		snprintf(name, sizeof(name), "digest.%s",
			 !strcmp(attach_format, "text") ? "txt" : attach_format);
		assert_string_equal(g_mime_part_get_filename(GMIME_PART(second)), name);
	}
	g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(stream);
	free(raw);
}

static void test_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		check_email(cases[i].text, strlen(cases[i].text), cases[i].attach_format,
			    cases[i].attach, cases[i].encoding, cases[i].why);
}

/* The seed window's text digest, as --format email sends it, with itself attached. */
static void test_seed_digest(void **state)
{
	const char *data = getenv("MLDIGEST_TEST_DATA");
	char path[4096], *text = NULL;
	size_t len = 0, n;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/seed-window/expected.txt", data ? data : "tests/data");
	f = fopen(path, "rb");
	if (!f)
		skip();
	text = malloc(1 << 20);
	assert_non_null(text);
	while ((n = fread(text + len, 1, (1 << 20) - 1 - len, f)) > 0)
		len += n;
	fclose(f);
	text[len] = '\0';
	check_email(text, len, NULL, NULL, "quoted-printable", "the seed's digest");
	check_email(text, len, "text", text, NULL, "the seed's digest attached to itself");
	free(text);
}

static void test_check_addresses(void **state)
{
	(void)state;
	assert_int_equal(email_check_addresses("a@example.org"), 0);
	assert_int_equal(email_check_addresses("A <a@example.org>, \"B, C\" <b@example.org>"), 0);
	assert_int_equal(email_check_addresses("Ren\xc3\xa9 <r@example.org>"), 0);
	assert_int_equal(email_check_addresses(""), -1);
	assert_int_equal(email_check_addresses("nobody"), -1);
	assert_int_equal(email_check_addresses("a@example.org, nobody"), -1);
}

static void test_versions(void **state)
{
	(void)state;
	assert_true(strlen(message_library_version()) >= 5);
	assert_int_equal(strncmp(message_library_version(), "3.", 2), 0);
}

static int setup(void **state)
{
	(void)state;
	message_library_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	message_library_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_seed_digest),
	    cmocka_unit_test(test_check_addresses),
	    cmocka_unit_test(test_versions),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
