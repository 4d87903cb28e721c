/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_SERIES_RELAY_H
#define MLDIGEST_SERIES_RELAY_H

/*
 * Senders rewritten by a relay.  B4 Relay sends as
 *     From: Name via B4 Relay <devnull+user.example.com@kernel.org>
 *     X-Original-From: Name <user@example.com>
 * and mailing lists that rewrite From: for DMARC send as
 *     From: Name via Some-List <some-list@lists.example.org>
 *     X-Original-From: Name <user@example.com>   (or Reply-To: ...)
 * Such a message counts for the original person.  Pure.
 */

#include "util/buf.h"

enum relay_kind {
	RELAY_NONE, /* From: is the person */
	RELAY_B4,   /* B4 Relay */
	RELAY_LIST, /* a "Name via List" rewrite */
};

/*
 * Appends to `name` and `addr` the person a message counts for, given its
 * From: (display name and address, decoded) and the decoded values of its
 * X-Original-From: and Reply-To: headers ("" when absent).  A rewrite is
 * recognised by the From: alone (an address devnull+...@kernel.org, or a
 * name ending in " via <something>"); then X-Original-From names the
 * person, else Reply-To (its first mailbox, when it is not the list's own
 * address), else the From: name without its " via ..." and the From:
 * address.  Without a rewrite, From: is returned as it is and the other
 * headers are not looked at (anyone can write them).
 */
enum relay_kind relay_resolve(const char *from_name, const char *from_addr,
			      const char *original_from, const char *reply_to, struct buf *name,
			      struct buf *addr);

/*
 * Parses the first mailbox of an address header value ("Name <addr>",
 * "\"Last, First\" <addr>", "addr (Name)", "addr"), appending its name
 * (quotes removed) and address.  Returns 0, or -1 when no address is found.
 */
int relay_parse_mailbox(const char *value, size_t len, struct buf *name, struct buf *addr);

#endif
