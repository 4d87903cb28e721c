/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "render/tree.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static const struct tree null_value = {.type = TREE_NULL};

static struct tree *top(struct tree_printer *tp)
{
	return tp->stack[tp->depth - 1];
}

/* A new value in the current map or list, under the pending key. */
static struct tree *add(struct tree_printer *tp, enum tree_type type)
{
	struct tree *parent = top(tp), *t;

	if (parent->nitems == parent->alloc) {
		parent->alloc = parent->alloc ? parent->alloc * 2 : 8;
		parent->items = xrealloc(parent->items, parent->alloc * sizeof(*parent->items));
	}
	t = &parent->items[parent->nitems++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->key = tp->key;
	tp->key = NULL;
	return t;
}

static void tree_release(struct tree *t);

/* Whether the open value is a list of the top map that is streamed: the
 * stack holds the root list, the top map, the list. */
static bool streaming(const struct tree_printer *tp)
{
	return tp->stream && tp->depth == 3 && tp->stack[1]->type == TREE_MAP &&
	       tp->stack[2]->type == TREE_LIST;
}

static void stream_event(struct tree_printer *tp, enum tree_event event, const struct tree *item)
{
	tp->stream(tp->stream_data, event, top(tp)->key, tp->stack[1], item);
}

/* A value is complete: the item of a streamed list is handed over, and
 * freed. */
static void complete(struct tree_printer *tp)
{
	struct tree *list = top(tp);

	if (!streaming(tp))
		return;
	stream_event(tp, TREE_LIST_ITEM, &list->items[list->nitems - 1]);
	tree_release(&list->items[--list->nitems]);
}

static void push(struct tree_printer *tp, enum tree_type type)
{
	struct tree *t = add(tp, type);

	if (tp->depth == tp->alloc) {
		tp->alloc *= 2;
		tp->stack = xrealloc(tp->stack, tp->alloc * sizeof(*tp->stack));
	}
	/* A container's items move when its parent grows, but the parent
	 * cannot grow while the container is open: the pointer stays good. */
	tp->stack[tp->depth++] = t;
	if (streaming(tp))
		stream_event(tp, TREE_LIST_BEGIN, NULL);
}

static void tree_begin_map(struct printer *p)
{
	push((struct tree_printer *)p, TREE_MAP);
}

static void tree_begin_list(struct printer *p)
{
	push((struct tree_printer *)p, TREE_LIST);
}

static void tree_end(struct printer *p)
{
	struct tree_printer *tp = (struct tree_printer *)p;

	if (tp->depth <= 1)
		return;
	if (streaming(tp)) {
		stream_event(tp, TREE_LIST_END, NULL);
		tp->depth--;
		return;
	}
	tp->depth--;
	complete(tp);
}

static void tree_map_key(struct printer *p, const char *key)
{
	struct tree_printer *tp = (struct tree_printer *)p;

	free(tp->key);
	tp->key = xstrdup(key);
}

static void tree_string(struct printer *p, const char *s)
{
	struct tree_printer *tp = (struct tree_printer *)p;

	if (s)
		add(tp, TREE_STRING)->string = xstrdup(s);
	else
		add(tp, TREE_NULL);
	complete(tp);
}

static void tree_integer(struct printer *p, long long n)
{
	struct tree_printer *tp = (struct tree_printer *)p;

	add(tp, TREE_INTEGER)->integer = n;
	complete(tp);
}

static void tree_boolean(struct printer *p, bool b)
{
	struct tree_printer *tp = (struct tree_printer *)p;

	add(tp, TREE_BOOLEAN)->boolean = b;
	complete(tp);
}

static void tree_null(struct printer *p)
{
	struct tree_printer *tp = (struct tree_printer *)p;

	add(tp, TREE_NULL);
	complete(tp);
}

void tree_printer_init(struct tree_printer *tp)
{
	static const struct printer vtable = {
	    tree_begin_map, tree_begin_list, tree_end,	   tree_map_key,
	    tree_string,    tree_integer,    tree_boolean, tree_null,
	};

	memset(tp, 0, sizeof(*tp));
	tp->printer = vtable;
	tp->root.type = TREE_LIST;
	tp->alloc = 16;
	tp->stack = xmalloc(tp->alloc * sizeof(*tp->stack));
	tp->stack[tp->depth++] = &tp->root;
}

void tree_printer_stream(struct tree_printer *tp, tree_stream_fn *fn, void *data)
{
	tp->stream = fn;
	tp->stream_data = data;
}

static void tree_release(struct tree *t)
{
	size_t i;

	for (i = 0; i < t->nitems; i++)
		tree_release(&t->items[i]);
	free(t->items);
	free(t->key);
	free(t->string);
}

void tree_printer_release(struct tree_printer *tp)
{
	tree_release(&tp->root);
	free(tp->stack);
	free(tp->key);
	memset(tp, 0, sizeof(*tp));
}

const struct tree *tree_printer_value(const struct tree_printer *tp)
{
	return tp->root.nitems ? &tp->root.items[0] : &null_value;
}

const struct tree *tree_get(const struct tree *t, const char *key)
{
	size_t i;

	if (t->type != TREE_MAP)
		return &null_value;
	for (i = 0; i < t->nitems; i++)
		if (!strcmp(t->items[i].key, key))
			return &t->items[i];
	return &null_value;
}

const char *tree_str(const struct tree *t, const char *key)
{
	const struct tree *v = tree_get(t, key);

	return v->type == TREE_STRING ? v->string : "";
}

long long tree_int(const struct tree *t, const char *key)
{
	const struct tree *v = tree_get(t, key);

	return v->type == TREE_INTEGER ? v->integer : 0;
}

bool tree_bool(const struct tree *t, const char *key)
{
	const struct tree *v = tree_get(t, key);

	return v->type == TREE_BOOLEAN && v->boolean;
}

size_t tree_count(const struct tree *t)
{
	return t->type == TREE_LIST ? t->nitems : 0;
}

const struct tree *tree_at(const struct tree *t, size_t i)
{
	return t->type == TREE_LIST && i < t->nitems ? &t->items[i] : &null_value;
}
