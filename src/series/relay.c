/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "series/relay.h"

#include <stdbool.h>
#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static void add_trimmed(struct buf *out, const char *s, size_t len)
{
	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	buf_add(out, s, len);
}

/* Appends the name without surrounding quotes, with \x unescaped. */
static void add_name(struct buf *out, const char *s, size_t len)
{
	size_t i;

	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	if (len >= 2 &&
	    ((s[0] == '"' && s[len - 1] == '"') || (s[0] == '\'' && s[len - 1] == '\''))) {
		s++;
		len -= 2;
	}
	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		else if (s[i] == '"')
			continue;
		buf_addch(out, s[i]);
	}
}

int relay_parse_mailbox(const char *value, size_t len, struct buf *name, struct buf *addr)
{
	size_t i, end = len, lt = len, gt = len;
	bool quoted = false;

	/* the first mailbox: up to a ',' outside quotes and angle brackets */
	for (i = 0; i < len; i++) {
		char c = value[i];

		if (c == '\\' && quoted) {
			i++;
			continue;
		}
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == '<' && lt == len)
			lt = i;
		else if (!quoted && c == '>' && lt != len && gt == len)
			gt = i;
		else if (!quoted && c == ',' && (lt == len || gt != len)) {
			end = i;
			break;
		}
	}
	if (lt < end && gt < end && gt > lt + 1) {
		if (!memchr(value + lt + 1, '@', gt - lt - 1))
			return -1;
		add_name(name, value, lt);
		add_trimmed(addr, value + lt + 1, gt - lt - 1);
		return 0;
	}
	/* "addr (Name)" or "addr" */
	{
		const char *p = value, *e = value + end, *paren;
		size_t alen;

		while (p < e && is_space(*p))
			p++;
		paren = memchr(p, '(', (size_t)(e - p));
		alen = (size_t)((paren ? paren : e) - p);
		while (alen && is_space(p[alen - 1]))
			alen--;
		if (!alen || !memchr(p, '@', alen) || memchr(p, ' ', alen))
			return -1;
		if (paren) {
			const char *close = memchr(paren, ')', (size_t)(e - paren));

			if (close)
				add_name(name, paren + 1, (size_t)(close - paren - 1));
		}
		buf_add(addr, p, alen);
	}
	return 0;
}

static bool prefix_nocase(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if (lower((unsigned char)*s) != *p)
			return false;
	return true;
}

static bool suffix_nocase(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && prefix_nocase(s + len - n, p);
}

/* The offset of the last " via " of a name, or -1. */
static long via_offset(const char *name)
{
	size_t len = strlen(name), i;

	for (i = len; i >= 5; i--)
		if (prefix_nocase(name + i - 5, " via "))
			return (long)(i - 5);
	return -1;
}

static bool same_address(const char *a, size_t alen, const char *b)
{
	size_t i;

	if (alen != strlen(b))
		return false;
	for (i = 0; i < alen; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

enum relay_kind relay_resolve(const char *from_name, const char *from_addr,
			      const char *original_from, const char *reply_to, struct buf *name,
			      struct buf *addr)
{
	size_t alen = strlen(from_addr);
	long via = via_offset(from_name);
	enum relay_kind kind = RELAY_NONE;
	size_t name_len0 = name->len, addr_len0 = addr->len;

	if (prefix_nocase(from_addr, "devnull+") && suffix_nocase(from_addr, alen, "@kernel.org"))
		kind = RELAY_B4;
	else if (via >= 0 && suffix_nocase(from_name, strlen(from_name), " via b4 relay"))
		kind = RELAY_B4;
	else if (via > 0)
		kind = RELAY_LIST;
	if (kind == RELAY_NONE) {
		buf_addstr(name, from_name);
		buf_addstr(addr, from_addr);
		return kind;
	}
	if (*original_from &&
	    relay_parse_mailbox(original_from, strlen(original_from), name, addr) == 0)
		return kind;
	buf_setlen(name, name_len0);
	buf_setlen(addr, addr_len0);
	if (*reply_to && relay_parse_mailbox(reply_to, strlen(reply_to), name, addr) == 0 &&
	    !same_address(addr->data + addr_len0, addr->len - addr_len0, from_addr)) {
		if (name->len == name_len0 && via > 0)
			add_name(name, from_name, (size_t)via);
		return kind;
	}
	buf_setlen(name, name_len0);
	buf_setlen(addr, addr_len0);
	if (via >= 0)
		add_name(name, from_name, (size_t)via);
	else
		buf_addstr(name, from_name);
	buf_addstr(addr, from_addr);
	return kind;
}
