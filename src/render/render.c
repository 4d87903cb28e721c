/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "render/render.h"

#include <string.h>

static const struct renderer renderers[] = {
	{"text", render_text},
	{"markdown", render_markdown},
	{"html", render_html},
	{"json", render_json},
};

const struct renderer *render_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++)
		if (!strcmp(renderers[i].name, name))
			return &renderers[i];
	return NULL;
}

const char *render_format_names(void)
{
	return "text,markdown,html,json";
}
