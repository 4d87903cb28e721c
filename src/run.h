/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_RUN_H
#define MLDIGEST_RUN_H

/* One digest run: archive -> messages -> digest -> renderer -> output. */

#include <stdint.h>

#include "render/render.h"

struct run_options {
	const char *archive;     /* path */
	const char *from;        /* revision, or NULL for the first message */
	const char *to;          /* revision, or NULL for the newest */
	int window_given;        /* FROM..TO was given (either end may be NULL) */
	int has_since, has_until; /* --since, --until: a window by date */
	int64_t since, until;    /* seconds since the epoch; until is excluded */
	const char *input_format; /* --input-format: NULL detects the kind */
	const char *list_name;   /* NULL: the archive's List-Id, else its name */
	const char *output;      /* NULL: standard output */
	const char *state_path;  /* NULL: the default under $XDG_STATE_HOME */
	int no_state;            /* --no-state: an empty state in memory */
	int dry_run;             /* --dry-run: read the state, record nothing */
	const struct renderer *renderer;
	struct render_options render;
	const char *mailmap_path; /* --mailmap, --orgmap: NULL for none */
	const char *orgmap_path;
	int quiet;
	int show_state;          /* --show-state: list what the state recorded */
};

/* Returns 0, or a negative enum md_status with the message set. */
int run_digest(const struct run_options *o);

/* --show-state: lists the recorded runs of o->archive (every archive when
 * NULL) on standard output.  Returns as run_digest(). */
int run_show_state(const struct run_options *o);

#endif
