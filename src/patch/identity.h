/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_PATCH_IDENTITY_H
#define MLDIGEST_PATCH_IDENTITY_H

/*
 * A patch's identity (SPEC "The classic text digest"): author address,
 * version, index, total and title lower-cased.  Two messages with the same
 * identity are the same patch sent twice.  Pure.
 */

#include "patch/subject.h"
#include "util/buf.h"

/*
 * Appends the identity key of a patch: its fields joined by 0x1f (a byte
 * that cannot occur in a cleaned subject or an address), the address and
 * title ASCII lower-cased.  `subject` is the cleaned subject `ps` was
 * parsed from.
 */
void identity_append_key(struct buf *out, const char *author_addr, const char *subject,
			 const struct patch_subject *ps);

#endif
