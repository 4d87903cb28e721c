/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "patch/author.h"

#include <string.h>
#include <strings.h>

/* At most this many in-body header lines are looked at (hostile mail). */
#define INBODY_MAX_LINES 32

static size_t line_end(const char *s, size_t len, size_t off)
{
	const char *nl = memchr(s + off, '\n', len - off);

	return nl ? (size_t)(nl - s) + 1 : len;
}

static bool has_prefix_nocase(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !strncasecmp(s, prefix, n);
}

static bool is_inbody_header(const char *s, size_t len)
{
	return has_prefix_nocase(s, len, "From:") || has_prefix_nocase(s, len, "Subject:") ||
	       has_prefix_nocase(s, len, "Date:");
}

bool author_find_inbody_from(const char *body, size_t len, struct inbody_from *out)
{
	size_t off = 0, lines = 0;

	/* git am skips empty lines before the in-body headers. */
	while (off < len && (body[off] == '\n' || (body[off] == '\r' && off + 1 < len &&
						   body[off + 1] == '\n')))
		off += body[off] == '\n' ? 1 : 2;

	while (off < len && lines++ < INBODY_MAX_LINES) {
		size_t end = line_end(body, len, off), next = end;

		if (!is_inbody_header(body + off, end - off))
			return false;
		/* Continuation lines start with white space. */
		while (next < len && (body[next] == ' ' || body[next] == '\t') &&
		       lines++ < INBODY_MAX_LINES)
			next = line_end(body, len, next);
		if (has_prefix_nocase(body + off, end - off, "From:")) {
			size_t value = off + 5, value_end = next;

			while (value_end > value &&
			       (body[value_end - 1] == '\n' || body[value_end - 1] == '\r'))
				value_end--;
			out->line_off = off;
			out->line_len = next - off;
			out->value_off = value;
			out->value_len = value_end - value;
			return true;
		}
		off = next;
	}
	return false;
}
