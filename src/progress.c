/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/text.h"

#define PROGRESS_DELAY 1.0 /* seconds before the first drawing */
#define PROGRESS_RATE  4   /* drawings a second, at most */

static double progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(struct progress *p, const char *label, unsigned long total, int quiet)
{
	const char *env = getenv("MLDIGEST_PROGRESS_DELAY");
	char *end;

	memset(p, 0, sizeof(*p));
	p->label = label;
	p->total = total;
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->delay = PROGRESS_DELAY;
	if (env && *env) {
		double d = strtod(env, &end);

		if (!*end && d >= 0)
			p->delay = d;
	}
	p->start = progress_now();
	p->next = p->start + p->delay;
}

void progress_update(struct progress *p, unsigned long done)
{
	struct buf line = BUF_INIT, shown = BUF_INIT;
	double now, elapsed;

	if (!p->enabled || (now = progress_now()) < p->next)
		return;
	p->next = now + 1.0 / PROGRESS_RATE;
	elapsed = now - p->start;
	if (p->label)
		buf_addf(&line, "%s: ", p->label);
	if (p->total)
		buf_addf(&line, "%lu/%lu messages (%lu%%)", done, p->total,
			 done <= p->total ? done * 100 / p->total : 100);
	else
		buf_addf(&line, "%lu messages", done);
	if (elapsed > 0)
		buf_addf(&line, ", %.0f/s", (double)done / elapsed);
	/* The label comes from the configuration: no terminal controls from it. */
	text_append_printable(&shown, line.data, line.len);
	fprintf(stderr, "\r%s\033[K", shown.data);
	fflush(stderr);
	p->shown = 1;
	buf_release(&line);
	buf_release(&shown);
}

void progress_end(struct progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = 0;
}
