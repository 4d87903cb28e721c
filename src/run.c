/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive/archive.h"
#include "digest/digest.h"
#include "message/message.h"
#include "patch/author.h"
#include "state/store.h"
#include "util/buf.h"
#include "util/error.h"

/* An output that is complete or not there at all: a temporary file in the
 * same directory, renamed into place once everything is written. */
struct output {
	FILE *fp;
	char *path;     /* NULL for standard output */
	char *tmp_path; /* the temporary file, until renamed */
};

static int output_open(struct output *out, const char *path)
{
	int fd;

	memset(out, 0, sizeof(*out));
	if (!path) {
		out->fp = stdout;
		return 0;
	}
	out->path = xstrdup(path);
	out->tmp_path = xmalloc(strlen(path) + 16);
	sprintf(out->tmp_path, "%s.tmp-XXXXXX", path);
	fd = mkstemp(out->tmp_path);
	if (fd < 0 || !(out->fp = fdopen(fd, "w"))) {
		int saved = errno;

		if (fd >= 0) {
			close(fd);
			unlink(out->tmp_path);
		}
		free(out->tmp_path);
		out->tmp_path = NULL;
		return error_set(MD_ERR_INPUT, "cannot write '%s': %s", path, strerror(saved));
	}
	return 0;
}

/* Flushes and, for a file, renames it into place. */
static int output_commit(struct output *out)
{
	const char *name = out->path ? out->path : "standard output";
	int failed = fflush(out->fp) != 0 || ferror(out->fp);
	int saved = errno;

	if (!out->path) {
		if (failed)
			return error_set(MD_ERR_INPUT, "cannot write to %s: %s", name,
					 strerror(saved));
		return 0;
	}
	if (!failed && fsync(fileno(out->fp)) < 0) {
		failed = 1;
		saved = errno;
	}
	if (fclose(out->fp) != 0 && !failed) {
		failed = 1;
		saved = errno;
	}
	out->fp = NULL;
	if (!failed && rename(out->tmp_path, out->path) < 0) {
		failed = 1;
		saved = errno;
	}
	if (failed)
		return error_set(MD_ERR_INPUT, "cannot write '%s': %s", name, strerror(saved));
	free(out->tmp_path);
	out->tmp_path = NULL;
	return 0;
}

/* Removes a temporary file that was not committed. */
static void output_release(struct output *out)
{
	if (out->fp && out->path)
		fclose(out->fp);
	if (out->tmp_path) {
		unlink(out->tmp_path);
		free(out->tmp_path);
	}
	free(out->path);
	memset(out, 0, sizeof(*out));
}

/* "<kvm.vger.kernel.org>" or "KVM list <kvm.vger.kernel.org>" -> "kvm". */
static char *list_name_from_list_id(const char *list_id)
{
	const char *lt = strrchr(list_id, '<'), *s, *end;

	s = lt ? lt + 1 : list_id;
	while (*s == ' ')
		s++;
	end = s;
	while (*end && *end != '.' && *end != '>' && *end != ' ')
		end++;
	return end > s ? xmemdupz(s, (size_t)(end - s)) : NULL;
}

static int digest_one(struct digest *d, struct store *store, const struct archive_message *am,
		      char **list_id_name)
{
	struct message *m = NULL;
	struct inbody_from ib;
	char *ib_name = NULL, *ib_addr = NULL;
	struct digest_message dm;
	int error;

	if ((error = message_parse(&m, am->raw, am->len)) < 0)
		return error;
	memset(&dm, 0, sizeof(dm));
	dm.key = *am->id ? am->id : m->message_id;
	dm.commit = am->id;
	dm.message_id = m->message_id;
	dm.date = m->date ? m->date : am->time;
	dm.subject = m->subject;
	dm.from_name = m->from_name;
	dm.from_addr = m->from_addr;
	dm.author_name = m->from_name;
	dm.author_addr = m->from_addr;
	dm.body = m->body;
	dm.body_len = m->body_len;
	if (author_find_inbody_from(m->body, m->body_len, &ib)) {
		dm.inbody_from_off = ib.line_off;
		dm.inbody_from_len = ib.line_len;
		if (message_parse_address(m->body + ib.value_off, ib.value_len, &ib_name,
					  &ib_addr) == 0 &&
		    *ib_addr) {
			dm.author_name = ib_name;
			dm.author_addr = ib_addr;
		}
	}
	if (!*list_id_name && *m->list_id)
		*list_id_name = list_name_from_list_id(m->list_id);
	error = digest_add_message(d, store, &dm);
	free(ib_name);
	free(ib_addr);
	message_free(m);
	return error;
}

int run_digest(const struct run_options *o)
{
	struct archive *archive = NULL;
	struct store *store = NULL;
	struct output out = {0};
	struct archive_message am;
	struct digest d;
	char *list_id_name = NULL, *first_id = NULL;
	const char *from_id, *list_name;
	int error;

	digest_init(&d);
	if ((error = archive_open(&archive, o->archive)) < 0)
		goto cleanup;
	if ((error = archive_set_window(archive, o->from, o->to)) < 0)
		goto cleanup;
	if ((error = output_open(&out, o->output)) < 0)
		goto cleanup;
	store = memstate_new();

	while ((error = archive_next(archive, &am)) > 0) {
		if (!first_id)
			first_id = xstrdup(am.id);
		if ((error = digest_one(&d, store, &am, &list_id_name)) < 0)
			goto cleanup;
	}
	if (error < 0)
		goto cleanup;
	/* A window from the root is named after its first commit. */
	from_id = archive_window_from(archive);
	if (!*from_id && first_id)
		from_id = first_id;
	if (o->list_name)
		list_name = o->list_name;
	else if (list_id_name)
		list_name = list_id_name;
	else
		list_name = archive_name(archive);
	digest_set_window(&d, list_name, from_id, archive_window_to(archive));
	if ((error = o->renderer->render(out.fp, &d, &o->render)) < 0)
		goto cleanup;
	error = output_commit(&out);

cleanup:
	output_release(&out);
	store_free(store);
	free(list_id_name);
	free(first_id);
	digest_release(&d);
	archive_free(archive);
	return error;
}
