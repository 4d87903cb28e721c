/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Fuzz target: pack_delta_apply() (src/archive/pack.h), git's delta format
 * as the pack reader applies it to a base.  The input: one byte n, then
 * the base (the next n bytes, or what there is), then the delta (the
 * rest); each a heap copy of exactly its bytes.
 *
 * Checked, besides memory safety (no read past the base or the delta, no
 * write past the result): a result is returned only with its size as the
 * delta's header says, at most the limit, with a NUL after it; on failure
 * nothing is returned.
 */
#include "fuzz.h"

#include "archive/pack.h"

#define FUZZ_DELTA_MAX ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t base_len, delta_len, out_len = 0;
	unsigned char *base, *delta;
	char *out = (char *)1;
	int error;

	if (size == 0)
		return 0;
	base_len = data[0] < size - 1 ? data[0] : size - 1;
	delta_len = size - 1 - base_len;
	base = malloc(base_len ? base_len : 1);
	delta = malloc(delta_len ? delta_len : 1);
	if (!base || !delta)
		abort();
	memcpy(base, data + 1, base_len);
	memcpy(delta, data + 1 + base_len, delta_len);
	error = pack_delta_apply(&out, &out_len, base, base_len, delta, delta_len, FUZZ_DELTA_MAX);
	if (error == 0) {
		FUZZ_CHECK(out != NULL, "a result", NULL, 0, 0);
		FUZZ_CHECK(out_len <= FUZZ_DELTA_MAX, "at most the limit", out, out_len, 0);
		FUZZ_CHECK(out[out_len] == '\0', "a NUL after the result", out, out_len, 0);
	} else {
		FUZZ_CHECK(error == -1, "-1 on failure", NULL, 0, 0);
		FUZZ_CHECK(out == NULL, "no result on failure", NULL, 0, 0);
	}
	free(out);
	free(delta);
	free(base);
	return 0;
}
