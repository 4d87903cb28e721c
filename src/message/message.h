/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_MESSAGE_MESSAGE_H
#define MLDIGEST_MESSAGE_MESSAGE_H

/*
 * One parsed mail (SPEC "Reading a message", rules 1 and 2).  GMime is used
 * inside message.c only; callers see plain C strings, all valid UTF-8,
 * NUL-terminated, owned by the struct message and freed by message_free().
 * No field is ever NULL: a missing header is "".
 */

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct message {
	char *subject;     /* unfolded, RFC 2047-decoded; not yet cleaned (rule 1) */
	char *from_name;   /* display name of the header From: ("" when none) */
	char *from_addr;   /* address of the header From: as written ("" when none) */
	char *message_id;  /* without the angle brackets; "" when none */
	char *in_reply_to; /* first id of In-Reply-To, without brackets; "" when none */
	char *references;  /* the References header, unfolded; "" when none */
	char *list_id;     /* the List-Id header, unfolded and decoded; "" when none */
	char *original_from; /* X-Original-From, unfolded and decoded (a relay's */
	char *reply_to;      /* sender, series/relay.h), Reply-To; "" when none */
	int64_t date;      /* Date: as seconds since the epoch (UTC); 0 if unparsable */
	char *body;        /* the body text of rule 2: UTF-8, LF line ends */
	size_t body_len;   /* bytes in body, without the NUL */
};

/*
 * Parses `len` bytes of raw RFC 5322 mail.  Never fails on malformed mail
 * (what cannot be read is left ""); returns MD_ERR_NOMEM only when memory
 * runs out.  On success *out is the caller's, freed with message_free().
 */
int message_parse(struct message **out, const char *raw, size_t len);

void message_free(struct message *m);

/*
 * Parses one address as in a From: header value (RFC 5322 mailbox,
 * RFC 2047 encoded words allowed), e.g. the value of an in-body From: line.
 * Sets *name and *addr to malloc'd UTF-8 strings ("" when absent) and
 * returns 0, or returns -1 (and sets nothing) when no address is found.
 */
int message_parse_address(const char *value, size_t len, char **name, char **addr);

/*
 * 1 (the default): plain single-part text/plain mail is read without
 * GMime's parser (message.c says which); 0: every mail goes through GMime.
 * Tests set it to compare the two ways.
 */
extern int message_fast_path;
/* Mails read by the fast path so far (for tests and benchmarks). */
extern atomic_ulong message_fast_path_hits;

/* Starts and stops the library (GMime); call once per process. */
void message_library_init(void);
void message_library_shutdown(void);

#endif
