/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --format json: the model (model.c) through a printer that builds jansson
 * values; jansson does the escaping.  The schema: docs/digest.schema.json.
 */
#include "render/render.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "render/model.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/text.h"

struct json_printer {
	struct printer printer;
	json_t *root;
	json_t **stack; /* open maps and lists */
	size_t depth, alloc;
	char *key; /* for the next value of the open map */
};

/* Puts a value in the open map or list (or makes it the root); steals `v`. */
static void json_put(struct json_printer *jp, json_t *v)
{
	json_t *parent = jp->depth ? jp->stack[jp->depth - 1] : NULL;

	if (!v)
		abort(); /* out of memory */
	if (!parent) {
		json_decref(jp->root);
		jp->root = v;
	} else if (json_is_object(parent)) {
		json_object_set_new(parent, jp->key ? jp->key : "", v);
	} else {
		json_array_append_new(parent, v);
	}
	free(jp->key);
	jp->key = NULL;
}

static void json_open(struct json_printer *jp, json_t *v)
{
	json_incref(v);
	json_put(jp, v);
	if (jp->depth == jp->alloc) {
		jp->alloc = jp->alloc ? jp->alloc * 2 : 16;
		jp->stack = xrealloc(jp->stack, jp->alloc * sizeof(*jp->stack));
	}
	jp->stack[jp->depth++] = v; /* the reference taken above */
}

static void json_begin_map(struct printer *p)
{
	json_open((struct json_printer *)p, json_object());
}

static void json_begin_list(struct printer *p)
{
	json_open((struct json_printer *)p, json_array());
}

static void json_end(struct printer *p)
{
	struct json_printer *jp = (struct json_printer *)p;

	if (jp->depth)
		json_decref(jp->stack[--jp->depth]);
}

static void json_map_key(struct printer *p, const char *key)
{
	struct json_printer *jp = (struct json_printer *)p;

	free(jp->key);
	jp->key = xstrdup(key);
}

static void json_put_string(struct printer *p, const char *s)
{
	struct json_printer *jp = (struct json_printer *)p;
	struct buf b = BUF_INIT;
	json_t *v;

	if (!s) {
		json_put(jp, json_null());
		return;
	}
	/* Strings from the digest are valid UTF-8; make sure, as jansson needs it. */
	v = json_string(s);
	if (!v) {
		text_append_printable(&b, s, strlen(s));
		v = json_string(b.data);
		buf_release(&b);
	}
	json_put(jp, v);
}

static void json_put_integer(struct printer *p, long long n)
{
	json_put((struct json_printer *)p, json_integer((json_int_t)n));
}

static void json_put_boolean(struct printer *p, bool b)
{
	json_put((struct json_printer *)p, json_boolean(b));
}

static void json_put_null(struct printer *p)
{
	json_put((struct json_printer *)p, json_null());
}

static int write_chunk(const char *buffer, size_t size, void *data)
{
	return fwrite(buffer, 1, size, data) == size ? 0 : -1;
}

int render_json(FILE *out, const struct digest *d, const struct render_options *o)
{
	struct json_printer jp = {
	    .printer = {json_begin_map, json_begin_list, json_end, json_map_key, json_put_string,
			json_put_integer, json_put_boolean, json_put_null},
	};
	int error = 0;

	render_model(&jp.printer, d, o);
	while (jp.depth)
		json_end(&jp.printer);
	/* A failed write is the stream's error: run.c says it, with the file. */
	if (json_dump_callback(jp.root, write_chunk, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) <
		0 &&
	    !ferror(out))
		error = error_set(MD_ERR_NOMEM, "cannot make the JSON digest: out of memory");
	else
		fputc('\n', out);
	json_decref(jp.root);
	free(jp.stack);
	free(jp.key);
	return error;
}
