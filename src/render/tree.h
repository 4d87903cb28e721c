/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_RENDER_TREE_H
#define MLDIGEST_RENDER_TREE_H

/*
 * A printer (printer.h) that keeps what it is given as a tree of values,
 * for the renderers that lay a digest out (markdown, html), but for the
 * long lists, which it can hand over item by item.  Lookups never fail: a
 * missing key or a value of another type reads as null, "", 0, false or an
 * empty list, so a renderer asks for what it shows and the model decides
 * what exists.
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

/*
 * What a printer streaming the lists of the top map (tree_printer_stream)
 * says of each: that it begins, each item once complete, that it ends.
 */
enum tree_event { TREE_LIST_BEGIN, TREE_LIST_ITEM, TREE_LIST_END };

/*
 * `key`: the list's key in the top map; `doc`: the top map so far (the keys
 * before the list; a streamed list holds only the item handed over, and is
 * empty after); `item`: the complete item for TREE_LIST_ITEM (freed when the
 * call returns), else NULL.
 */
typedef void tree_stream_fn(void *data, enum tree_event event, const char *key,
			    const struct tree *doc, const struct tree *item);

struct tree_printer {
	struct printer printer;
	struct tree root; /* a list holding the one top value */
	struct tree **stack;
	size_t depth, alloc;
	char *key; /* the key given for the next value */
	tree_stream_fn *stream; /* NULL: every value is kept */
	void *stream_data;
};

void tree_printer_init(struct tree_printer *tp);
/*
 * Streams the lists that are values of the top map (the digest's applied,
 * series and entries, which grow with the digest): `fn` gets their items
 * one by one, and the tree keeps them empty.  The rest is kept, so a
 * renderer looks ahead in it (stats) and prints each list as it comes.
 * Called before the first value.
 */
void tree_printer_stream(struct tree_printer *tp, tree_stream_fn *fn, void *data);
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
