/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The classic text digest (SPEC "The classic text digest"), byte for byte. */
#include "render/render.h"

#include <stdlib.h>
#include <string.h>

#include "series/series.h"
#include "stats/stats.h"
#include "util/buf.h"

#define RULE "----------------------------------------------------------------------"

/* A commit id cut to `abbrev` hex digits; other strings (dates) as they are. */
static void put_end(FILE *out, const char *id, unsigned abbrev)
{
	size_t len = strlen(id), i;

	for (i = 0; i < len; i++)
		if (!strchr("0123456789abcdef", id[i]))
			break;
	if (i == len && len == 40 && abbrev < len)
		len = abbrev;
	fwrite(id, 1, len, out);
}

/* "<from> <A> to <B>" */
static void put_window(FILE *out, const char *from, const struct digest *d,
		       const struct render_options *o)
{
	fputs(from, out);
	put_end(out, d->from, o->abbrev);
	fputs(" to ", out);
	put_end(out, d->to, o->abbrev);
}

static void put_top(FILE *out, const struct tally *t, unsigned top, const char *sep)
{
	struct tally_row *rows = xcalloc(top ? top : 1, sizeof(*rows));
	size_t i, n = tally_top(t, rows, top);

	for (i = 0; i < n; i++)
		fprintf(out, "%7lu%s%s\n", rows[i].count, sep, rows[i].shown);
	free(rows);
}

/* SPEC "Patch list in this time period": one entry a notice. */
static void put_applied(FILE *out, const struct digest *d)
{
	struct buf b = BUF_INIT;
	size_t i, n = series_set_applied_count(d->series);

	for (i = 0; i < n; i++)
		series_append_applied(&b, series_set_applied(d->series, i));
	if (b.len)
		fwrite(b.data, 1, b.len, out);
	buf_release(&b);
}

int render_text(FILE *out, const struct digest *d, const struct render_options *o)
{
	struct buf body = BUF_INIT, strings = BUF_INIT;
	size_t i;

	put_window(out, "From ", d, o);
	fprintf(out, "\n%s mailing list update ", d->list_name);
	put_window(out, "from ", d, o);
	fprintf(out, "\n\nTop %u contributor Email domains (Based on Email Body)\n\n", o->top);
	put_top(out, d->domains, o->top, " ");
	fprintf(out, "\nTop %u contributors (Based on Email Body)\n\n", o->top);
	put_top(out, d->people, o->top, "  ");
	if (d->orgmap) {
		fprintf(out, "\nTop %u contributor organisations (Based on Email Body)\n\n",
			o->top);
		put_top(out, d->organisations, o->top, "  ");
	}
	fputs("\n===== Patch list in this time period =====\n\n", out);
	put_applied(out, d);
	fputs("\n===== Patch Commit Messages ====\n\n", out);
	for (i = 0; i < d->nentries; i++) {
		struct digest_entry entry, *e = &entry;
		struct digest_entry_text t;

		digest_entry_get(d, i, e);
		digest_entry_read(d, e, &strings, &t);
		if (e->kind == DIGEST_DUPLICATE) {
			fprintf(out, "Exist: %s\n Skip: %s\n", t.subject, t.subject);
			continue;
		}
		buf_reset(&body);
		digest_append_body(&body, d, e);
		fprintf(out, "New:  %s\n%s\nAuthor: %s\n\n%s\n\n%s\n\n", t.title, t.subject,
			t.sender, body.data, RULE);
	}
	buf_release(&body);
	buf_release(&strings);
	return 0;
}
