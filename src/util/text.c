/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/text.h"

#include <stdint.h>
#include <string.h>

#define ALL_BYTES(b) (UINT64_C(0x0101010101010101) * (b))

/* s[0..8) is printable ASCII (0x20-0x7e), tested as one word. */
static bool printable8(const char *s)
{
	uint64_t w, below, del;

	memcpy(&w, s, 8);
	below = (w - ALL_BYTES(0x20)) & ~w; /* some byte < 0x20 */
	del = w ^ ALL_BYTES(0x7f);
	del = (del - ALL_BYTES(1)) & ~del;	       /* some byte == 0x7f */
	return !((w | below | del) & ALL_BYTES(0x80)); /* or >= 0x80 */
}

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

size_t text_utf8_decode(const char *str, size_t len, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[0], min;
	size_t n, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

bool text_is_control(unsigned cp)
{
	if (cp == '\t' || cp == '\n')
		return false;
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return true;
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void text_append_printable(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, start = 0;

	buf_grow(out, len);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		unsigned cp;
		size_t n;

		if (len - i >= 8 && printable8(s + i)) { /* the common case, a word at a time */
			i += 8;
			continue;
		}
		if (c >= 0x20 && c < 0x7f) { /* the common case: printable ASCII */
			i++;
			continue;
		}
		n = text_utf8_decode(s + i, len - i, &cp);
		if (n && !text_is_control(cp)) {
			i += n;
			continue;
		}
		buf_add(out, s + start, i - start);
		if (!n) {
			buf_add(out, replacement, 3);
			n = 1;
		}
		i += n;
		start = i;
	}
	buf_add(out, s + start, len - start);
}

void text_append_lower(struct buf *out, const char *s, size_t len)
{
	size_t i;

	buf_grow(out, len);
	for (i = 0; i + 8 <= len; i += 8) { /* A-Z in a word get 0x20 */
		uint64_t w, low, ge_a, gt_z;

		memcpy(&w, s + i, 8);
		low = w & ALL_BYTES(0x7f);
		ge_a = low + ALL_BYTES(0x80 - 'A');
		gt_z = low + ALL_BYTES(0x80 - 'Z' - 1);
		w |= ((ge_a ^ gt_z) & ~w & ALL_BYTES(0x80)) >> 2;
		memcpy(out->data + out->len, &w, 8);
		out->len += 8;
	}
	for (; i < len; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out->data[out->len++] = c;
	}
	out->data[out->len] = '\0';
}

bool text_is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	return true;
}
