/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_PROGRESS_H
#define MLDIGEST_PROGRESS_H

/*
 * Progress on standard error while a run reads its archive: on a terminal
 * only (isatty(2)), never with -q, and only once the run has taken
 * PROGRESS_DELAY (1 s; $MLDIGEST_PROGRESS_DELAY in seconds overrides it, for
 * tests).  One line, redrawn at most PROGRESS_RATE times a second, erased by
 * progress_end():
 *
 *	kvm: 1234/5000 messages (24%), 850/s
 */

struct progress {
	const char *label; /* printed before the counts ("kvm"), or NULL */
	int enabled;	   /* standard error is a terminal and not -q */
	int shown;	   /* the line is on the terminal */
	double start;	   /* monotonic seconds */
	double next;	   /* no drawing before this */
	double delay;	   /* from start to the first drawing */
	unsigned long total; /* messages to read; 0 when not known */
};

/* Starts counting; `total` may be 0 (unknown). */
void progress_start(struct progress *p, const char *label, unsigned long total, int quiet);

/* `done` messages read so far: redraws the line when it is time. */
void progress_update(struct progress *p, unsigned long done);

/* Erases the line, if drawn; may be called more than once. */
void progress_end(struct progress *p);

#endif
