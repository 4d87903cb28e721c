/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "patch/body.h"

#include <string.h>

#include "util/text.h"

/* Parses " <digits> <word>" at s[*i]; returns false when it is not there. */
static bool skip_number(const char *s, size_t len, size_t *i)
{
	size_t start = *i;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > start;
}

static bool skip_literal(const char *s, size_t len, size_t *i, const char *lit)
{
	size_t n = strlen(lit);

	if (len - *i < n || memcmp(s + *i, lit, n))
		return false;
	*i += n;
	return true;
}

/* ", N insertion(s)(+)" or ", N deletion(s)(-)"; `word` is "insertion" or "deletion". */
static bool skip_count(const char *s, size_t len, size_t *i, const char *word, const char *sign)
{
	size_t save = *i;

	if (skip_literal(s, len, i, ", ") && skip_number(s, len, i) &&
	    skip_literal(s, len, i, " ") && skip_literal(s, len, i, word)) {
		skip_literal(s, len, i, "s");
		if (skip_literal(s, len, i, sign))
			return true;
	}
	*i = save;
	return false;
}

bool body_is_diffstat_summary(const char *s, size_t len)
{
	size_t i = 0;

	if (len && s[len - 1] == '\r')
		len--;
	if (!len || s[0] != ' ')
		return false;
	while (i < len && s[i] == ' ')
		i++;
	if (!skip_number(s, len, &i) || !skip_literal(s, len, &i, " file"))
		return false;
	skip_literal(s, len, &i, "s");
	if (!skip_literal(s, len, &i, " changed"))
		return false;
	skip_count(s, len, &i, "insertion", "(+)");
	skip_count(s, len, &i, "deletion", "(-)");
	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == len;
}

static bool is_cut_before(const char *line, size_t len)
{
	if (len >= 10 && !memcmp(line, "diff --git", 10))
		return true;
	return len == 3 && !memcmp(line, "-- ", 3);
}

void body_append_shown(struct buf *out, const char *body, size_t len, size_t skip_off,
		       size_t skip_len)
{
	size_t off = 0, start = out->len;

	if (skip_off > len)
		skip_off = len;
	if (skip_len > len - skip_off)
		skip_len = len - skip_off;
	while (off < len) {
		const char *nl = memchr(body + off, '\n', len - off);
		size_t next = nl ? (size_t)(nl - body) + 1 : len;
		size_t line_len = nl ? next - off - 1 : next - off;

		if (skip_len && off == skip_off) {
			off = skip_off + skip_len;
			continue;
		}
		if (is_cut_before(body + off, line_len))
			break;
		text_append_printable(out, body + off, next - off);
		if (body_is_diffstat_summary(body + off, line_len))
			break;
		off = next;
	}
	/* Drop trailing blank lines (and the last newline). */
	while (out->len > start) {
		size_t line_start = out->len;

		while (line_start > start && out->data[line_start - 1] != '\n')
			line_start--;
		if (line_start == out->len) { /* text ends with '\n': drop it */
			buf_setlen(out, out->len - 1);
			continue;
		}
		if (!text_is_blank(out->data + line_start, out->len - line_start))
			break;
		buf_setlen(out, line_start);
	}
}
