/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_RENDER_JSON_H
#define MLDIGEST_RENDER_JSON_H

/*
 * The JSON printer (printer.h): writes each value as it is given, so a
 * digest of any size takes the memory of its nesting, not of its text.
 * The bytes are those jansson's json_dump_callback(root, ..., JSON_INDENT(2)
 * | JSON_PRESERVE_ORDER) made of the same values (a unit test compares the
 * two), followed by a newline.
 */

#include <stdio.h>

#include "render/printer.h"

struct json_printer {
	struct printer printer;
	FILE *out; /* borrowed */
	/* The open maps and lists: whether each is a map, and how many
	 * values it holds so far (a map counts its keys). */
	struct json_level {
		bool map;
		bool key_pending; /* a map: a key was written, its value not yet */
		size_t n;
	} * stack;
	size_t depth, alloc;
};

void json_printer_init(struct json_printer *jp, FILE *out);
/* Ends what is still open and writes the final newline. */
void json_printer_finish(struct json_printer *jp);
void json_printer_release(struct json_printer *jp);

#endif
