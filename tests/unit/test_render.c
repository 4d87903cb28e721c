/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include "render/render.h"

static char *render(const struct digest *d, unsigned top, unsigned abbrev)
{
	struct render_options o = {.top = top, .abbrev = abbrev};
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	assert_int_equal(render_find("text")->render(fp, d, &o), 0);
	fclose(fp);
	return text;
}

static void add(struct digest *d, struct store *s, const char *key, const char *subject,
		const char *addr, const char *body)
{
	struct digest_message m = {
		.key = key, .commit = key, .message_id = key, .in_reply_to = "", .references = "",
		.subject = subject, .from_name = "Ann", .from_addr = addr, .author_name = "Ann", .author_addr = addr,
		.body = body, .body_len = strlen(body),
	};

	assert_int_equal(digest_add_message(d, s, &m), 0);
}

/* Every heading is printed even when its section is empty. */
static void test_empty(void **state)
{
	struct digest d;
	char *text;

	(void)state;
	digest_init(&d);
	digest_set_window(&d, "KVM", "8f7de36f8c5686b50092cc20ce2706d467b4b8b1",
			  "88889df72aa6aa740e4e17d6b68e4c29c7f4975f");
	text = render(&d, 15, 9);
	assert_string_equal(text,
			    "From 8f7de36f8 to 88889df72\n"
			    "KVM mailing list update from 8f7de36f8 to 88889df72\n\n"
			    "Top 15 contributor Email domains (Based on Email Body)\n\n\n"
			    "Top 15 contributors (Based on Email Body)\n\n\n"
			    "===== Patch list in this time period =====\n\n\n"
			    "===== Patch Commit Messages ====\n\n");
	free(text);
	digest_release(&d);
}

/* New and duplicate entries, --top and --abbrev. */
static void test_entries(void **state)
{
	struct digest d;
	struct store *s = memstate_new();
	char *text;

	(void)state;
	digest_init(&d);
	add(&d, s, "c1", "[PATCH v2 0/1] Thing", "ann@a.org", "Cover.\n");
	add(&d, s, "c2", "[PATCH v2 0/1] Thing", "ann@a.org", "Cover.\n");
	add(&d, s, "c3", "[PATCH] Other", "bob@b.org", "");
	digest_set_window(&d, "L", "0123456789012345678901234567890123456789",
			  "abcdefabcdefabcdefabcdefabcdefabcdefabcd");
	text = render(&d, 1, 4);
	assert_string_equal(text,
			    "From 0123 to abcd\n"
			    "L mailing list update from 0123 to abcd\n\n"
			    "Top 1 contributor Email domains (Based on Email Body)\n\n"
			    "      2 a.org\n\n"
			    "Top 1 contributors (Based on Email Body)\n\n"
			    "      2  Ann <ann@a.org>\n\n"
			    "===== Patch list in this time period =====\n\n\n"
			    "===== Patch Commit Messages ====\n\n"
			    "New:  Thing\n[PATCH v2 0/1] Thing\nAuthor: Ann <ann@a.org>\n\nCover.\n\n"
			    "----------------------------------------------------------------------\n\n"
			    "Exist: [PATCH v2 0/1] Thing\n Skip: [PATCH v2 0/1] Thing\n"
			    "New:  Other\n[PATCH] Other\nAuthor: Ann <bob@b.org>\n\n\n\n"
			    "----------------------------------------------------------------------\n\n");
	free(text);
	digest_release(&d);
	store_free(s);
}

static void test_find(void **state)
{
	(void)state;
	assert_non_null(render_find("text"));
	assert_null(render_find("nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_entries),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
