/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "patch/address.h"

#include <stdbool.h>
#include <string.h>

#include "util/text.h"

void address_append_key(struct buf *out, const char *addr)
{
	text_append_lower(out, addr, strlen(addr));
}

/* Whether s[0..len) shows nothing: only white space, controls and bytes not UTF-8. */
static bool shows_nothing(const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		if (!(n = text_utf8_decode(s + i, len - i, &cp)))
			return false; /* shown as U+FFFD */
		if (cp != ' ' && cp != '\t' && cp != '\n' && !text_is_control(cp))
			return false;
		i += n;
	}
	return true;
}

void address_append_domain(struct buf *out, const char *addr)
{
	const char *at = strrchr(addr, '@');

	if (at && !shows_nothing(at + 1, strlen(at + 1)))
		text_append_lower(out, at + 1, strlen(at + 1));
	else
		buf_addstr(out, ADDRESS_NO_DOMAIN);
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
