/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "patch/address.h"

#include <string.h>

#include "util/text.h"

void address_append_key(struct buf *out, const char *addr)
{
	text_append_lower(out, addr, strlen(addr));
}

void address_append_domain(struct buf *out, const char *addr)
{
	const char *at = strrchr(addr, '@');

	if (at)
		text_append_lower(out, at + 1, strlen(at + 1));
}

static int needs_quotes(const char *name)
{
	return strpbrk(name, "()<>[]:;@\\,.\"") != NULL;
}

void address_append_person(struct buf *out, const char *name, const char *addr)
{
	const char *p;

	if (!*name) {
		buf_addstr(out, addr);
		return;
	}
	if (needs_quotes(name)) {
		buf_addch(out, '"');
		for (p = name; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addch(out, '\\');
			buf_addch(out, *p);
		}
		buf_addch(out, '"');
	} else {
		buf_addstr(out, name);
	}
	buf_addstr(out, " <");
	buf_addstr(out, addr);
	buf_addch(out, '>');
}

void address_append_sender(struct buf *out, const char *name, const char *addr)
{
	if (!*name) {
		buf_addstr(out, addr);
		return;
	}
	buf_addstr(out, name);
	buf_addstr(out, " <");
	buf_addstr(out, addr);
	buf_addch(out, '>');
}
