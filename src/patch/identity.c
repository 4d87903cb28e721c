/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "patch/identity.h"

#include <string.h>

#include "util/text.h"

void identity_append_key(struct buf *out, const char *author_addr, const char *subject,
			 const struct patch_subject *ps)
{
	text_append_lower(out, author_addr, strlen(author_addr));
	buf_addf(out, "\x1fv%u.%u\x1f%u\x1f%u\x1f", ps->version_major, ps->version_minor,
		 ps->index, ps->total);
	text_append_lower(out, subject + ps->title.off, ps->title.len);
}
