/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "series/trailer.h"

#include <string.h>

#include "series/owntext.h"

static const char *const kind_names[] = {"Reviewed-by", "Acked-by", "Tested-by", "Reported-by"};

const char *trailer_kind_name(enum trailer_kind kind)
{
	return kind_names[kind];
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool prefix_nocase(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p), i;

	if (len < n)
		return false;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != lower((unsigned char)p[i]))
			return false;
	return true;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void trim(const char *s, size_t *off, size_t *len)
{
	while (*len && is_blank(s[*off])) {
		(*off)++;
		(*len)--;
	}
	while (*len && is_blank(s[*off + *len - 1]))
		(*len)--;
}

/* Parses "Name <addr>", "\"Name\" <addr>" or "addr" at s[off..off+len). */
static bool parse_person(const char *s, size_t off, size_t len, struct trailer *t)
{
	const char *v = s + off;
	const char *lt = memchr(v, '<', len), *gt;
	size_t noff, nlen;

	if (lt) {
		gt = memchr(lt, '>', len - (size_t)(lt - v));
		if (!gt)
			return false;
		t->addr.off = off + (size_t)(lt - v) + 1;
		t->addr.len = (size_t)(gt - lt) - 1;
		trim(s, &t->addr.off, &t->addr.len);
		noff = off;
		nlen = (size_t)(lt - v);
		trim(s, &noff, &nlen);
		if (nlen >= 2 && s[noff] == '"' && s[noff + nlen - 1] == '"') {
			noff++;
			nlen -= 2;
		}
		t->name.off = noff;
		t->name.len = nlen;
	} else {
		size_t i = 0;

		/* A bare address: the first word. */
		while (i < len && !is_blank(v[i]))
			i++;
		t->addr.off = off;
		t->addr.len = i;
		t->name.off = off;
		t->name.len = 0;
	}
	if (!t->addr.len || !memchr(s + t->addr.off, '@', t->addr.len))
		return false;
	for (size_t i = 0; i < t->addr.len; i++)
		if (is_blank(s[t->addr.off + i]) || s[t->addr.off + i] == '<')
			return false;
	return true;
}

/*
 * Whether s[0..len) holds a kind's name and ':' ("Acked-by:"), ASCII case
 * ignored, as every trailer does: found from the colons, so a
 * patch signed off but not reviewed, acked, tested or reported is not
 * walked.
 */
static bool has_kind_colon(const char *s, size_t len)
{
	const char *p, *end = s + len, *w;
	size_t k, n, i;

	if (len < 4)
		return false;
	/* from the colons: rarer than '-' in a patch (diff lines, "->") */
	for (p = s + 3; p < end && (p = memchr(p, ':', (size_t)(end - p))); p++) {
		if (p[-3] == '-' && lower((unsigned char)p[-2]) == 'b' &&
		    lower((unsigned char)p[-1]) == 'y') {
			for (k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++) {
				n = strlen(kind_names[k]); /* "-by" included */
				if ((size_t)(p - s) < n)
					continue;
				w = p - n;
				for (i = 0; i < n && lower((unsigned char)w[i]) ==
							 lower((unsigned char)kind_names[k][i]);
				     i++)
					;
				if (i == n)
					return true;
			}
		}
	}
	return false;
}

/* Whether c can start a kind's name (R, A or T), ASCII case ignored. */
static bool starts_kind(char c)
{
	int l = lower((unsigned char)c);

	return l == 'r' || l == 'a' || l == 't';
}

size_t trailer_scan(const char *body, size_t len, bool in_patch, struct trailer *out, size_t max)
{
	struct owntext it;
	const char *line;
	size_t llen, n = 0;

	if (!has_kind_colon(body, len))
		return 0; /* most mail: no need to walk the own text */
	owntext_init(&it, body, len, in_patch);
	while (n < max && owntext_next(&it, &line, &llen)) {
		size_t i = 0, k;

		while (i < llen && is_blank(line[i]))
			i++;
		if (i >= llen || !starts_kind(line[i]))
			continue; /* most lines */
		for (k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++) {
			size_t klen = strlen(kind_names[k]);

			if (prefix_nocase(line + i, llen - i, kind_names[k]) && i + klen < llen &&
			    line[i + klen] == ':') {
				size_t off = (size_t)(line - body) + i + klen + 1;
				size_t vlen = llen - i - klen - 1;

				trim(body, &off, &vlen);
				out[n].kind = (enum trailer_kind)k;
				if (vlen && parse_person(body, off, vlen, &out[n]))
					n++;
				break;
			}
		}
	}
	return n;
}
