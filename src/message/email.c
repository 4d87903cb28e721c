/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The digest as one RFC 5322 message (email.h), built with GMime: headers
 * From, To, Subject, Date, Message-ID, MIME-Version and Auto-Submitted
 * (RFC 3834: made by a program, so vacation responders keep quiet); a
 * text/plain part in UTF-8 with the text digest; and, with --attach, the
 * digest in another format as a second part.
 *
 * Why multipart/mixed and not alternative: the formats are not the same
 * content twice.  markdown, html and json carry more than the text digest
 * (series, replies, links), a mail client shown multipart/alternative would
 * hide the text behind the html, and json is no alternative to read at all.
 * So the text is the message people read in any client, and the other
 * format comes with it as an attachment (an html page opens in a browser).
 */
#include "message/email.h"

#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "util/buf.h"
#include "util/error.h"

/* Lines longer than this cannot travel as 7bit (RFC 5322 2.1.1). */
#define EMAIL_MAX_LINE 998
/* Quoted-printable lines, "=" of a soft break included (RFC 2045 6.7). */
#define EMAIL_QP_LINE 76

const char *message_library_version(void)
{
	static char version[32];

	snprintf(version, sizeof(version), "%u.%u.%u", gmime_major_version, gmime_minor_version,
		 gmime_micro_version);
	return version;
}

/* How each format travels: its MIME type and file name extension. */
static const struct email_format {
	const char *format, *type, *extension;
} email_formats[] = {
    {"text", "text/plain", "txt"},
    {"html", "text/html", "html"},
    {"markdown", "text/markdown", "md"},
    {"json", "application/json", "json"},
    {NULL, "application/octet-stream", "bin"},
};

static const struct email_format *email_format_find(const char *format)
{
	const struct email_format *f = email_formats;

	while (f->format && strcmp(f->format, format))
		f++;
	return f;
}

const char *email_format_type(const char *format)
{
	return email_format_find(format)->type;
}

/* True when text[0..len) cannot travel as 7bit as it is. */
static int email_needs_encoding(const char *text, size_t len)
{
	size_t i, line_start = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x80 || c == '\0' || c == '\r')
			return 1;
		if (i == line_start && len - i >= 5 && !memcmp(text + i, "From ", 5))
			return 1;
		if (c == '\n') {
			if (i > line_start && (text[i - 1] == ' ' || text[i - 1] == '\t'))
				return 1;
			line_start = i + 1;
		} else if (i - line_start >= EMAIL_MAX_LINE) {
			return 1;
		}
	}
	/* A text without a final newline ends with a soft break (quoted-printable). */
	return len > 0 && text[len - 1] != '\n';
}

/*
 * Quoted-printable, as GMime's encoder writes it but for one thing: a line
 * starting "From " has its F encoded, so that mbox delivery does not make
 * it ">From " (GMime leaves it).  Line ends stay LF; 8-bit bytes, '=',
 * controls and white space at a line's end are encoded; a text that does
 * not end with a newline ends with a soft break.
 */
static void email_quoted_printable(struct buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, col = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int at_end = i + 1 == len || s[i + 1] == '\n';
		int encode = c == '=' || c >= 0x7f || (c < 0x20 && c != '\t' && c != '\n') ||
			     ((c == ' ' || c == '\t') && at_end) ||
			     (col == 0 && len - i >= 5 && !memcmp(s + i, "From ", 5));

		if (c == '\n') {
			buf_addch(out, '\n');
			col = 0;
			continue;
		}
		/* Room for this and for a soft break's '=' unless the line ends here. */
		if (col + (encode ? 3 : 1) > EMAIL_QP_LINE - (at_end ? 0 : 1)) {
			buf_addstr(out, "=\n");
			col = 0;
			encode |= len - i >= 5 && !memcmp(s + i, "From ", 5);
		}
		if (encode) {
			buf_addch(out, '=');
			buf_addch(out, hex[c >> 4]);
			buf_addch(out, hex[c & 15]);
			col += 3;
		} else {
			buf_addch(out, c);
			col++;
		}
	}
	/* No final newline: a soft break, so that the decoded text has none either. */
	if (len > 0 && s[len - 1] != '\n')
		buf_addstr(out, "=\n");
}

/* A part holding data[0..len) (copied), of type `type`, UTF-8 when text. */
static GMimePart *email_part(const char *type, const char *data, size_t len,
			     GMimeContentEncoding encoded)
{
	GMimeContentType *ct = g_mime_content_type_parse(NULL, type);
	GMimePart *part;
	GMimeStream *stream;
	GMimeDataWrapper *content;

	part = g_mime_part_new_with_type(g_mime_content_type_get_media_type(ct),
					 g_mime_content_type_get_media_subtype(ct));
	g_object_unref(ct);
	if (!strncmp(type, "text/", 5) || !strcmp(type, "application/json"))
		g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "charset", "utf-8");
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	/* Data already encoded (`encoded`) is written as it is. */
	content = g_mime_data_wrapper_new_with_stream(stream, encoded);
	g_mime_part_set_content(part, content);
	if (encoded != GMIME_CONTENT_ENCODING_DEFAULT)
		g_mime_part_set_content_encoding(part, encoded);
	g_object_unref(content);
	g_object_unref(stream);
	return part;
}

/* A part of UTF-8 text: 7bit when it can be, else quoted-printable (qp: scratch). */
static GMimePart *email_text_part(struct buf *qp, const char *type, const char *s, size_t len)
{
	if (!email_needs_encoding(s, len))
		return email_part(type, s, len, GMIME_CONTENT_ENCODING_7BIT);
	buf_reset(qp);
	email_quoted_printable(qp, s, len);
	return email_part(type, qp->data, qp->len, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
}

/* Parses `value` into `list`; returns the number of addresses added. */
static int email_add_addresses(InternetAddressList *list, const char *value)
{
	InternetAddressList *parsed = internet_address_list_parse(NULL, value);
	int n;

	if (!parsed)
		return 0;
	n = internet_address_list_length(parsed);
	internet_address_list_append(list, parsed);
	g_object_unref(parsed);
	return n;
}

int email_check_addresses(const char *value)
{
	InternetAddressList *list = internet_address_list_parse(NULL, value);
	int i, n, ok;

	if (!list)
		return -1;
	n = internet_address_list_length(list);
	ok = n > 0;
	for (i = 0; ok && i < n; i++) {
		InternetAddress *a = internet_address_list_get_address(list, i);

		ok = INTERNET_ADDRESS_IS_MAILBOX(a) &&
		     strchr(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)), '@');
	}
	g_object_unref(list);
	return ok ? 0 : -1;
}

/* The domain of the first From: address, for the Message-ID; "localhost" else. */
static char *email_id_domain(GMimeMessage *msg)
{
	InternetAddressList *from = g_mime_message_get_from(msg);
	InternetAddress *a;
	const char *addr, *at;

	if (internet_address_list_length(from) > 0) {
		a = internet_address_list_get_address(from, 0);
		if (INTERNET_ADDRESS_IS_MAILBOX(a)) {
			addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
			if ((at = strrchr(addr, '@')) && at[1])
				return xstrdup(at + 1);
		}
	}
	return xstrdup("localhost");
}

int email_write(FILE *out, const struct email *e)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimePart *text, *attach = NULL;
	GMimeMultipart *mixed = NULL;
	GDateTime *date;
	struct buf qp = BUF_INIT;
	char *domain, *id, *bytes;
	size_t len;
	int error = 0;

	email_add_addresses(g_mime_message_get_from(msg), e->from);
	email_add_addresses(g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), e->to);
	g_mime_message_set_subject(msg, e->subject, "utf-8");
	date = g_date_time_new_from_unix_local(e->date);
	g_mime_message_set_date(msg, date);
	g_date_time_unref(date);
	domain = email_id_domain(msg);
	id = g_mime_utils_generate_message_id(domain);
	g_mime_message_set_message_id(msg, id);
	g_free(id);
	free(domain);
	g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted", "auto-generated", NULL);

	text = email_text_part(&qp, "text/plain", e->text, e->text_len);
	if (!e->attach_format) {
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(text));
	} else {
		attach = email_text_part(&qp, email_format_type(e->attach_format), e->attach,
					 e->attach_len);
		g_mime_object_set_disposition(GMIME_OBJECT(attach), "attachment");
		if (e->attach_name) {
			g_mime_part_set_filename(attach, e->attach_name);
		} else {
			char name[32];

			snprintf(name, sizeof(name), "digest.%s",
				 email_format_find(e->attach_format)->extension);
			g_mime_part_set_filename(attach, name);
		}
		mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, GMIME_OBJECT(text));
		g_mime_multipart_add(mixed, GMIME_OBJECT(attach));
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));
	}

	bytes = g_mime_object_to_string(GMIME_OBJECT(msg), NULL);
	len = strlen(bytes);
	if (fwrite(bytes, 1, len, out) != len)
		error = error_set(MD_ERR_INPUT, "cannot write the email");
	g_free(bytes);
	if (mixed)
		g_object_unref(mixed);
	if (attach)
		g_object_unref(attach);
	g_object_unref(text);
	g_object_unref(msg);
	buf_release(&qp);
	return error;
}
