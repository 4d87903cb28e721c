/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "render/json.h"
#include "render/model.h"
#include "render/render.h"
#include "render/tree.h"

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
	assert_non_null(render_find("markdown"));
	assert_non_null(render_find("html"));
	assert_non_null(render_find("json"));
	assert_null(render_find("nope"));
}

static char *render_as(const char *format, const struct digest *d, const char *url)
{
	struct render_options o = {.top = 15, .abbrev = 9, .archive_url = url};
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	assert_int_equal(render_find(format)->render(fp, d, &o), 0);
	fclose(fp);
	return text;
}

/* Links: the base, the Message-ID percent-encoded, "/". */
static void test_message_url(void **state)
{
	static const struct {
		const char *base, *id, *want, *why;
	} vectors[] = {
		{"https://lore.kernel.org/kvm/", "20260127.1-2-a@b.org",
		 "https://lore.kernel.org/kvm/20260127.1-2-a@b.org/", "lore's form: '@' kept"},
		{"https://lore.kernel.org/kvm", "a@b", "https://lore.kernel.org/kvm/a@b/",
		 "a '/' added to the base"},
		{"https://x/", "a/b c%\"<>'()&#?`", "https://x/a%2Fb%20c%25%22%3C%3E%27%28%29%26%23%3F%60/",
		 "what would end a path, an attribute or a Markdown link is encoded"},
		{"https://x/", "\xc3\xa9@x", "https://x/%C3%A9@x/", "UTF-8 byte by byte"},
		{"https://x/", "", "", "no id, no link"},
		{"", "a@b", "", "no base, no link"},
	};
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		buf_reset(&b);
		render_append_message_url(&b, vectors[i].base, vectors[i].id);
		if (strcmp(b.data, vectors[i].want))
			fail_msg("%s: got '%s'", vectors[i].why, b.data);
	}
	buf_release(&b);
}

static void test_url_is_safe(void **state)
{
	static const struct {
		const char *url;
		int want;
		const char *why;
	} vectors[] = {
		{"https://lore.kernel.org/kvm/", 1, "https"},
		{"HTTP://example.org/", 1, "the scheme in any case"},
		{"javascript:alert(1)", 0, "not http"},
		{"data:text/html,x", 0, "not http"},
		{"//example.org/", 0, "no scheme"},
		{"https://x/\"onload=x", 0, "a quote would end the attribute"},
		{"https://x/'x", 0, "a single quote too"},
		{"https://x/ y", 0, "a blank"},
		{"https://x/<b>", 0, "angle brackets"},
		{"https://x/\ty", 0, "a control"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(vectors); i++)
		if (render_url_is_safe(vectors[i].url) != vectors[i].want)
			fail_msg("%s: %s", vectors[i].why, vectors[i].url);
}

static void test_diffstat(void **state)
{
	static const struct {
		const char *body, *want, *why;
	} vectors[] = {
		{"Fix it.\n\nSigned-off-by: A <a@b>\n---\n a/x.c | 2 +-\n b/y.c | 1 +\n 2 files changed, 2 insertions(+), 1 deletion(-)",
		 " a/x.c | 2 +-\n b/y.c | 1 +\n 2 files changed, 2 insertions(+), 1 deletion(-)",
		 "the file lines and the summary"},
		{" 1 file changed, 1 insertion(+)", " 1 file changed, 1 insertion(+)",
		 "only a summary"},
		{"Text | with a bar\n 1 file changed, 1 insertion(+)", " 1 file changed, 1 insertion(+)",
		 "a line not starting with a blank is not a file line"},
		{"No diffstat here.", "", "none"},
		{"", "", "empty"},
	};
	struct buf b = BUF_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		buf_reset(&b);
		render_append_diffstat(&b, vectors[i].body);
		if (strcmp(b.data, vectors[i].want))
			fail_msg("%s: got '%s'", vectors[i].why, b.data);
	}
	buf_release(&b);
}

/* The tree printer keeps what it is given; lookups never fail. */
static void test_tree(void **state)
{
	struct tree_printer tp;
	struct printer *p = &tp.printer;
	const struct tree *t;

	(void)state;
	tree_printer_init(&tp);
	p->begin_map(p);
	p->map_key(p, "s");
	p->string(p, "x");
	p->map_key(p, "n");
	p->integer(p, 42);
	p->map_key(p, "b");
	p->boolean(p, true);
	p->map_key(p, "l");
	p->begin_list(p);
	for (int i = 0; i < 100; i++) {
		p->begin_map(p);
		p->map_key(p, "i");
		p->integer(p, i);
		p->end(p);
	}
	p->end(p);
	p->map_key(p, "z");
	p->null(p);
	p->end(p);
	t = tree_printer_value(&tp);
	assert_string_equal(tree_str(t, "s"), "x");
	assert_int_equal(tree_int(t, "n"), 42);
	assert_true(tree_bool(t, "b"));
	assert_int_equal(tree_count(tree_get(t, "l")), 100);
	assert_int_equal(tree_int(tree_at(tree_get(t, "l"), 99), "i"), 99);
	assert_int_equal(tree_get(t, "z")->type, TREE_NULL);
	/* missing keys and wrong types read as empty */
	assert_string_equal(tree_str(t, "n"), "");
	assert_string_equal(tree_str(t, "nope"), "");
	assert_int_equal(tree_count(tree_get(t, "s")), 0);
	assert_int_equal(tree_at(tree_get(t, "l"), 100)->type, TREE_NULL);
	tree_printer_release(&tp);
}

/* What the streaming tree printer says, one line per event. */
static void record(void *data, enum tree_event event, const char *key, const struct tree *doc,
		   const struct tree *item)
{
	static const char *const names[] = {"begin", "item", "end"};
	struct buf *log = data;

	buf_addf(log, "%s %s", names[event], key);
	if (item && item->type == TREE_MAP)
		buf_addf(log, " {i=%lld, n=%zu}", tree_int(item, "i"),
			 tree_count(tree_get(item, "l")));
	else if (item)
		buf_addf(log, " %s", item->type == TREE_STRING ? item->string : "?");
	/* the keys before the list are there; a streamed list is empty after */
	buf_addf(log, " (a=%lld, l=%zu)\n", tree_int(doc, "a"), tree_count(tree_get(doc, "l")));
}

/* With tree_printer_stream, the lists of the top map come item by item and
 * are not kept; the rest is. */
static void test_tree_stream(void **state)
{
	struct tree_printer tp;
	struct printer *p = &tp.printer;
	struct buf log = BUF_INIT;
	const struct tree *t;

	(void)state;
	tree_printer_init(&tp);
	tree_printer_stream(&tp, record, &log);
	p->begin_map(p);
	p->map_key(p, "a");
	p->integer(p, 7);
	p->map_key(p, "m");
	p->begin_map(p);
	p->map_key(p, "inner");
	p->begin_list(p); /* not in the top map: kept */
	p->string(p, "x");
	p->end(p);
	p->end(p);
	p->map_key(p, "l");
	p->begin_list(p);
	for (int i = 0; i < 2; i++) {
		p->begin_map(p);
		p->map_key(p, "i");
		p->integer(p, i);
		p->map_key(p, "l"); /* a list in an item: part of the item */
		p->begin_list(p);
		p->integer(p, 1);
		p->begin_list(p);
		p->end(p);
		p->end(p);
		p->end(p);
	}
	p->string(p, "s");
	p->end(p);
	p->map_key(p, "e");
	p->begin_list(p);
	p->end(p);
	p->end(p);
	/* the list holds the item handed over, and no other */
	assert_string_equal(log.data, "begin l (a=7, l=0)\n"
				      "item l {i=0, n=2} (a=7, l=1)\n"
				      "item l {i=1, n=2} (a=7, l=1)\n"
				      "item l s (a=7, l=1)\n"
				      "end l (a=7, l=0)\n"
				      "begin e (a=7, l=0)\n"
				      "end e (a=7, l=0)\n");
	t = tree_printer_value(&tp);
	assert_int_equal(tree_int(t, "a"), 7);
	assert_int_equal(tree_count(tree_get(tree_get(t, "m"), "inner")), 1);
	assert_int_equal(tree_get(t, "l")->type, TREE_LIST);
	assert_int_equal(tree_count(tree_get(t, "l")), 0);
	tree_printer_release(&tp);
	buf_release(&log);
}

/* Every format renders an empty digest; the JSON parses. */
static void test_empty_formats(void **state)
{
	struct digest d;
	json_error_t error;
	json_t *root;
	char *text;

	(void)state;
	digest_init(&d);
	digest_set_window(&d, "L<&>", "2026-01-27T08:00Z", "2026-01-28T08:00Z");
	text = render_as("json", &d, NULL);
	root = json_loads(text, 0, &error);
	assert_non_null(root);
	assert_int_equal(json_integer_value(json_object_get(root, "version")), RENDER_MODEL_VERSION);
	assert_string_equal(json_string_value(json_object_get(root, "list")), "L<&>");
	assert_true(json_is_true(json_object_get(json_object_get(root, "window"), "by_date")));
	assert_int_equal(json_array_size(json_object_get(root, "series")), 0);
	json_decref(root);
	free(text);
	text = render_as("html", &d, NULL);
	assert_non_null(strstr(text, "<title>L&lt;&amp;&gt; mailing list update from 2026-01-27T08:00Z"));
	free(text);
	text = render_as("markdown", &d, NULL);
	assert_non_null(strstr(text, "# L\\<\\&\\> mailing list update"));
	free(text);
	digest_release(&d);
}

/* Gives the value `v` to printer `p`, as model.c would. */
static void replay(struct printer *p, json_t *v)
{
	void *iter;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		p->begin_map(p);
		for (iter = json_object_iter(v); iter; iter = json_object_iter_next(v, iter)) {
			p->map_key(p, json_object_iter_key(iter));
			replay(p, json_object_iter_value(iter));
		}
		p->end(p);
		break;
	case JSON_ARRAY:
		p->begin_list(p);
		for (i = 0; i < json_array_size(v); i++)
			replay(p, json_array_get(v, i));
		p->end(p);
		break;
	case JSON_STRING:
		p->string(p, json_string_value(v));
		break;
	case JSON_INTEGER:
		p->integer(p, (long long)json_integer_value(v));
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		p->boolean(p, json_is_true(v));
		break;
	default:
		p->null(p);
	}
}

/* What json_printer writes of the values `p` gives. */
static char *json_print(void (*give)(struct printer *p, void *data), void *data)
{
	struct json_printer jp;
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	assert_non_null(fp);
	json_printer_init(&jp, fp);
	give(&jp.printer, data);
	json_printer_finish(&jp);
	json_printer_release(&jp);
	fclose(fp);
	return text;
}

static void give_json(struct printer *p, void *data)
{
	replay(p, data);
}

/* jansson's dump, as json.c used to write the digest. */
static char *jansson_print(json_t *root)
{
	char *dump = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	char *text;

	assert_non_null(dump);
	text = malloc(strlen(dump) + 2);
	assert_non_null(text);
	sprintf(text, "%s\n", dump);
	free(dump);
	return text;
}

/* The streaming JSON printer writes what jansson dumped of the same values. */
static void test_json_printer(void **state)
{
	static const struct {
		const char *json, *why;
	} vectors[] = {
	    {"{}", "an empty map"},
	    {"[]", "an empty list"},
	    {"{\"a\": {}, \"b\": [], \"c\": [[]], \"d\": [{}], \"e\": {\"f\": {}}}",
	     "empty containers nested: '{}' and '[]' without a newline"},
	    {"[[], [[]], {}, [{}, []]]", "empties in lists, first and last"},
	    {"{\"n\": 0, \"neg\": -42, \"big\": 9223372036854775807, \"small\": "
	     "-9223372036854775808}",
	     "integers at both ends"},
	    {"{\"t\": true, \"f\": false, \"z\": null}", "the constants"},
	    {"[\"\\\"quoted\\\" and \\\\back\\\\\", \"a/b\", \"</script>\"]",
	     "quotes and backslashes escaped; '/' is not"},
	    {"[\"\\b\\f\\n\\r\\t\", \"\\u0001\\u001b\\u001f\", \"\\u007f\"]",
	     "control characters: the short escapes, \\u00XX upper-case; DEL as it is"},
	    {"[\"caf\\u00e9\", \"\\u2028\\u2029\", \"\\ud83d\\ude00\", \"\\ufeff\"]",
	     "UTF-8 as it is, also the JavaScript line separators and a BOM"},
	    {"{\"\\\"key\\n\": 1, \"\": 2}", "keys escaped like strings; an empty key"},
	    {"[[[[[[[[[[[[[[[[[[[[[[[[\"deep\"]]]]]]]]]]]]]]]]]]]]]]]]",
	     "deeper than the first stack and than 32 spaces of indent"},
	    {"{\"a\": [1, {\"b\": [true, null, \"x\"], \"c\": {}}, [2, 3]], \"d\": \"e\"}",
	     "the mix the model prints"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(vectors); i++) {
		json_error_t error;
		json_t *root = json_loads(vectors[i].json, JSON_DECODE_ANY, &error);
		char *want, *got;

		if (!root)
			fail_msg("%s: %s", vectors[i].why, error.text);
		want = jansson_print(root);
		got = json_print(give_json, root);
		if (strcmp(got, want))
			fail_msg("%s: got\n%s\nwant\n%s", vectors[i].why, got, want);
		free(want);
		free(got);
		json_decref(root);
	}
}

static void give_invalid_utf8(struct printer *p, void *data)
{
	(void)data;
	p->begin_list(p);
	p->string(p, "a\xff"
		     "b\xc0\xaf"
		     "c\xed\xa0\x80"
		     "d\x01"
		     "e");
	p->string(p, NULL);
	p->end(p);
}

/* A string that is not UTF-8 (jansson refused it) is made printable UTF-8,
 * as before: each bad byte U+FFFD (overlong and surrogate too), controls
 * dropped; a NULL string is null. */
static void test_json_printer_invalid_utf8(void **state)
{
	char *got;

	(void)state;
	got = json_print(give_invalid_utf8, NULL);
	assert_string_equal(got, "[\n  \"a\xef\xbf\xbd"
				 "b\xef\xbf\xbd\xef\xbf\xbd"
				 "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
				 "de\",\n  null\n]\n");
	free(got);
}

/* The digest in JSON is what jansson makes of it once parsed. */
static void test_json_digest_layout(void **state)
{
	struct digest d;
	struct store *s = memstate_new();
	json_error_t error;
	json_t *root;
	char *text, *want;

	(void)state;
	digest_init(&d);
	add(&d, s, "c1", "[PATCH v2 0/2] Thing", "ann@a.org", "Cover \"quoted\".\n\ttab\n");
	add(&d, s, "c2", "[PATCH v2 1/2] Thing one", "ann@a.org", "One.\n");
	add(&d, s, "c3", "[PATCH] Other", "bob@b.org", "");
	assert_int_equal(digest_finish(&d, s), 0);
	digest_set_window(&d, "L", "a", "b");
	text = render_as("json", &d, "https://x/");
	root = json_loads(text, 0, &error);
	assert_non_null(root);
	want = jansson_print(root);
	assert_string_equal(text, want);
	free(want);
	json_decref(root);
	free(text);
	digest_release(&d);
	store_free(s);
}

/* A body holding backtick fences gets a longer fence in Markdown. */
static void test_markdown_fence(void **state)
{
	struct digest d;
	struct store *s = memstate_new();
	char *text;

	(void)state;
	digest_init(&d);
	add(&d, s, "c1", "[PATCH] Thing", "ann@a.org", "Text\n```\nnot the end\n``````\nstill\n");
	assert_int_equal(digest_finish(&d, s), 0);
	digest_set_window(&d, "L", "a", "b");
	text = render_as("markdown", &d, "https://x/");
	assert_non_null(strstr(text, "\n```````text\nText\n```\nnot the end\n``````\nstill\n```````\n"));
	assert_non_null(strstr(text, "[\\[PATCH\\] Thing](<https://x/c1/>)"));
	free(text);
	digest_release(&d);
	store_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty),
	    cmocka_unit_test(test_entries),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_message_url),
	    cmocka_unit_test(test_url_is_safe),
	    cmocka_unit_test(test_diffstat),
	    cmocka_unit_test(test_tree),
	    cmocka_unit_test(test_tree_stream),
	    cmocka_unit_test(test_empty_formats),
	    cmocka_unit_test(test_markdown_fence),
	    cmocka_unit_test(test_json_printer),
	    cmocka_unit_test(test_json_printer_invalid_utf8),
	    cmocka_unit_test(test_json_digest_layout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
