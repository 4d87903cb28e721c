/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_UTIL_TEMPFILE_H
#define MLDIGEST_UTIL_TEMPFILE_H

/*
 * An unlinked temporary file in $TMPDIR (else /tmp), named `prefix`-XXXXXX
 * while it is made: gone with the process, whatever happens.  Returns its
 * descriptor (close-on-exec; the caller closes it), or -1 when none can be
 * made.  For what keeps data outside the heap (spool.h, pagefile.h).
 */
int tempfile_open(const char *prefix);

#endif
