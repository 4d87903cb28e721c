/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --format json: the model (model.c) through a printer that writes each
 * value as it comes (json.h).  The layout is jansson's (dump.c in jansson
 * 2.14, JSON_INDENT(2) | JSON_PRESERVE_ORDER), which this file used to
 * build a whole tree for: the digest of a whole archive took its output's
 * size several times over in memory.  The schema: docs/digest.schema.json.
 *
 * What jansson did that the model never asks for is not kept: it replaced
 * the value of a key given twice in one map, in its first place; model.c
 * gives each key of a map once.
 */
#include "render/json.h"

#include <stdlib.h>
#include <string.h>

#include "render/model.h"
#include "render/render.h"
#include "util/buf.h"
#include "util/text.h"

#define JSON_INDENT_WIDTH 2

/* jansson's: a newline, then the depth's indent. */
static void json_indent(struct json_printer *jp, size_t depth)
{
	static const char spaces[] = "                                ";
	size_t n = depth * JSON_INDENT_WIDTH;

	fputc('\n', jp->out);
	while (n) {
		size_t chunk = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		fwrite(spaces, 1, chunk, jp->out);
		n -= chunk;
	}
}

static bool json_is_utf8(const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned cp;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		if (!(n = text_utf8_decode(s + i, len - i, &cp)))
			return false;
		i += n;
	}
	return true;
}

/*
 * A string as jansson's dump_string() writes it without JSON_ENSURE_ASCII
 * or JSON_ESCAPE_SLASH: '"' and '\\' escaped, control characters below
 * 0x20 as \b \f \n \r \t or \u00XX (upper-case hex), everything else (DEL,
 * '/', UTF-8) as it is.  `s` is valid UTF-8.
 */
static void json_write_escaped(FILE *out, const char *s, size_t len)
{
	const char *p, *run = s, *end = s + len;

	fputc('"', out);
	for (p = s; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		fwrite(run, 1, (size_t)(p - run), out);
		run = p + 1;
		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			fprintf(out, "\\u%04X", (unsigned)c);
		}
	}
	fwrite(run, 1, (size_t)(end - run), out);
	fputc('"', out);
}

/* Strings from the digest are valid UTF-8; one that is not (jansson refused
 * it) is made so, as before. */
static void json_write_string(FILE *out, const char *s)
{
	size_t len = strlen(s);
	struct buf b = BUF_INIT;

	if (json_is_utf8(s, len)) {
		json_write_escaped(out, s, len);
		return;
	}
	text_append_printable(&b, s, len);
	json_write_escaped(out, b.data, b.len);
	buf_release(&b);
}

/* A new item of the open map or list: the first on a line of its own, the
 * others after a comma. */
static void json_next_item(struct json_printer *jp)
{
	struct json_level *level = &jp->stack[jp->depth - 1];

	if (level->n++)
		fputc(',', jp->out);
	json_indent(jp, jp->depth);
}

static void json_write_key(struct json_printer *jp, const char *key)
{
	json_next_item(jp);
	json_write_string(jp->out, key);
	fputs(": ", jp->out);
	jp->stack[jp->depth - 1].key_pending = true;
}

/*
 * What comes before a value: in a list, its place; in a map, its key,
 * written by map_key (or "" when none was given, the key the tree printer
 * gave such a value).  The top value has nothing before it: the model
 * prints one.
 */
static void json_before_value(struct json_printer *jp)
{
	struct json_level *level;

	if (!jp->depth)
		return;
	level = &jp->stack[jp->depth - 1];
	if (!level->map) {
		json_next_item(jp);
		return;
	}
	if (!level->key_pending)
		json_write_key(jp, "");
	level->key_pending = false;
}

static void json_open(struct json_printer *jp, bool map)
{
	json_before_value(jp);
	fputc(map ? '{' : '[', jp->out);
	if (jp->depth == jp->alloc) {
		jp->alloc = jp->alloc ? jp->alloc * 2 : 16;
		jp->stack = xrealloc(jp->stack, jp->alloc * sizeof(*jp->stack));
	}
	jp->stack[jp->depth++] = (struct json_level){.map = map};
}

static void json_begin_map(struct printer *p)
{
	json_open((struct json_printer *)p, true);
}

static void json_begin_list(struct printer *p)
{
	json_open((struct json_printer *)p, false);
}

/* "{}" or "[]" when empty; else the closing bracket on a line of its own. */
static void json_end(struct printer *p)
{
	struct json_printer *jp = (struct json_printer *)p;
	struct json_level *level;

	if (!jp->depth)
		return;
	level = &jp->stack[--jp->depth];
	if (level->n)
		json_indent(jp, jp->depth);
	fputc(level->map ? '}' : ']', jp->out);
}

static void json_map_key(struct printer *p, const char *key)
{
	struct json_printer *jp = (struct json_printer *)p;

	/* a key in a list was dropped, as jansson's arrays have none */
	if (jp->depth && jp->stack[jp->depth - 1].map)
		json_write_key(jp, key);
}

static void json_put_null(struct printer *p)
{
	struct json_printer *jp = (struct json_printer *)p;

	json_before_value(jp);
	fputs("null", jp->out);
}

static void json_put_string(struct printer *p, const char *s)
{
	struct json_printer *jp = (struct json_printer *)p;

	if (!s) {
		json_put_null(p);
		return;
	}
	json_before_value(jp);
	json_write_string(jp->out, s);
}

static void json_put_integer(struct printer *p, long long n)
{
	struct json_printer *jp = (struct json_printer *)p;

	json_before_value(jp);
	fprintf(jp->out, "%lld", n); /* JSON_INTEGER_FORMAT */
}

static void json_put_boolean(struct printer *p, bool b)
{
	struct json_printer *jp = (struct json_printer *)p;

	json_before_value(jp);
	fputs(b ? "true" : "false", jp->out);
}

void json_printer_init(struct json_printer *jp, FILE *out)
{
	static const struct printer vtable = {
	    json_begin_map,  json_begin_list,  json_end,	 json_map_key,
	    json_put_string, json_put_integer, json_put_boolean, json_put_null,
	};

	memset(jp, 0, sizeof(*jp));
	jp->printer = vtable;
	jp->out = out;
}

void json_printer_finish(struct json_printer *jp)
{
	while (jp->depth)
		json_end(&jp->printer);
	fputc('\n', jp->out);
}

void json_printer_release(struct json_printer *jp)
{
	free(jp->stack);
	memset(jp, 0, sizeof(*jp));
}

/*
 * A failed write is the stream's error: run.c says it, with the file.  The
 * printer's only memory is its stack (xrealloc), so there is no
 * out-of-memory error to return any more.
 */
int render_json(FILE *out, const struct digest *d, const struct render_options *o)
{
	struct json_printer jp;

	json_printer_init(&jp, out);
	render_model(&jp.printer, d, o);
	json_printer_finish(&jp);
	json_printer_release(&jp);
	return 0;
}
