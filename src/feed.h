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
 * A message made ready for the digest where it is read (run.c's archive
 * prepare hook, on the archive's reader threads): parsed, its author and
 * sender found, the costly part of its series data done (series.h
 * series_prepare).  Safe on any thread, several at once; sets no error.
 * NULL when memory runs out.
 */
struct feed_prepared;
struct feed_prepared *feed_prepare(const char *raw, size_t len);
const struct message *feed_prepared_message(const struct feed_prepared *p);
void feed_prepared_free(struct feed_prepared *p);

/*
 * Adds a prepared message to the digest, in archive order.  `p` stays the
 * caller's, to free (feed_prepared_free(), or archive_give_back() on the
 * archive that prepared it); the digest takes what it keeps out of it.
 * `key`, `commit` and `date` as for feed_message().
 */
int feed_add(struct digest *d, struct store *store, struct feed_prepared *p, const char *key,
	     const char *commit, int64_t date);

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
