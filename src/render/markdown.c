/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --format markdown: GitHub-flavoured Markdown of the model (model.c).
 * Every string from mail goes through md_text() (punctuation that means
 * something to Markdown or HTML backslash-escaped, line breaks made
 * spaces) or md_fenced() (a fence longer than any backtick run inside, so
 * the text cannot end its block).  Links are only the model's URLs, which
 * are http(s) and percent-encoded.
 */
#include "render/render.h"

#include <stdlib.h>
#include <string.h>

#include "render/model.h"
#include "render/tree.h"

/* Inline text: escaped, on one line. */
static void md_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t')
			fputc(' ', out);
		else if (strchr("\\`*_{}[]()<>#!|~&$", *s))
			fprintf(out, "\\%c", *s);
		else
			fputc(*s, out);
	}
}

/* [text](<url>), or the text alone without a URL. */
static void md_link(FILE *out, const char *text, const char *url)
{
	if (!*url || !render_url_is_safe(url)) {
		md_text(out, text);
		return;
	}
	fputc('[', out);
	md_text(out, text);
	fprintf(out, "](<%s>)", url);
}

/* A fenced block that nothing inside can close. */
static void md_fenced(FILE *out, const char *body)
{
	size_t run = 0, longest = 0, fence, i;
	const char *s;

	for (s = body; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	fence = longest >= 3 ? longest + 1 : 3;
	for (i = 0; i < fence; i++)
		fputc('`', out);
	fputs("text\n", out);
	fputs(body, out);
	if (*body && body[strlen(body) - 1] != '\n')
		fputc('\n', out);
	for (i = 0; i < fence; i++)
		fputc('`', out);
	fputs("\n\n", out);
}

static void md_top(FILE *out, const struct tree *stats, const char *key, const char *heading,
		   const char *column)
{
	const struct tree *rows = tree_get(stats, key);
	size_t i;

	fprintf(out, "## Top %lld %s\n\n", tree_int(stats, "top"), heading);
	if (!tree_count(rows)) {
		fputs("None.\n\n", out);
		return;
	}
	fprintf(out, "| Patches | %s |\n| ---: | :--- |\n", column);
	for (i = 0; i < tree_count(rows); i++) {
		fprintf(out, "| %lld | ", tree_int(tree_at(rows, i), "count"));
		md_text(out, tree_str(tree_at(rows, i), "name"));
		fputs(" |\n", out);
	}
	fputc('\n', out);
}

static void md_person(FILE *out, const struct tree *person)
{
	md_text(out, tree_str(person, "shown"));
	if (*tree_str(person, "organisation")) {
		fputs(" (", out);
		md_text(out, tree_str(person, "organisation"));
		fputc(')', out);
	}
}

/* "3/7", "cover", or "" for a single patch. */
static void md_index(FILE *out, const struct tree *s, long long index)
{
	if (tree_int(s, "total"))
		fprintf(out, "%lld/%lld", index, tree_int(s, "total"));
	else
		fputs("patch", out);
}

static void md_series(FILE *out, const struct tree *s)
{
	const struct tree *status = tree_get(s, "status"), *list;
	size_t i;

	fprintf(out, "### %lld. ", tree_int(s, "number"));
	md_text(out, tree_str(s, "title"));
	fputs("\n\n", out);
	fputs("**", out);
	md_text(out, tree_str(s, "version"));
	if (tree_bool(s, "rfc"))
		fputs(" RFC", out);
	fputs("**", out);
	for (i = 0; i < tree_count(status); i++) {
		fputs(" · ", out);
		md_text(out, tree_str(tree_at(status, i), "text"));
	}
	fputs("\n\n- Subject: ", out);
	md_link(out, tree_str(s, "subject"), tree_str(s, "url"));
	fputs("\n- Author: ", out);
	md_person(out, tree_get(s, "author"));
	fputs("\n- Sender: ", out);
	md_text(out, tree_str(s, "sender"));
	if (*tree_str(s, "message_id")) {
		fputs("\n- Message-ID: ", out);
		md_text(out, tree_str(s, "message_id"));
	}
	list = tree_get(s, "earlier_versions");
	if (tree_count(list)) {
		fputs("\n- Earlier versions: ", out);
		for (i = 0; i < tree_count(list); i++) {
			const struct tree *v = tree_at(list, i);

			if (i)
				fputs(", ", out);
			md_link(out, tree_str(v, "version"), tree_str(v, "url"));
			if (strcmp(tree_str(v, "title"), tree_str(s, "title"))) {
				fputs(" (", out);
				md_text(out, tree_str(v, "title"));
				fputc(')', out);
			}
		}
	}
	list = tree_get(s, "messages");
	if (*tree_str(s, "url") && tree_count(list) > 1) {
		fputs("\n- Messages: ", out);
		for (i = 0; i < tree_count(list); i++) {
			const struct tree *msg = tree_at(list, i);
			struct buf label = BUF_INIT;

			if (i)
				fputs(", ", out);
			if (tree_int(s, "total"))
				buf_addf(&label, "%lld/%lld", tree_int(msg, "index"),
					 tree_int(s, "total"));
			else
				buf_addstr(&label, "patch");
			md_link(out, label.data, tree_str(msg, "url"));
			buf_release(&label);
		}
	}
	fprintf(out, "\n- Replies: %lld", tree_int(s, "replies"));
	list = tree_get(s, "trailers");
	if (tree_count(list)) {
		fputs("\n- Trailers:", out);
		for (i = 0; i < tree_count(list); i++) {
			const struct tree *t = tree_at(list, i);

			fputs("\n  - ", out);
			md_text(out, tree_str(t, "kind"));
			fputs(": ", out);
			if (*tree_str(t, "name")) {
				md_text(out, tree_str(t, "name"));
				fputs(" ", out);
			}
			fputs("\\<", out);
			md_text(out, tree_str(t, "address"));
			fputs("\\>", out);
			if (tree_get(t, "patch")->type == TREE_INTEGER) {
				fputs(" on ", out);
				md_index(out, s, tree_int(t, "patch"));
			}
			if (tree_bool(t, "in_patch"))
				fputs(" (carried in the patch)", out);
		}
	}
	list = tree_get(s, "applied");
	for (i = 0; i < tree_count(list); i++) {
		const struct tree *a = tree_at(list, i);

		fputs("\n- Applied: ", out);
		md_text(out, tree_str(a, "text"));
		if (*tree_str(a, "commit")) {
			fputs(" (", out);
			md_text(out, tree_str(a, "commit"));
			fputc(')', out);
		}
	}
	list = tree_get(s, "duplicates");
	for (i = 0; i < tree_count(list); i++) {
		const struct tree *dup = tree_at(list, i);

		fputs("\n- Re-sent: ", out);
		md_link(out, tree_str(dup, "subject"), tree_str(dup, "url"));
		fputs(" by ", out);
		md_text(out, tree_str(dup, "sender"));
	}
	if (*tree_str(s, "diffstat")) {
		const char *stat = tree_str(s, "diffstat"), *last = strrchr(stat, '\n');

		last = last ? last + 1 : stat;
		while (*last == ' ')
			last++;

		fputs("\n- Diffstat: ", out);
		md_text(out, last);
	}
	fputs("\n\n", out);
	if (*tree_str(s, "lead_body")) {
		fputs(tree_bool(s, "cover_letter") ? "Cover letter:\n\n" : "Commit message:\n\n",
		      out);
		md_fenced(out, tree_str(s, "lead_body"));
	}
	if (*tree_str(s, "first_patch_body")) {
		fputs("Commit message of patch 1:\n\n", out);
		md_fenced(out, tree_str(s, "first_patch_body"));
	}
}

/* The title, the counts and the top lists: what comes before the lists. */
static void md_head(FILE *out, const struct tree *doc)
{
	const struct tree *stats = tree_get(doc, "stats"), *window = tree_get(doc, "window");

	fputs("# ", out);
	md_text(out, tree_str(doc, "list"));
	fputs(" mailing list update from ", out);
	md_text(out, tree_str(window, "from_short"));
	fputs(" to ", out);
	md_text(out, tree_str(window, "to_short"));
	fprintf(out,
		"\n\n%lld messages: %lld patches, %lld replies. %lld series; %lld new "
		"leads, %lld re-sent; %lld applied.\n\n",
		tree_int(stats, "messages"), tree_int(stats, "patches"), tree_int(stats, "replies"),
		tree_int(stats, "series"), tree_int(stats, "new"), tree_int(stats, "duplicates"),
		tree_int(stats, "applied"));
	md_top(out, stats, "top_domains", "contributor email domains", "Domain");
	md_top(out, stats, "top_people", "contributors", "Contributor");
	if (tree_get(stats, "top_organisations")->type == TREE_LIST)
		md_top(out, stats, "top_organisations", "organisations", "Organisation");
}

static void md_applied(FILE *out, const struct tree *a)
{
	const char *text = tree_str(a, "text"), *nl = strchr(text, '\n');

	fputs("- ", out);
	if (nl) {
		char *subject = xmemdupz(text, (size_t)(nl - text));

		fputs("**", out);
		md_text(out, subject);
		fputs("**: ", out);
		md_text(out, nl + 5);
		free(subject);
	} else {
		md_text(out, text);
	}
	fputc('\n', out);
}

/* An entry of no series, under "Other patches". */
static void md_other(FILE *out, const struct tree *e)
{
	fputs("### ", out);
	md_text(out, tree_str(e, "title"));
	fputs("\n\n- Subject: ", out);
	md_link(out, tree_str(e, "subject"), tree_str(e, "url"));
	fputs("\n- Sender: ", out);
	md_text(out, tree_str(e, "sender"));
	fputs(strcmp(tree_str(e, "kind"), "new") ? "\n- Re-sent\n\n" : "\n\n", out);
	if (*tree_str(e, "body"))
		md_fenced(out, tree_str(e, "body"));
}

struct md_page {
	FILE *out;
	size_t applied, series, others; /* items printed */
};

/*
 * The lists as the model prints them (applied, series, entries, after the
 * stats): each item printed as it comes, so the page takes the memory of
 * one series, not of the digest.  An empty list's "None." comes at its end,
 * where no item was printed before it.
 */
static void md_list(void *data, enum tree_event event, const char *key, const struct tree *doc,
		    const struct tree *item)
{
	struct md_page *page = data;
	FILE *out = page->out;

	if (!strcmp(key, "applied")) {
		if (event == TREE_LIST_BEGIN) {
			md_head(out, doc);
			fputs("## Applied in this period\n\n", out);
		} else if (event == TREE_LIST_ITEM) {
			page->applied++;
			md_applied(out, item);
		} else if (!page->applied) {
			fputs("None.\n", out);
		}
	} else if (!strcmp(key, "series")) {
		if (event == TREE_LIST_BEGIN) {
			fputs("\n## Series\n\n", out);
		} else if (event == TREE_LIST_ITEM) {
			page->series++;
			md_series(out, item);
		} else if (!page->series) {
			fputs("None.\n\n", out);
		}
	} else if (!strcmp(key, "entries") && event == TREE_LIST_ITEM) {
		if (tree_get(item, "series")->type == TREE_STRING)
			return;
		if (!page->others++)
			fputs("## Other patches\n\n", out);
		md_other(out, item);
	}
}

int render_markdown(FILE *out, const struct digest *d, const struct render_options *o)
{
	struct tree_printer tp;
	struct md_page page = {.out = out};

	tree_printer_init(&tp);
	tree_printer_stream(&tp, md_list, &page);
	render_model(&tp.printer, d, o);
	tree_printer_release(&tp);
	return 0;
}
