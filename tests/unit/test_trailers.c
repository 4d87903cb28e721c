/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/series/owntext.c and src/series/trailer.c: the
 * writer's own text of a mail and the review trailers in it.
 *
 * Vectors with a commit id are from the kvm-ppc archive, trimmed; "not in
 * corpus" vectors are forms the issue names.  Bodies are copied to the heap
 * without a NUL, so AddressSanitizer catches a read past `len`.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "series/owntext.h"
#include "series/trailer.h"

static char *heap_copy(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

/* ---- own text ---- */

struct own_vector {
	const char *why;
	const char *body;
	bool stop_at_patch;
	const char *lines; /* the own lines, each followed by '|' */
};

/* clang-format off */
static const struct own_vector own_vectors[] = {
	{"quoted lines are skipped, own lines kept, CR dropped",
	 "On Mon, X wrote:\n> quoted\n  > indented quote\n|> pipe quote\nmine\r\n", false,
	 "On Mon, X wrote:|mine|"},
	{"the signature line '-- ' ends the own text", "a\n-- \nsig\n", false, "a|"},
	{"'--' without its space (mailers strip it) ends it too", "a\n--\nsig\n", false, "a|"},
	{"'---' is own text in a reply", "a\n---\nb\n", false, "a|---|b|"},
	{"'---' ends a patch's commit message", "a\n---\nb\n", true, "a|"},
	{"'diff --git' ends a patch's text", "a\ndiff --git a/x b/x\nb\n", true, "a|"},
	{"an Outlook original ends the own text",
	 "top post\n-----Original Message-----\nFrom: x\n", false, "top post|"},
	{"no newline at the end", "last line", false, "last line|"},
	{"empty lines are lines", "\n\nx\n", false, "||x|"},
	{"empty body", "", false, ""},
};
/* clang-format on */

static void test_owntext(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(own_vectors); i++) {
		const struct own_vector *v = &own_vectors[i];
		size_t len = strlen(v->body), llen;
		char *body = heap_copy(v->body, len);
		char got[256] = "";
		const char *line;
		struct owntext it;

		owntext_init(&it, body, len, v->stop_at_patch);
		while (owntext_next(&it, &line, &llen)) {
			strncat(got, line, llen);
			strcat(got, "|");
		}
		if (strcmp(got, v->lines)) {
			fprintf(stderr, "%s: '%s', want '%s'\n", v->why, got, v->lines);
			fail();
		}
		free(body);
	}
}

/* ---- trailers ---- */

struct trailer_vector {
	const char *why;
	const char *body;
	bool in_patch;
	const char *want; /* "Kind:name:addr" each followed by '|' */
};

/* clang-format off */
static const struct trailer_vector trailer_vectors[] = {
	{"7c70d7f08ffa: a review and a test on a cover letter, after the quoted cover",
	 "On 17/06/2019 09:16, Suraj Jitindar Singh wrote:\n"
	 "> Series contains 2 patches to fix the host in kernel handling of the hcall\n"
	 "> h_set_dawr.\n"
	 "\n"
	 "\n"
	 "\n"
	 "Reviewed-by: C\xc3\xa9" "dric Le Goater <clg@kaod.org>\n"
	 "\n"
	 "and \n"
	 "\n"
	 "Tested-by: C\xc3\xa9" "dric Le Goater <clg@kaod.org>\n"
	 "\n"
	 "\n"
	 "but I see slowdowns in nested as if the IPIs were not delivered. Have we\n"
	 "touch this part in 5.2 ? \n",
	 false,
	 "Reviewed-by:C\xc3\xa9" "dric Le Goater:clg@kaod.org|Tested-by:C\xc3\xa9" "dric Le Goater:clg@kaod.org|"},
	{"3b45c93bbd52: the patch's own Reported-by (in_patch); its '--' line ends the text",
	 "From: Michael Neuling <mikey@neuling.org>\n"
	 "\n"
	 "Commit c1fe190c0672 (\"powerpc: Add force enable of DAWR on P9\n"
	 "option\") screwed up some assembler and corrupted a pointer in\n"
	 "r3. This resulted in crashes like the below:\n"
	 "\n"
	 "Fixes: c1fe190c0672 (\"powerpc: Add force enable of DAWR on P9 option\")\n"
	 "Signed-off-by: Michael Neuling <mikey@neuling.org>\n"
	 "Reported-by: C\xc3\xa9" "dric Le Goater <clg@kaod.org>\n"
	 "--\n"
	 "mpe: This is for 5.2 fixes\n"
	 "\n"
	 "v2: Review from Christophe Leroy\n"
	 "---\n"
	 " arch/powerpc/kvm/book3s_hv_rmhandlers.S | 4 +++-\n"
	 " 1 file changed, 3 insertions(+), 1 deletion(-)\n",
	 true,
	 "Reported-by:C\xc3\xa9" "dric Le Goater:clg@kaod.org|"},
	{"not in corpus: trailers after a patch's '---' are not its own",
	 "Signed-off-by: A <a@b.c>\n---\nReviewed-by: Not Mine <not@mine.org>\n", true, ""},
	{"a review quoted from the patch is not given by the replier",
	 "> Reviewed-by: Someone Else <else@example.org>\n"
	 "> Signed-off-by: A <a@b.c>\n"
	 "\n"
	 "Acked-by: Paul Mackerras <paulus@ozlabs.org>\n",
	 false, "Acked-by:Paul Mackerras:paulus@ozlabs.org|"},
	{"0a506544903a: the kernel test robot's '| Reported-by:' is a request, not a trailer",
	 "If you fix the issue in a separate patch/commit (i.e. not just a new version of\n"
	 "the same patch/commit), kindly add following tags\n"
	 "| Reported-by: kernel test robot <lkp@intel.com>\n"
	 "| Closes: https://lore.kernel.org/oe-kbuild-all/202505111440.nvpCp0Tw-lkp@intel.com/\n",
	 false, ""},
	{"not in corpus: a trailer after the signature is not given",
	 "Looks good.\n-- \nReviewed-by: Sig Nature <sig@example.org>\n", false, ""},
	{"not in corpus: any case, indented, quoted name, bare address",
	 "  reviewed-BY: \"Last, First\" <first.last@example.org>\n"
	 "Tested-by: tester@example.org\n",
	 false, "Reviewed-by:Last, First:first.last@example.org|Tested-by::tester@example.org|"},
	{"not in corpus: no address, no trailer ('Acked-by: me'); Signed-off-by is not a review",
	 "Acked-by: me\nSigned-off-by: X <x@y.z>\nAcked-by: <>\nAcked-by: Name <no-at>\n",
	 false, ""},
	{"not in corpus: a trailer at the body's first byte (the prefilter looks back from '-by:')",
	 "Acked-by: A <a@b.c>\n", false, "Acked-by:A:a@b.c|"},
	{"not in corpus: an upper-case kind after Signed-off-by (which alone is skipped unread)",
	 "Signed-off-by: X <x@y.z>\nREPORTED-BY: R <r@s.t>\n", false, "Reported-by:R:r@s.t|"},
	{"not in corpus: a key without its colon, or another word", "Reviewed-by Paul <p@q.r>\nReviewed-byte: <p@q.r>\n",
	 false, ""},
};
/* clang-format on */

static void test_trailers(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(trailer_vectors); i++) {
		const struct trailer_vector *v = &trailer_vectors[i];
		size_t len = strlen(v->body), n;
		char *body = heap_copy(v->body, len);
		struct trailer found[TRAILER_MAX];
		char got[1024] = "";

		n = trailer_scan(body, len, v->in_patch, found, TRAILER_MAX);
		for (k = 0; k < n; k++) {
			char one[256];

			snprintf(one, sizeof(one), "%s:%.*s:%.*s|",
				 trailer_kind_name(found[k].kind), (int)found[k].name.len,
				 body + found[k].name.off, (int)found[k].addr.len,
				 body + found[k].addr.off);
			strcat(got, one);
		}
		if (strcmp(got, v->want)) {
			fprintf(stderr, "%s: '%s', want '%s'\n", v->why, got, v->want);
			fail();
		}
		free(body);
	}
}

/* At most `max` trailers, and at most OWNTEXT_MAX_LINES lines, are read. */
static void test_bounds(void **state)
{
	const char *line = "Acked-by: A <a@b.c>\n";
	size_t one = strlen(line), count = OWNTEXT_MAX_LINES + 100, i;
	char *body = malloc(one * count);
	struct trailer found[TRAILER_MAX];

	(void)state;
	for (i = 0; i < count; i++)
		memcpy(body + i * one, line, one);
	assert_int_equal(trailer_scan(body, one * count, false, found, 3), 3);
	assert_int_equal(trailer_scan(body, one * count, false, found, TRAILER_MAX), TRAILER_MAX);
	free(body);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_owntext),
	    cmocka_unit_test(test_trailers),
	    cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
