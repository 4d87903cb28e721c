/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "render/render.h"

#include <stdio.h>
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
	static char names[64];
	size_t i, used = 0;

	/* from the table, so a new renderer is listed; built once (the table is
	 * constant, and every caller reads it before any thread starts) */
	if (!names[0])
		for (i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++)
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 i ? ", " : "", renderers[i].name);
	return names;
}
