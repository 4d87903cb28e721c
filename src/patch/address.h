/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_PATCH_ADDRESS_H
#define MLDIGEST_PATCH_ADDRESS_H

/*
 * People as the digest shows them (SPEC rules 5 and 6).  Pure: names and
 * addresses come already parsed and decoded (message_parse_address).
 */

#include <stddef.h>

#include "util/buf.h"

/* Appends the person's key: the address, ASCII lower-cased. */
void address_append_key(struct buf *out, const char *addr);

/*
 * The domain of an address without one: `joe` (a local address, which
 * GMime accepts), `joe@`, or a domain of white space and controls only
 * (which would print as nothing).  Parentheses cannot be in a domain, so it
 * is never a real one.
 */
#define ADDRESS_NO_DOMAIN "(no domain)"

/*
 * Appends the domain: the lower-cased part after the last '@', or
 * ADDRESS_NO_DOMAIN when there is none: the person still counts in the top
 * domains, under that name, so that both top lists count every patch.
 */
void address_append_domain(struct buf *out, const char *addr);

/*
 * Appends the RFC 5322 form used in the top list (rule 5):
 * `Name <addr>`, the name in double quotes (with '"' and '\' escaped) only
 * when it holds one of ()<>[]:;@\,." ; the bare address when there is no
 * name.  UTF-8 is kept as it is.
 */
void address_append_person(struct buf *out, const char *name, const char *addr);

/* Appends the sender form (rule 6): `Name <addr>` without quotes, or the
 * bare address when there is no name. */
void address_append_sender(struct buf *out, const char *name, const char *addr);

#endif
