/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_RUN_H
#define MLDIGEST_RUN_H

/* One digest run: archive -> messages -> digest -> renderer -> output. */

#include "render/render.h"

struct run_options {
	const char *archive;     /* path */
	const char *from;        /* revision, or NULL for the first message */
	const char *to;          /* revision, or NULL for the newest */
	const char *list_name;   /* NULL: the archive's List-Id, else its name */
	const char *output;      /* NULL: standard output */
	const struct renderer *renderer;
	struct render_options render;
	int quiet;
};

/* Returns 0, or a negative enum md_status with the message set. */
int run_digest(const struct run_options *o);

#endif
