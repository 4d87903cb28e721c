/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_FUZZ_FUZZ_H
#define MLDIGEST_FUZZ_FUZZ_H

/*
 * What the fuzz targets share: the libFuzzer entry points and the checks
 * of the invariants our headers promise.  The checks are written here again
 * on purpose, without util/text.c, so a bug there cannot hide itself.
 *
 * A broken invariant prints what broke, with the bytes around it, and
 * aborts: libFuzzer (and the standalone driver, under ASan) report it as a
 * crash and keep the input.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond, what, s, len, off)                                                        \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(__FILE__, __LINE__, #cond, (what), (s), (len), (off));           \
	} while (0)

/* Prints the failed check and up to 32 bytes around `off` of s[0..len), then aborts. */
static inline void fuzz_fail(const char *file, int line, const char *cond, const char *what,
			     const char *s, size_t len, size_t off)
{
	size_t from = off > 16 ? off - 16 : 0, to = off + 16 < len ? off + 16 : len, i;

	fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", file, line, what, cond);
	if (s) {
		fprintf(stderr, "  at byte %zu of %zu:", off, len);
		for (i = from; i < to; i++)
			fprintf(stderr, "%s%02x", i == off ? " [" : " ", (unsigned char)s[i]);
		fputc('\n', stderr);
	}
	abort();
}

/*
 * Decodes the UTF-8 character at s[0..len) (len >= 1): its length and *cp,
 * or 0 when the bytes there are not valid UTF-8 (overlong, surrogate, above
 * U+10FFFF, truncated).
 */
static inline size_t fuzz_utf8_next(const char *str, size_t len, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n, i;
	unsigned c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 2;
		c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3;
		c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4;
		c &= 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* True for what must never reach a terminal: Cc but tab and LF, bidi controls. */
static inline bool fuzz_is_terminal_control(unsigned cp)
{
	if (cp == '\t' || cp == '\n')
		return false;
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* Checks s[0..len) is valid UTF-8 without NUL; `what` names it in the report. */
static inline void fuzz_check_utf8(const char *what, const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;

	FUZZ_CHECK(s != NULL, what, NULL, 0, 0);
	while (i < len) {
		n = fuzz_utf8_next(s + i, len - i, &cp);
		FUZZ_CHECK(n > 0, what, s, len, i);
		FUZZ_CHECK(cp != 0, what, s, len, i);
		i += n;
	}
}

/* As fuzz_check_utf8(), for a NUL-terminated string. */
static inline void fuzz_check_string(const char *what, const char *s)
{
	FUZZ_CHECK(s != NULL, what, NULL, 0, 0);
	fuzz_check_utf8(what, s, strlen(s));
}

/* Checks s[0..len) is valid UTF-8 with no terminal control in it. */
static inline void fuzz_check_printable(const char *what, const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;

	fuzz_check_utf8(what, s, len);
	while (i < len) {
		n = fuzz_utf8_next(s + i, len - i, &cp);
		FUZZ_CHECK(!fuzz_is_terminal_control(cp), what, s, len, i);
		i += n;
	}
}

/* A heap copy of exactly `len` bytes, no NUL after it: ASan sees any read past it. */
static inline char *fuzz_copy(const uint8_t *data, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (!p)
		abort();
	if (len)
		memcpy(p, data, len);
	return p;
}

#endif
