/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "series/msgid.h"

#include <stdlib.h>
#include <string.h>

#include "series/owntext.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool has_at(const char *s, size_t len)
{
	return memchr(s, '@', len) != NULL;
}

/*
 * The next id of a list at or after *pos: bracketed ids, or (bare) words
 * with an '@'.  Returns false at the end.  Each byte is looked at a bounded
 * number of times, so a whole list is linear.
 */
static bool next_id(const char *s, size_t len, size_t *pos, bool bare, struct msgid_span *out)
{
	size_t i = *pos;

	if (bare) {
		while (i < len) {
			size_t start;

			while (i < len && (is_space(s[i]) || s[i] == ','))
				i++;
			start = i;
			while (i < len && !is_space(s[i]) && s[i] != ',')
				i++;
			if (i > start && i - start <= MSGID_MAX_LEN &&
			    has_at(s + start, i - start)) {
				out->off = start;
				out->len = i - start;
				*pos = i;
				return true;
			}
		}
		*pos = len;
		return false;
	}
	while (i < len) {
		const char *lt = memchr(s + i, '<', len - i);
		size_t start, end;
		bool ok = true;

		if (!lt)
			break;
		start = (size_t)(lt - s) + 1;
		for (end = start; end < len && s[end] != '>'; end++) {
			if (s[end] == '<' || is_space(s[end])) {
				ok = false;
				break;
			}
		}
		if (end >= len)
			break; /* no closing '>' */
		if (!ok) {
			i = end; /* restart at the '<' or after the space */
			continue;
		}
		i = end + 1;
		if (end > start && end - start <= MSGID_MAX_LEN) {
			out->off = start;
			out->len = end - start;
			*pos = i;
			return true;
		}
	}
	*pos = len;
	return false;
}

size_t msgid_parse_list(const char *s, size_t len, struct msgid_span *out, size_t max)
{
	bool bare = !memchr(s, '<', len);
	size_t pos = 0, n = 0;

	while (n < max && next_id(s, len, &pos, bare, &out[n]))
		n++;
	return n;
}

size_t msgid_parse_ends(const char *s, size_t len, struct msgid_span *out, size_t max)
{
	bool bare = !memchr(s, '<', len);
	size_t pos = 0, seen = 0, i;
	struct msgid_span span, *ring;

	if (max < 2)
		return msgid_parse_list(s, len, out, max);
	/* out[0] is the first id; out[1..max) a ring of the latest */
	ring = out + 1;
	while (next_id(s, len, &pos, bare, &span)) {
		if (!seen)
			out[0] = span;
		else
			ring[(seen - 1) % (max - 1)] = span;
		seen++;
	}
	if (seen > max) {
		/* unroll the ring into written order */
		struct msgid_span tmp[MSGID_MAX_REFS];
		size_t start = (seen - 1) % (max - 1), k = max - 1;

		if (k > MSGID_MAX_REFS)
			k = MSGID_MAX_REFS;
		for (i = 0; i < k; i++)
			tmp[i] = ring[(start + i) % (max - 1)];
		memcpy(ring, tmp, k * sizeof(*ring));
		return k + 1;
	}
	return seen;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* s[0..len) starts with the lower-case `prefix`, ASCII case ignored. */
static bool starts_nocase(const char *s, size_t len, const char *prefix)
{
	size_t j;

	for (j = 0; prefix[j]; j++)
		if (j >= len || lower((unsigned char)s[j]) != prefix[j])
			return false;
	return true;
}

/* Case-insensitive search of `needle` in s[0..len). */
static const char *find_nocase(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i, j;

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n && lower((unsigned char)s[i + j]) == needle[j]; j++)
			;
		if (j == n)
			return s + i;
	}
	return NULL;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* A line that names an earlier posting: "v1:", "[v2]", "- v3 -", "Link to v1",
 * "previous version", "previous posting", "earlier version". */
static bool line_names_version(const char *l, size_t len)
{
	static const char *const phrases[] = {
	    "link to v",       "previous version",  "previous posting",	  "previous series",
	    "earlier version", "previous revision", "previous iteration", NULL,
	};
	size_t i = 0, k;

	while (i < len &&
	       (l[i] == ' ' || l[i] == '\t' || l[i] == '-' || l[i] == '*' || l[i] == '['))
		i++;
	if (i + 1 < len && (l[i] == 'v' || l[i] == 'V') && is_digit(l[i + 1]))
		return true;
	/* one pass: only an 'l', 'p' or 'e' can start one of them */
	for (i = 0; i < len; i++) {
		int c = lower((unsigned char)l[i]);

		if (c != 'l' && c != 'p' && c != 'e')
			continue;
		for (k = 0; phrases[k]; k++)
			if (phrases[k][0] == c && starts_nocase(l + i, len - i, phrases[k]))
				return true;
	}
	return false;
}

/* line_names_version(), worked out once per line and only when needed. */
static bool names_version(int *cache, const char *l, size_t len)
{
	if (*cache < 0)
		*cache = line_names_version(l, len);
	return *cache;
}

/*
 * The first `host` in p[0..end), ASCII case ignored, as find_nocase() finds
 * it: hosts end in '/', so only the slashes are looked at.
 */
static const char *find_host(const char *p, const char *end, const char *host)
{
	size_t n = strlen(host);
	const char *q;

	if ((size_t)(end - p) < n)
		return NULL;
	for (q = p + n - 1; q < end && (q = memchr(q, '/', (size_t)(end - q))); q++)
		if (starts_nocase(q + 1 - n, n, host))
			return q + 1 - n;
	return NULL;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)lower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool ends_url(char c)
{
	return is_space(c) || c == '/' || c == '>' || c == ')' || c == ']' || c == '"' ||
	       c == '\'' || c == '#' || c == '?' || c == '<';
}

static void add_link(struct msgid_link *out, size_t *n, size_t max, const char *id, size_t len,
		     bool strong, bool decode)
{
	struct buf b = BUF_INIT;
	size_t i;

	while (len && (id[len - 1] == '.' || id[len - 1] == ',' || id[len - 1] == ';' ||
		       id[len - 1] == ':'))
		len--;
	for (i = 0; i < len; i++) {
		int hi, lo;

		if (decode && id[i] == '%' && i + 2 < len && (hi = hex_value(id[i + 1])) >= 0 &&
		    (lo = hex_value(id[i + 2])) >= 0) {
			buf_addch(&b, hi * 16 + lo);
			i += 2;
		} else {
			buf_addch(&b, id[i]);
		}
	}
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] <= ' ' || b.data[i] == '<' || b.data[i] == '>')
			break; /* a decoded %00, %20 or bracket: not an id */
	if (i < b.len || !b.len || b.len > MSGID_MAX_LEN || !has_at(b.data, b.len) || *n >= max) {
		buf_release(&b);
		return;
	}
	for (i = 0; i < *n; i++) {
		if (!strcmp(out[i].id, b.data)) {
			out[i].strong = out[i].strong || strong;
			buf_release(&b);
			return;
		}
	}
	out[*n].strong = strong;
	out[*n].id = buf_detach(&b, NULL);
	(*n)++;
}

static const char *const link_hosts[] = {
    "lore.kernel.org/",
    "lkml.kernel.org/",
    "patch.msgid.link/",
    "msgid.link/",
};

/* Links in one line. */
static void line_links(const char *l, size_t len, struct msgid_link *out, size_t *n, size_t max)
{
	bool slash = memchr(l, '/', len) != NULL, angle = memchr(l, '<', len) != NULL;
	int strong = -1; /* line_names_version(): not known yet */
	size_t h, i;

	if (!slash && !angle)
		return; /* neither a link nor an "<id>": most lines */
	for (h = 0; slash && h < sizeof(link_hosts) / sizeof(link_hosts[0]); h++) {
		const char *p = l, *end = l + len;

		while (p < end && *n < max) {
			const char *hit = find_host(p, end, link_hosts[h]);
			const char *seg;

			if (!hit)
				break;
			/* "msgid.link/" inside "patch.msgid.link/": counted by the first. */
			if (h == 3 && hit > l && hit[-1] == '.') {
				p = hit + 1;
				continue;
			}
			seg = hit + strlen(link_hosts[h]);
			/* The first path segment holding an '@' (or %40) is the id. */
			for (i = 0; i < 3 && seg < end; i++) {
				const char *e = seg;

				while (e < end && !ends_url(*e))
					e++;
				if (has_at(seg, (size_t)(e - seg)) ||
				    find_nocase(seg, (size_t)(e - seg), "%40")) {
					add_link(out, n, max, seg, (size_t)(e - seg),
						 names_version(&strong, l, len), true);
					break;
				}
				if (e >= end || *e != '/')
					break;
				seg = e + 1;
			}
			p = seg > hit ? seg : hit + 1;
		}
	}
	/* "<id>" on a line naming a version: "v1: <20240101.1234-1-a@b.c>". */
	if (angle && names_version(&strong, l, len)) {
		const char *p = l, *end = l + len;

		while (p < end && *n < max) {
			const char *lt = memchr(p, '<', (size_t)(end - p)), *gt;

			if (!lt)
				break;
			gt = memchr(lt, '>', (size_t)(end - lt));
			if (!gt)
				break;
			if (!memchr(lt + 1, ' ', (size_t)(gt - lt - 1)) &&
			    !find_nocase(lt + 1, (size_t)(gt - lt - 1), "://"))
				add_link(out, n, max, lt + 1, (size_t)(gt - lt - 1), true, false);
			p = gt + 1;
		}
	}
}

size_t msgid_find_links(const char *body, size_t len, struct msgid_link *out, size_t max)
{
	struct owntext it;
	const char *line;
	size_t n = 0, llen;

	owntext_init(&it, body, len, false);
	while (n < max && owntext_next(&it, &line, &llen)) {
		/* a diff's lines are code, not links to postings */
		if (llen >= 11 && !memcmp(line, "diff --git ", 11))
			break;
		line_links(line, llen, out, &n, max);
	}
	return n;
}

bool msgid_find_change_id(const char *body, size_t len, struct buf *out)
{
	size_t pos = 0;
	unsigned lines = 0;

	if (len > OWNTEXT_MAX_BYTES)
		len = OWNTEXT_MAX_BYTES;
	while (pos < len && lines++ < OWNTEXT_MAX_LINES) {
		const char *l = body + pos, *nl = memchr(l, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - l) : len - pos, i, start;

		pos += n + (nl ? 1 : 0);
		if (n < 10 || !starts_nocase(l, n, "change-id:"))
			continue;
		for (i = 10; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
			;
		start = i;
		while (i < n && !is_space(l[i]))
			i++;
		if (i > start && i - start <= 200) {
			buf_add(out, l + start, i - start);
			return true;
		}
	}
	return false;
}
