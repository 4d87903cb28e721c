/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Own text.  Decisions:
 * - Quoted: '>' as the first non-blank character.  Lines of other quoting
 *   styles ("| text", "Name> text") are own text: rare, and treating them
 *   as quotes would hide real trailers.
 * - The signature line is "-- " (RFC 3676), also "--" alone, since some
 *   mailers strip the trailing space.  Everything after it is the signature.
 * - An Outlook-style "-----Original Message-----" line ends the own text
 *   (the original follows unquoted).
 */
#include "series/owntext.h"

#include <string.h>

void owntext_init(struct owntext *it, const char *body, size_t len, bool stop_at_patch)
{
	memset(it, 0, sizeof(*it));
	it->s = body;
	it->len = len > OWNTEXT_MAX_BYTES ? OWNTEXT_MAX_BYTES : len;
	it->stop_at_patch = stop_at_patch;
}

bool owntext_is_quoted(const char *line, size_t len)
{
	size_t i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i < len && line[i] == '|' && i + 1 < len && line[i + 1] == '>')
		return true;
	return i < len && line[i] == '>';
}

static bool is_line(const char *line, size_t len, const char *what)
{
	size_t n = strlen(what);

	return len == n && !memcmp(line, what, n);
}

static bool starts_with(const char *line, size_t len, const char *what)
{
	size_t n = strlen(what);

	return len >= n && !memcmp(line, what, n);
}

bool owntext_next(struct owntext *it, const char **line, size_t *len)
{
	while (!it->done && it->pos < it->len) {
		const char *l = it->s + it->pos;
		const char *nl = memchr(l, '\n', it->len - it->pos);
		size_t n = nl ? (size_t)(nl - l) : it->len - it->pos;

		it->pos += n + (nl ? 1 : 0);
		if (++it->lines > OWNTEXT_MAX_LINES) {
			it->done = true;
			break;
		}
		if (n && l[n - 1] == '\r')
			n--;
		if (is_line(l, n, "-- ") || is_line(l, n, "--") ||
		    starts_with(l, n, "-----Original Message-----")) {
			it->done = true;
			break;
		}
		if (it->stop_at_patch &&
		    (is_line(l, n, "---") || starts_with(l, n, "diff --git "))) {
			it->done = true;
			break;
		}
		if (owntext_is_quoted(l, n))
			continue;
		*line = l;
		*len = n;
		return true;
	}
	it->done = true;
	return false;
}
