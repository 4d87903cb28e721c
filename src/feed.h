/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_FEED_H
#define MLDIGEST_FEED_H

/*
 * One parsed message into the digest: the author of rule 5 (the in-body
 * From: when the body starts with one, parsed as an address), the sender of
 * rule 6, the in-body From: line to drop from the shown body.  Shared by
 * run.c and the digest fuzz target, so both digest a message the same way.
 */

#include <stdint.h>

#include "digest/digest.h"
#include "message/message.h"

/*
 * Adds `m` to the digest.  `key` makes it "the same message" across runs
 * (store.h), `commit` is its commit id ("" when none), `date` its date.
 * Returns 0, or the store's error.
 */
int feed_message(struct digest *d, struct store *store, const struct message *m, const char *key,
		 const char *commit, int64_t date);

/* "<kvm.vger.kernel.org>" or "KVM list <kvm.vger.kernel.org>" -> "kvm"
 * (malloc'd), or NULL when the List-Id names nothing. */
char *feed_list_name(const char *list_id);

#endif
