/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_TESTS_TMPDIR_H
#define MLDIGEST_TESTS_TMPDIR_H

/*
 * The temporary directory of a unit test program that writes files
 * (repositories, mboxes, Maildirs): made under $TMPDIR (else /tmp) by
 * tmpdir_make(), removed with all it holds by tmpdir_remove().
 */
extern char tmpdir[256];

/* Makes $TMPDIR/NAME.XXXXXX into tmpdir: 0, or -1 (errno set). */
int tmpdir_make(const char *name);

/* Removes tmpdir and everything in it. */
void tmpdir_remove(void);

/* tmpdir + "/" + rel, in one of 8 static buffers (so a few at a time). */
const char *tmp_path(const char *rel);

/* Runs the shell command made from fmt; the test fails when it does. */
void tmp_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
