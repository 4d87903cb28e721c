/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_UTIL_ERROR_H
#define MLDIGEST_UTIL_ERROR_H

/*
 * One error message per process, set once where the cause is known and
 * printed once, by main.  Functions that can fail return 0 or a negative
 * `enum md_status` and set the message with error_set().
 */

enum md_status {
	MD_OK = 0,
	MD_ERR_USAGE = -1,  /* bad command line: exit 1 */
	MD_ERR_INPUT = -2,  /* unusable archive, window, state, output: exit 2 */
	MD_ERR_NOMEM = -3,  /* out of memory: exit 2 */
	MD_ERR_SYSTEM = -4, /* an I/O or system call failed: exit 2 */
};

/* Sets the message (printf format, without "mldigest: ") and returns `code`. */
int error_set(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last message set, or "" when none was; borrowed, valid until the next set. */
const char *error_message(void);

/* Forgets the message (tests use it between cases). */
void error_clear(void);

/* Prints "mldigest: warning: ..." on stderr at once (one malformed mail, etc). */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Counts warnings printed; tests read it. */
unsigned long warning_count(void);

/* Silences warning() (for tests and -q is NOT this: warnings always print). */
void warning_set_quiet(int quiet);

#endif
