/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_MESSAGE_EMAIL_H
#define MLDIGEST_MESSAGE_EMAIL_H

/*
 * The digest as one RFC 5322 message, ready for `sendmail -t` (--format
 * email).  GMime builds it, in email.c; callers see plain C strings.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct email {
	const char *from;    /* From: one or more addresses, RFC 5322 */
	const char *to;      /* To: addresses, comma-separated */
	const char *subject; /* UTF-8; RFC 2047-encoded as needed */
	int64_t date;        /* Date: seconds since the epoch, shown in local time */
	const char *text;    /* the first part: text/plain, UTF-8 */
	size_t text_len;
	/*
	 * The second part, or none when attach_format is NULL: the digest in
	 * another format ("html", "markdown", "json", "text"), as an
	 * attachment named attach_name (NULL: "digest.html", "digest.md", ...).
	 */
	const char *attach_format;
	const char *attach_name;
	const char *attach;
	size_t attach_len;
};

/*
 * Writes the message to `out`, lines ending in LF.  The text part is 7bit
 * when it can travel as it is, else quoted-printable (8-bit bytes, lines
 * over 998 bytes, a line starting "From " that mbox delivery would quote,
 * white space at a line's end, no newline at the end).  With an attachment the message is
 * multipart/mixed: text first, then the other format as an attachment.
 * Returns 0, or MD_ERR_INPUT with the message set when writing failed.
 */
int email_write(FILE *out, const struct email *e);

/*
 * Checks a list of addresses as --from and --to take them (comma-separated,
 * RFC 5322): 0 when it holds at least one mailbox and each has an '@', else
 * -1 (no message set: the caller names the option).
 */
int email_check_addresses(const char *value);

/* The MIME type a digest format travels as: "text/html", ...; static. */
const char *email_format_type(const char *format);

/* The version of GMime the program runs with ("3.2.13"); static. */
const char *message_library_version(void);

#endif
