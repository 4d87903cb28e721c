/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --format html: one self-contained page of the model (model.c): inline
 * CSS, inline SVG charts, no script, no fetch (a Content-Security-Policy
 * says so too).  Every string from mail goes through html_text(), which
 * escapes & < > " ' (so it is inert in text and in quoted attributes alike)
 * and drops control characters; the only hrefs are the page's own anchors
 * and the model's message URLs, which are http(s) (render_url_is_safe) and
 * percent-encoded.
 */
#include "render/render.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "render/model.h"
#include "render/tree.h"
#include "util/error.h"
#include "util/spool.h"

/* Applied notices shown unfolded up to this many. */
#define HTML_OPEN_APPLIED 20

static void html_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				break; /* already dropped upstream; never let one through */
			fputc(c, out);
		}
	}
}

/* <a href="url">text</a>, or the text alone when the URL may not be a link. */
static void html_link(FILE *out, const char *text, const char *url)
{
	if (!*url || !render_url_is_safe(url)) {
		html_text(out, text);
		return;
	}
	fputs("<a href=\"", out);
	html_text(out, url);
	fputs("\" rel=\"noopener noreferrer nofollow\">", out);
	html_text(out, text);
	fputs("</a>", out);
}

/* clang-format off */
static const char style[] =
	":root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--card:#f6f8fa;--line:#d1d9e0;"
	"--accent:#0969da;--bar:#54aeff;--new:#1a7f37;--ver:#8250df;--part:#bc4c00;"
	"--ok:#1a7f37;--rev:#0969da;--app:#6639ba;--old:#59636e}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;"
	"--card:#151b23;--line:#3d444d;--accent:#4493f8;--bar:#1f6feb;--new:#3fb950;"
	"--ver:#ab7df8;--part:#db6d28;--ok:#3fb950;--rev:#4493f8;--app:#a371f7;--old:#9198a1}}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:62rem;padding:1rem;font:16px/1.5 system-ui,-apple-system,"
	"'Segoe UI',Roboto,sans-serif;color:var(--fg);background:var(--bg)}\n"
	"h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;border-bottom:1px solid "
	"var(--line);padding-bottom:.3rem;margin-top:2rem}h3{font-size:1.1rem;margin:0 0 .4rem;"
	"overflow-wrap:anywhere}\n"
	"a{color:var(--accent)}code,pre{font:13px/1.45 ui-monospace,'SFMono-Regular',Menlo,"
	"Consolas,monospace}\n"
	".window{color:var(--muted);margin:0}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(6.5rem,1fr));gap:.6rem;"
	"margin:1rem 0;padding:0;list-style:none}\n"
	".cards li{background:var(--card);border:1px solid var(--line);border-radius:8px;"
	"padding:.5rem .75rem}.cards b{display:block;font-size:1.4rem}.cards span{color:"
	"var(--muted);font-size:.85rem}\n"
	".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}\n"
	"figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;"
	"padding:.75rem}figcaption{font-weight:600;margin-bottom:.4rem}\n"
	"svg.bars{width:100%;height:auto;display:block}svg.bars text{fill:var(--fg);"
	"font:12px system-ui,sans-serif}svg.bars rect{fill:var(--bar)}svg.bars .n{fill:"
	"var(--muted)}\n"
	".toc{padding-left:1.5rem}.toc li{margin:.15rem 0;overflow-wrap:anywhere}\n"
	"article{border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin:1rem 0}\n"
	".b{display:inline-block;border:1px solid currentColor;border-radius:1em;padding:0 .55em;"
	"font-size:.8rem;margin:0 .25rem .25rem 0;white-space:nowrap}\n"
	".b-v{color:var(--fg)}.b-new{color:var(--new)}.b-resent{color:var(--old)}"
	".b-version{color:var(--ver)}.b-complete{color:var(--ok)}.b-incomplete{color:var(--part)}"
	".b-reviewed{color:var(--rev)}.b-applied{color:var(--app)}\n"
	"dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .9rem;margin:.5rem 0}"
	"dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere;min-width:0}\n"
	"@media (max-width:40rem){dl{grid-template-columns:1fr}dd{margin-bottom:.3rem}}\n"
	"dd ul,dd ol{margin:0;padding-left:1.2rem}\n"
	"details{margin:.4rem 0}summary{cursor:pointer;color:var(--accent)}\n"
	"pre{background:var(--card);border:1px solid var(--line);border-radius:6px;padding:.6rem;"
	"white-space:pre-wrap;overflow-wrap:anywhere;margin:.4rem 0}\n"
	"footer{color:var(--muted);font-size:.85rem;margin:2rem 0 1rem}\n";
/* clang-format on */

static void html_card(FILE *out, long long n, const char *what)
{
	fprintf(out, "<li><b>%lld</b><span>%s</span></li>\n", n, what);
}

/* A bar chart of a top list, as inline SVG. */
static void html_chart(FILE *out, const struct tree *stats, const char *key, const char *caption)
{
	const struct tree *rows = tree_get(stats, key);
	size_t i, n = tree_count(rows);
	long long max = 1;
	const int width = 400, row = 30, label = 13, bar_at = 17, bar_h = 9;

	for (i = 0; i < n; i++)
		if (tree_int(tree_at(rows, i), "count") > max)
			max = tree_int(tree_at(rows, i), "count");
	fprintf(out, "<figure>\n<figcaption>Top %lld %s</figcaption>\n", tree_int(stats, "top"),
		caption);
	if (!n) {
		fputs("<p>None.</p>\n</figure>\n", out);
		return;
	}
	fprintf(out,
		"<svg class=\"bars\" viewBox=\"0 0 %d %zu\" role=\"img\" aria-label=\"Top %s, by "
		"patches\">\n",
		width, n * row, caption);
	for (i = 0; i < n; i++) {
		const struct tree *r = tree_at(rows, i);
		long long count = tree_int(r, "count");
		int w = (int)((width - 40) * count / max);

		fprintf(out, "<g><title>%lld: ", count);
		html_text(out, tree_str(r, "name"));
		fprintf(out, "</title><text x=\"0\" y=\"%zu\">", i * row + label);
		html_text(out, tree_str(r, "name"));
		fprintf(out,
			"</text><rect x=\"0\" y=\"%zu\" width=\"%d\" height=\"%d\" rx=\"2\"/>"
			"<text class=\"n\" x=\"%d\" y=\"%zu\">%lld</text></g>\n",
			i * row + bar_at, w > 1 ? w : 1, bar_h, (w > 1 ? w : 1) + 5,
			i * row + bar_at + bar_h, count);
	}
	fputs("</svg>\n</figure>\n", out);
}

static void html_badges(FILE *out, const struct tree *s)
{
	const struct tree *status = tree_get(s, "status");
	size_t i;

	fputs("<span class=\"b b-v\">", out);
	html_text(out, tree_str(s, "version"));
	if (tree_bool(s, "rfc"))
		fputs(" RFC", out);
	fputs("</span>", out);
	for (i = 0; i < tree_count(status); i++) {
		fputs("<span class=\"b b-", out);
		html_text(out, tree_str(tree_at(status, i), "kind"));
		fputs("\">", out);
		html_text(out, tree_str(tree_at(status, i), "text"));
		fputs("</span>", out);
	}
}

static void html_person(FILE *out, const struct tree *person)
{
	html_text(out, tree_str(person, "shown"));
	if (*tree_str(person, "organisation")) {
		fputs(" <i>(", out);
		html_text(out, tree_str(person, "organisation"));
		fputs(")</i>", out);
	}
}

static void html_index(FILE *out, const struct tree *s, long long index)
{
	if (tree_int(s, "total"))
		fprintf(out, "%lld/%lld", index, tree_int(s, "total"));
	else
		fputs("patch", out);
}

static void html_details(FILE *out, const char *summary, const char *body, int open)
{
	if (!*body)
		return;
	fprintf(out, "<details%s><summary>%s</summary><pre>", open ? " open" : "", summary);
	html_text(out, body);
	fputs("</pre></details>\n", out);
}

static void html_series(FILE *out, const struct tree *s)
{
	const struct tree *list;
	size_t i;

	fprintf(out, "<article id=\"s%lld\">\n<h3>", tree_int(s, "number"));
	html_link(out, tree_str(s, "title"), tree_str(s, "url"));
	fputs("</h3>\n<p>", out);
	html_badges(out, s);
	fputs("</p>\n<dl>\n<dt>Subject</dt><dd>", out);
	html_text(out, tree_str(s, "subject"));
	fputs("</dd>\n<dt>Author</dt><dd>", out);
	html_person(out, tree_get(s, "author"));
	fputs("</dd>\n<dt>Sender</dt><dd>", out);
	html_text(out, tree_str(s, "sender"));
	fputs("</dd>\n", out);
	if (*tree_str(s, "date")) {
		fputs("<dt>Date</dt><dd>", out);
		html_text(out, tree_str(s, "date"));
		fputs("</dd>\n", out);
	}
	list = tree_get(s, "earlier_versions");
	if (tree_count(list)) {
		fputs("<dt>Earlier versions</dt><dd>", out);
		for (i = 0; i < tree_count(list); i++) {
			const struct tree *v = tree_at(list, i);

			if (i)
				fputs(", ", out);
			html_link(out, tree_str(v, "version"), tree_str(v, "url"));
			if (strcmp(tree_str(v, "title"), tree_str(s, "title"))) {
				fputs(" (", out);
				html_text(out, tree_str(v, "title"));
				fputc(')', out);
			}
		}
		fputs("</dd>\n", out);
	}
	list = tree_get(s, "messages");
	fprintf(out,
		"<dt>Messages</dt><dd><details><summary>%zu message%s, %lld repl%s</summary><ol>",
		tree_count(list), tree_count(list) == 1 ? "" : "s", tree_int(s, "replies"),
		tree_int(s, "replies") == 1 ? "y" : "ies");
	for (i = 0; i < tree_count(list); i++) {
		const struct tree *msg = tree_at(list, i);
		struct buf label = BUF_INIT;

		if (tree_int(s, "total"))
			buf_addf(&label, "%lld/%lld", tree_int(msg, "index"), tree_int(s, "total"));
		else
			buf_addstr(&label, "patch");
		fputs("<li>", out);
		html_link(out, label.data, tree_str(msg, "url"));
		fputc(' ', out);
		html_text(out, tree_str(msg, "title"));
		if (tree_int(msg, "replies"))
			fprintf(out, " <i>(%lld repl%s)</i>", tree_int(msg, "replies"),
				tree_int(msg, "replies") == 1 ? "y" : "ies");
		if (tree_bool(msg, "earlier"))
			fputs(" <i>(an earlier window)</i>", out);
		if (tree_bool(msg, "duplicate"))
			fputs(" <i>(again)</i>", out);
		fputs("</li>", out);
		buf_release(&label);
	}
	fputs("</ol></details></dd>\n", out);
	list = tree_get(s, "trailers");
	if (tree_count(list)) {
		fputs("<dt>Trailers</dt><dd><ul>", out);
		for (i = 0; i < tree_count(list); i++) {
			const struct tree *t = tree_at(list, i);

			fputs("<li>", out);
			html_text(out, tree_str(t, "kind"));
			fputs(": ", out);
			if (*tree_str(t, "name")) {
				html_text(out, tree_str(t, "name"));
				fputc(' ', out);
			}
			fputs("&lt;", out);
			html_text(out, tree_str(t, "address"));
			fputs("&gt;", out);
			if (tree_get(t, "patch")->type == TREE_INTEGER) {
				fputs(" on ", out);
				html_index(out, s, tree_int(t, "patch"));
			}
			if (tree_bool(t, "in_patch"))
				fputs(" <i>(carried in the patch)</i>", out);
			fputs("</li>", out);
		}
		fputs("</ul></dd>\n", out);
	}
	list = tree_get(s, "applied");
	for (i = 0; i < tree_count(list); i++) {
		const struct tree *a = tree_at(list, i);
		const char *text = tree_str(a, "text"), *nl = strchr(text, '\n');

		fputs("<dt>Applied</dt><dd>", out);
		html_text(out, nl ? nl + 5 : text);
		if (*tree_str(a, "commit")) {
			fputs(" <code>", out);
			html_text(out, tree_str(a, "commit"));
			fputs("</code>", out);
		}
		fputs("</dd>\n", out);
	}
	list = tree_get(s, "duplicates");
	for (i = 0; i < tree_count(list); i++) {
		const struct tree *dup = tree_at(list, i);

		fputs("<dt>Re-sent</dt><dd>", out);
		html_link(out, tree_str(dup, "subject"), tree_str(dup, "url"));
		fputs(" by ", out);
		html_text(out, tree_str(dup, "sender"));
		fputs("</dd>\n", out);
	}
	if (*tree_str(s, "diffstat")) {
		const char *stat = tree_str(s, "diffstat"), *last = strrchr(stat, '\n');

		last = last ? last + 1 : stat;
		while (*last == ' ')
			last++;

		fputs("<dt>Diffstat</dt><dd>", out);
		html_text(out, last);
		fputs("</dd>\n", out);
	}
	fputs("</dl>\n", out);
	html_details(out, tree_bool(s, "cover_letter") ? "Cover letter" : "Commit message",
		     tree_str(s, "lead_body"), 0);
	html_details(out, "Commit message of patch 1", tree_str(s, "first_patch_body"), 0);
	fputs("</article>\n", out);
}

static void html_title(FILE *out, const struct tree *doc)
{
	const struct tree *window = tree_get(doc, "window");

	html_text(out, tree_str(doc, "list"));
	fputs(" mailing list update from ", out);
	html_text(out, tree_str(window, "from_short"));
	fputs(" to ", out);
	html_text(out, tree_str(window, "to_short"));
}

/* The page up to the lists: head, title, counts and charts. */
static void html_head(FILE *out, const struct tree *doc)
{
	const struct tree *stats = tree_get(doc, "stats");

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n"
	      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>",
	      out);
	html_title(out, doc);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", style);
	html_text(out, tree_str(doc, "list"));
	fputs(" mailing list update</h1>\n<p class=\"window\">from <code>", out);
	html_text(out, tree_str(tree_get(doc, "window"), "from_short"));
	fputs("</code> to <code>", out);
	html_text(out, tree_str(tree_get(doc, "window"), "to_short"));
	fputs("</code></p>\n</header>\n<ul class=\"cards\">\n", out);
	html_card(out, tree_int(stats, "messages"), "messages");
	html_card(out, tree_int(stats, "patches"), "patches");
	html_card(out, tree_int(stats, "replies"), "replies");
	html_card(out, tree_int(stats, "series"), "series");
	html_card(out, tree_int(stats, "new"), "new");
	html_card(out, tree_int(stats, "duplicates"), "re-sent");
	html_card(out, tree_int(stats, "applied"), "applied");
	fputs("</ul>\n<section class=\"charts\">\n", out);
	html_chart(out, stats, "top_domains", "email domains");
	html_chart(out, stats, "top_people", "contributors");
	if (tree_get(stats, "top_organisations")->type == TREE_LIST)
		html_chart(out, stats, "top_organisations", "organisations");
	fputs("</section>\n", out);
}

static void html_applied(FILE *out, const struct tree *a)
{
	const char *text = tree_str(a, "text"), *nl = strchr(text, '\n');

	fputs("<li><b>", out);
	html_text(out, tree_str(a, "subject"));
	fputs("</b><br>", out);
	html_text(out, nl ? nl + 5 : text);
	fputs("</li>\n", out);
}

static void html_toc(FILE *out, const struct tree *s)
{
	fprintf(out, "<li><a href=\"#s%lld\">", tree_int(s, "number"));
	html_text(out, tree_str(s, "title"));
	fputs("</a> ", out);
	html_badges(out, s);
	fputs("</li>\n", out);
}

/* An entry of no series, under "Other patches". */
static void html_other(FILE *out, const struct tree *e)
{
	fputs("<article>\n<h3>", out);
	html_link(out, tree_str(e, "title"), tree_str(e, "url"));
	fputs("</h3>\n<dl><dt>Subject</dt><dd>", out);
	html_text(out, tree_str(e, "subject"));
	fputs("</dd><dt>Sender</dt><dd>", out);
	html_text(out, tree_str(e, "sender"));
	fputs("</dd></dl>\n", out);
	html_details(out, "Commit message", tree_str(e, "body"), 0);
	fputs("</article>\n", out);
}

/* Held text goes to the spool by chunks of about this many bytes. */
#define HTML_HELD_CHUNK (64 * 1024)

/*
 * Text printed later than it is made: the applied notices come after their
 * count, the series after their table of contents, and both are known only
 * at the end of their list.  It is kept in a spool (util/spool.h: a
 * temporary file, or memory when none can be made), by chunks.
 */
struct html_held {
	struct spool *spool; /* made on first use */
	struct spool_text *chunks;
	size_t nchunks, alloc;
	FILE *fp; /* the chunk being written, or NULL */
	char *data;
	size_t len;
	bool failed; /* a chunk could not be opened or written: out of memory */
};

/* Where to write held text; NULL when out of memory. */
static FILE *held_stream(struct html_held *h)
{
	if (!h->fp && !h->failed && !(h->fp = open_memstream(&h->data, &h->len)))
		h->failed = true;
	return h->fp;
}

/* After an item: a chunk grown large enough (any, with `all`) goes to the
 * spool. */
static void held_cut(struct html_held *h, bool all)
{
	if (!h->fp || (fflush(h->fp) == 0 && h->len < HTML_HELD_CHUNK && !all))
		return;
	if (fclose(h->fp) != 0)
		h->failed = true;
	h->fp = NULL;
	if (!h->spool)
		h->spool = spool_new();
	if (h->nchunks == h->alloc) {
		h->alloc = h->alloc ? h->alloc * 2 : 16;
		h->chunks = xrealloc(h->chunks, h->alloc * sizeof(*h->chunks));
	}
	h->chunks[h->nchunks++] = spool_add(h->spool, h->data, h->len);
	free(h->data);
	h->data = NULL;
	h->len = 0;
}

/* Prints what is held, and holds nothing more. */
static void held_print(struct html_held *h, FILE *out)
{
	struct buf b = BUF_INIT;
	size_t i;

	held_cut(h, true);
	for (i = 0; i < h->nchunks; i++) {
		buf_reset(&b);
		spool_append(&b, h->spool, h->chunks[i]);
		fwrite(b.data, 1, b.len, out);
	}
	h->nchunks = 0;
	buf_release(&b);
}

static void held_release(struct html_held *h)
{
	if (h->fp)
		fclose(h->fp);
	free(h->data);
	free(h->chunks);
	spool_free(h->spool);
}

struct html_page {
	FILE *out;
	size_t applied, series, others; /* items seen */
	struct html_held held;
};

/*
 * The lists as the model prints them (applied, series, entries, after the
 * stats), each item once: the page takes the memory of one series, not of
 * the digest.  What comes after a count or a table of contents is held
 * until its list ends.
 */
static void html_list(void *data, enum tree_event event, const char *key, const struct tree *doc,
		      const struct tree *item)
{
	struct html_page *page = data;
	FILE *out = page->out, *later;

	if (!strcmp(key, "applied")) {
		if (event == TREE_LIST_BEGIN) {
			html_head(out, doc);
			fputs("<h2>Applied in this period</h2>\n", out);
		} else if (event == TREE_LIST_ITEM) {
			page->applied++;
			if ((later = held_stream(&page->held))) {
				html_applied(later, item);
				held_cut(&page->held, false);
			}
		} else if (!page->applied) {
			fputs("<p>None.</p>\n", out);
		} else { /* a long list would push the series down: folded */
			fprintf(out, "<details%s><summary>%zu notice%s</summary>\n<ul>\n",
				page->applied <= HTML_OPEN_APPLIED ? " open" : "", page->applied,
				page->applied == 1 ? "" : "s");
			held_print(&page->held, out);
			fputs("</ul>\n</details>\n", out);
		}
	} else if (!strcmp(key, "series")) {
		if (event == TREE_LIST_BEGIN) {
			fputs("<h2>Series</h2>\n", out);
		} else if (event == TREE_LIST_ITEM) {
			if (!page->series++)
				fputs("<ol class=\"toc\">\n", out);
			html_toc(out, item);
			if ((later = held_stream(&page->held))) {
				html_series(later, item);
				held_cut(&page->held, false);
			}
		} else {
			fputs(page->series ? "</ol>\n" : "<p>None.</p>\n", out);
			fputs("<main>\n", out);
			held_print(&page->held, out);
		}
	} else if (!strcmp(key, "entries") && event == TREE_LIST_ITEM) {
		if (tree_get(item, "series")->type == TREE_STRING)
			return;
		if (!page->others++)
			fputs("<h2>Other patches</h2>\n", out);
		html_other(out, item);
	}
}

int render_html(FILE *out, const struct digest *d, const struct render_options *o)
{
	struct tree_printer tp;
	struct html_page page = {.out = out};
	int error = 0;

	tree_printer_init(&tp);
	tree_printer_stream(&tp, html_list, &page);
	render_model(&tp.printer, d, o);
	fputs("</main>\n<footer>Made by mldigest from the list archive. Everything above "
	      "was written by the list's senders.</footer>\n</body>\n</html>\n",
	      out);
	if (page.held.failed)
		error = error_set(MD_ERR_NOMEM, "cannot make the HTML digest: out of memory");
	held_release(&page.held);
	tree_printer_release(&tp);
	return error;
}
