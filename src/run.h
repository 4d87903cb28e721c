/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_RUN_H
#define MLDIGEST_RUN_H

/* One digest run: archive -> messages -> digest -> renderer -> output. */

#include <stdint.h>

#include "render/render.h"

/* One output of a run: a format, written to a file or standard output. */
struct run_output {
	const struct renderer *renderer; /* the format (text when `email`) */
	int email;			 /* the digest as an RFC 5322 message */
	const char *path;		 /* NULL: standard output */
};

/* Outputs one run writes, at most. */
#define RUN_MAX_OUTPUTS 8

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
	const char *mailmap_path; /* --mailmap, --orgmap (the command line): NULL for none */
	const char *orgmap_path;
	int quiet;
	int show_state;          /* --show-state: list what the state recorded */
	/* Several outputs (--all, from the configuration); when noutputs is 0,
	 * the one output is renderer, email and output. */
	const struct run_output *outputs;
	size_t noutputs;
	int email;               /* --format email: the text digest as a mail */
	const char *mail_from;   /* --from: the mail's From: */
	const char *mail_to;     /* --to: its To:, comma-separated */
	const struct renderer *attach; /* --attach FORMAT: a second part, or NULL */
	int fetch;               /* --fetch: update the archive from its remote first */
	const char *label;       /* names the run in progress lines (--all: the list) */
	/* From the configuration, for the richer formats; the command line's
	 * render.archive_url, mailmap_path and orgmap_path win over them. */
	const char *archive_url;
	const char *mailmap;
	const char *orgmap;
	/* The process ends after this run: what the digest holds is left to
	 * the exit (run.c, leave_to_exit) instead of freed piece by piece. */
	int exits_after;
};

/*
 * A run without a window (continuing from the last recorded run) that finds
 * no new message: not an error (a daily run on a quiet day), but nothing is
 * written (an -o file stays as it was) and nothing recorded.  The message
 * (error_message()) says so.
 */
#define RUN_NOTHING_NEW 1

/* Returns 0, RUN_NOTHING_NEW, or a negative enum md_status with the message set. */
int run_digest(const struct run_options *o);

/* --show-state: lists the recorded runs of o->archive (every archive when
 * NULL) on standard output.  Returns as run_digest(). */
int run_show_state(const struct run_options *o);

#endif
