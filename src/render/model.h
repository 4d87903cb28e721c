/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_RENDER_MODEL_H
#define MLDIGEST_RENDER_MODEL_H

/*
 * The digest as structured data, organised by series: every fact the
 * richer formats show, written once through a printer (printer.h).  The
 * shape is the JSON schema, docs/digest.schema.json (its version is
 * RENDER_MODEL_VERSION); markdown.c and html.c read the same shape from a
 * tree (tree.h).  Pure.
 */

#include <stddef.h>

#include "render/printer.h"
#include "render/render.h"
#include "util/buf.h"

/* Bumped when a key changes meaning or goes; new keys do not bump it. */
#define RENDER_MODEL_VERSION 1

void render_model(struct printer *p, const struct digest *d, const struct render_options *o);

/*
 * Appends the link to a message: `base` (ending in '/', or one is added),
 * the Message-ID percent-encoded (all but A-Z a-z 0-9 - . _ ~ @ ! $ * + , ;
 * = :), and "/".  Nothing when base or the id is empty.
 */
void render_append_message_url(struct buf *out, const char *base, const char *message_id);

/* True for a URL that may become a link: http:// or https://, no blank or control. */
int render_url_is_safe(const char *url);

/*
 * Appends the diffstat that ends `body` (the shown body ends at its summary
 * line): the file lines before the summary and the summary.  Nothing when
 * the body does not end with one.
 */
void render_append_diffstat(struct buf *out, const char *body);

#endif
