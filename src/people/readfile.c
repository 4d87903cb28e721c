/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "people/readfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/error.h"

int people_read_file(const char *what, const char *path, char **out, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	FILE *fp = fopen(path, "r");
	int error = 0;

	if (!fp)
		return error_set(MD_ERR_INPUT, "cannot read %s '%s': %s", what, path,
				 strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		buf_add(&b, chunk, n);
		if (b.len > PEOPLE_MAX_FILE) {
			error = error_set(MD_ERR_INPUT, "cannot read %s '%s': bigger than %d bytes",
					  what, path, PEOPLE_MAX_FILE);
			break;
		}
	}
	if (!error && ferror(fp))
		error =
		    error_set(MD_ERR_INPUT, "cannot read %s '%s': %s", what, path, strerror(errno));
	fclose(fp);
	if (error < 0) {
		buf_release(&b);
		return error;
	}
	*out = buf_detach(&b, len);
	return 0;
}
