/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_RENDER_TREE_H
#define MLDIGEST_RENDER_TREE_H

/*
 * A printer (printer.h) that keeps what it is given as a tree of values,
 * for the renderers that lay a digest out (markdown, html).  Lookups never
 * fail: a missing key or a value of another type reads as null, "", 0,
 * false or an empty list, so a renderer asks for what it shows and the
 * model decides what exists.
 */

#include <stdbool.h>
#include <stddef.h>

#include "render/printer.h"

enum tree_type { TREE_NULL, TREE_STRING, TREE_INTEGER, TREE_BOOLEAN, TREE_MAP, TREE_LIST };

struct tree {
	enum tree_type type;
	char *key; /* in a map: its key; NULL in a list */
	char *string;
	long long integer;
	bool boolean;
	struct tree *items; /* of a map or list */
	size_t nitems, alloc;
};

struct tree_printer {
	struct printer printer;
	struct tree root; /* a list holding the one top value */
	struct tree **stack;
	size_t depth, alloc;
	char *key; /* the key given for the next value */
};

void tree_printer_init(struct tree_printer *tp);
void tree_printer_release(struct tree_printer *tp);
/* The top value printed (borrowed from tp), or a null value. */
const struct tree *tree_printer_value(const struct tree_printer *tp);

/* The value of `key` in map `t` (a null value when none). */
const struct tree *tree_get(const struct tree *t, const char *key);
/* The string of `key`, or "" (never NULL). */
const char *tree_str(const struct tree *t, const char *key);
long long tree_int(const struct tree *t, const char *key);
bool tree_bool(const struct tree *t, const char *key);
/* Items of a list (0 for anything else), and item i. */
size_t tree_count(const struct tree *t);
const struct tree *tree_at(const struct tree *t, size_t i);

#endif
