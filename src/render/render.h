/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_RENDER_RENDER_H
#define MLDIGEST_RENDER_RENDER_H

/*
 * One renderer per format: text.c, the classic digest; json.c, markdown.c
 * and html.c, the digest organised by series, written once (model.c)
 * through the printer interface (printer.h).  A renderer writes a whole
 * digest to a stream; run.c makes the stream complete-or-nothing (see -o).
 */

#include <stdio.h>

#include "digest/digest.h"

struct render_options {
	unsigned top;    /* rows in each top list (15) */
	unsigned abbrev; /* hex digits of commit ids in the title (9) */
	const char *archive_url; /* --archive-url: http(s) base of the links to
				    messages, or NULL for none */
};

struct renderer {
	const char *name; /* as given to --format */
	/* Writes the digest; returns 0, or a negative code when writing failed. */
	int (*render)(FILE *out, const struct digest *d, const struct render_options *o);
};

/* The renderer named `name`, or NULL when there is none. */
const struct renderer *render_find(const char *name);

/* The names of every format, comma-separated (for --help and errors). */
const char *render_format_names(void);

int render_text(FILE *out, const struct digest *d, const struct render_options *o);
int render_markdown(FILE *out, const struct digest *d, const struct render_options *o);
int render_html(FILE *out, const struct digest *d, const struct render_options *o);
int render_json(FILE *out, const struct digest *d, const struct render_options *o);

#endif
