/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util/tempfile.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/buf.h"

int tempfile_open(const char *prefix)
{
	const char *dir = getenv("TMPDIR");
	struct buf path = BUF_INIT;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	buf_addf(&path, "%s/%s-XXXXXX", dir, prefix);
	fd = mkstemp(path.data);
	if (fd >= 0) {
		unlink(path.data); /* gone with the process, whatever happens */
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	}
	buf_release(&path);
	return fd;
}
