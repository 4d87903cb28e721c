/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_RENDER_PRINTER_H
#define MLDIGEST_RENDER_PRINTER_H

/*
 * The structured printer (notmuch's sprinter): a digest is written once, as
 * maps, lists and scalars (model.c), and each printer makes its format of
 * it.  json.c writes JSON as it comes; tree.c keeps the values in
 * memory for the formats laid out for people (markdown.c, html.c), which
 * look ahead (a bar's width is its count over the largest), but for the
 * long lists, which it hands over item by item.
 *
 * Calls nest like JSON: begin_map, then map_key and one value per key,
 * end; begin_list, values, end.  Strings are UTF-8 and NUL-terminated; a
 * printer escapes them for its format, the caller never does.
 */

#include <stdbool.h>

struct printer {
	void (*begin_map)(struct printer *p);
	void (*begin_list)(struct printer *p);
	void (*end)(struct printer *p);
	void (*map_key)(struct printer *p, const char *key);
	void (*string)(struct printer *p, const char *s); /* NULL prints null */
	void (*integer)(struct printer *p, long long n);
	void (*boolean)(struct printer *p, bool b);
	void (*null)(struct printer *p);
};

#endif
