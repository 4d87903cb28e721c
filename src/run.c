/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "run.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive/archive.h"
#include "digest/digest.h"
#include "message/email.h"
#include "message/message.h"
#include "feed.h"
#include "people/mailmap.h"
#include "people/orgmap.h"
#include "progress.h"
#include "render/model.h"
#include "state/state.h"
#include "state/store.h"
#include "util/buf.h"
#include "util/strmap.h"
#include "util/date.h"
#include "util/error.h"
#include "util/text.h"

/* An output that is complete or not there at all: a temporary file in the
 * same directory, renamed into place once everything is written. */
struct output {
	FILE *fp;
	char *path;     /* NULL for standard output */
	char *tmp_path; /* the temporary file, until renamed */
};

/*
 * The temporary files a signal must not leave behind.  SIGINT, SIGTERM and
 * SIGHUP unlink them and then end the process as the signal would have; the
 * state needs nothing: its transaction is not committed, so SQLite forgets it.
 */
static char *volatile signal_tmp_paths[RUN_MAX_OUTPUTS];

static void on_signal(int sig)
{
	size_t i;

	for (i = 0; i < RUN_MAX_OUTPUTS; i++)
		if (signal_tmp_paths[i])
			unlink(signal_tmp_paths[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Adds tmp_path to the files a signal unlinks (`add`), or takes it off. */
static void catch_signals(char *tmp_path, int add)
{
	static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	size_t i, caught = 0;

	for (i = 0; i < RUN_MAX_OUTPUTS; i++) {
		if (add && !signal_tmp_paths[i]) {
			signal_tmp_paths[i] = tmp_path;
			add = 0;
		} else if (!add && tmp_path && signal_tmp_paths[i] == tmp_path) {
			signal_tmp_paths[i] = NULL;
		}
		caught += signal_tmp_paths[i] != NULL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = caught ? on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		sigaction(signals[i], &sa, NULL);
}

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
	catch_signals(out->tmp_path, 1);
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
	if (!failed)
		catch_signals(out->tmp_path, 0);
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
		catch_signals(out->tmp_path, 0);
		unlink(out->tmp_path);
		free(out->tmp_path);
	}
	free(out->path);
	memset(out, 0, sizeof(*out));
}

/*
 * The window as the run sees it: by revision (the archive's FROM..TO), by
 * date (--since/--until, or where the last run of an mbox ended), or both;
 * and the first and last messages that fell in it.
 */
struct window {
	int by_date;         /* the title and the state name the window by dates */
	int has_since, has_until;
	int since_exclusive; /* continuing after the last run's last message */
	int continued;       /* no window given: from where the last run ended */
	int64_t since, until; /* [since, until): until is not included */
	unsigned long messages;
	char first_id[41], last_id[41]; /* commit ids; "" without commits */
	int64_t first_date, last_date;
};

static int window_has(const struct window *w, int64_t date)
{
	if (w->has_since && (date < w->since || (w->since_exclusive && date == w->since)))
		return 0;
	return !w->has_until || date < w->until;
}

/* The key that makes a message "the same message" across runs (store.h). */
static void message_key(struct buf *out, const struct archive_message *am,
			const struct message *m)
{
	if (*am->id)
		buf_addstr(out, am->id);
	else if (*m->message_id)
		buf_addf(out, "<%s>", m->message_id);
	else
		buf_addf(out, "#%lu", am->position);
}

/*
 * The archive's prepare hook (archive_set_prepare): messages are parsed as
 * they are read, on the archive's reader threads where it has them.
 */
/* The archive's prepare hook: parsing and the per-message work of the
 * digest, on the reader threads (feed.h). */
static void *prepare_message(const char *raw, size_t len)
{
	return feed_prepare(raw, len);
}

static void discard_message(void *p)
{
	feed_prepared_free(p);
}

/*
 * Builds whose leak checker must see every path (AddressSanitizer's) free
 * everything before they exit.
 */
#if defined(__SANITIZE_ADDRESS__)
#define RUN_FREE_AT_EXIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RUN_FREE_AT_EXIT 1
#endif
#endif
#ifndef RUN_FREE_AT_EXIT
#define RUN_FREE_AT_EXIT 0
#endif

/*
 * What the digest of the process's last run holds (run_options.exits_after):
 * freeing it node by node took about 5% of a whole archive's run, on the one
 * thread, after the output was written, to give memory back to a process
 * that ends.  As git's UNLEAK, it stays reachable from here until the exit
 * frees it at once.
 */
static struct {
	struct digest digest;
	struct store *store;
} left_to_exit;

/* Frees the digest and the in-memory store, or leaves them to the exit. */
static void digest_and_store_free(const struct run_options *o, struct digest *d,
				  struct store *memory)
{
	if (o->exits_after && !RUN_FREE_AT_EXIT) {
		left_to_exit.digest = *d;
		left_to_exit.store = memory;
		return;
	}
	store_free(memory);
	digest_release(d);
}

/*
 * The reading is over (its threads have ended and freed what they held):
 * their memory goes back to the system before the digest is finished, so
 * that the two do not add up.  glibc keeps what threads free in their own
 * arenas until asked.  Only after a long window: at 1,000,000 messages it
 * took the peak from 44.9 to 41.2 MiB, at 100,000 and below it gave
 * nothing back that counted (the peak the same or lower without it:
 * 35.8 MiB at 100,000, 23.6 for kvm-ppc), and for 1,000 messages it cost
 * 0.3-0.6 ms on the one thread that runs then.
 */
#define RUN_TRIM_AFTER 100000

static void give_back_memory(unsigned long messages_read)
{
#ifdef __GLIBC__
	if (messages_read >= RUN_TRIM_AFTER)
		malloc_trim(0);
#else
	(void)messages_read;
#endif
}

/*
 * Digests one message of the archive, when it falls in the window.  What
 * was prepared of it goes back to the archive (archive_give_back: freed on
 * the thread that made it).
 */
static int digest_one(struct digest *d, struct store *store, struct window *w,
		      struct archive *archive, const struct archive_message *am,
		      char **list_id_name)
{
	struct feed_prepared *p = am->prepared;
	const struct message *m;
	struct buf key = BUF_INIT;
	int64_t date;
	int error = 0;

	if (!p && !(p = feed_prepare(am->raw, am->len)))
		return error_set(MD_ERR_NOMEM, "out of memory");
	m = feed_prepared_message(p);
	date = m->date ? m->date : am->time;
	if (window_has(w, date)) {
		if (!w->messages++) {
			memcpy(w->first_id, am->id, sizeof(w->first_id));
			w->first_date = date;
		}
		memcpy(w->last_id, am->id, sizeof(w->last_id));
		w->last_date = date;
		if (!*list_id_name && *m->list_id)
			*list_id_name = feed_list_name(m->list_id);
		message_key(&key, am, m);
		error = feed_add(d, store, p, key.data, am->id, date);
		buf_release(&key);
	}
	if (p == am->prepared)
		archive_give_back(archive, p);
	else
		feed_prepared_free(p);
	return error;
}

/* $XDG_STATE_HOME/mldigest/state.sqlite, else ~/.local/state/mldigest/state.sqlite. */
static int default_state_path(char **out)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	struct buf b = BUF_INIT;

	if (xdg && *xdg == '/')
		buf_addf(&b, "%s/mldigest/state.sqlite", xdg);
	else if (home && *home)
		buf_addf(&b, "%s/.local/state/mldigest/state.sqlite", home);
	else
		return error_set(MD_ERR_INPUT, "cannot find the state file: set HOME or "
					       "XDG_STATE_HOME, give --state FILE, or use --no-state");
	*out = buf_detach(&b, NULL);
	return 0;
}

/* archive_set_known_ends(): the last run's end of each archive, and the archive. */
static void add_known_end(const struct state_archive *archive, void *data)
{
	struct strmap_entry *e;
	int inserted;

	if (!archive->last_run_end || !archive->key)
		return;
	e = strmap_put(data, archive->last_run_end, &inserted);
	if (inserted)
		e->value = xstrdup(archive->key);
}

static const char *known_end(void *ctx, const char *hex)
{
	return strmap_get(ctx, hex);
}

/*
 * The archive's identity (archive_root_id), its walk stopping where a run
 * recorded in `state` (NULL: none) ended.
 */
static int archive_key(struct archive *archive, struct state *state, const char **key)
{
	struct strmap ends;
	int error = 0;

	strmap_init(&ends);
	if (state && (error = state_list_archives(state, add_known_end, &ends)) < 0)
		goto cleanup;
	archive_set_known_ends(archive, known_end, &ends);
	error = archive_root_id(archive, key);
	archive_set_known_ends(archive, NULL, NULL);
cleanup:
	strmap_release(&ends, free);
	return error;
}

/* The error of a first run of `archive` without a window. */
static int first_run_error(struct archive *archive)
{
	return error_set(MD_ERR_INPUT,
			 "no recorded run of '%s': give a window (%s) for its first run",
			 archive_path(archive),
			 archive_has_revisions(archive) ? "FROM..TO or --since" : "--since");
}

/* Whether the run's window is given (else it follows the last recorded run). */
static int window_given(const struct run_options *o)
{
	return o->window_given || o->has_since || o->has_until;
}

/*
 * Opens the state of `o` (NULL for --no-state) and begins the run's
 * transaction.  The archive's identity is found after the state is open:
 * its walk stops where the archive's last recorded run ended.
 */
static int open_state(struct state **out, const struct run_options *o, struct archive *archive)
{
	enum state_mode mode = o->dry_run ? STATE_DRY_RUN : STATE_READ_WRITE;
	const char *state_path = o->state_path, *key;
	char *path = NULL;
	int error;

	*out = NULL;
	if (o->no_state)
		return 0;
	if (!o->state_path && (error = default_state_path(&path)) < 0)
		return error;
	if (!o->state_path)
		state_path = path;
	/* A file not there yet is made only once the archive is known to be good. */
	if (access(state_path, F_OK) == 0 && (error = state_open(out, state_path, mode)) < 0)
		goto cleanup;
	/* a new state has no run to follow: said before the archive's chain
	 * is walked for its identity (seconds on a large archive), and no
	 * state file is made */
	if (!*out && !window_given(o)) {
		error = first_run_error(archive);
		goto cleanup;
	}
	if ((error = archive_key(archive, *out, &key)) < 0)
		goto cleanup;
	if (!*out && (error = state_open(out, state_path, mode)) < 0)
		goto cleanup;
	error = state_begin(*out, key, o->list_name);
cleanup:
	free(path);
	return error;
}

static int is_commit_id(const char *s)
{
	return strlen(s) == 40 && strspn(s, "0123456789abcdef") == 40;
}

/*
 * Chooses the window: FROM..TO and --since/--until as given; with neither,
 * from where the last recorded run of the archive ended (after its last
 * commit, or after its last message's date where there are no commits) to
 * the newest message; without a state, the whole archive.
 */
static int choose_window(struct window *w, struct archive *archive, struct state *state,
			 const struct run_options *o)
{
	char *last_end = NULL, saved[512];
	int error;

	w->has_since = o->has_since;
	w->since = o->since;
	w->has_until = o->has_until;
	w->until = o->until;
	w->by_date = o->has_since || o->has_until || !archive_has_revisions(archive);
	if (window_given(o) || !state)
		return archive_set_window(archive, o->from, o->to);

	w->continued = 1;
	if ((error = state_last_run_end(state, &last_end)) < 0)
		return error;
	if (!last_end)
		return first_run_error(archive);
	if (archive_has_revisions(archive) && is_commit_id(last_end)) {
		error = archive_set_window(archive, last_end, NULL);
		if (error < 0 && archive_window_empty(archive)) {
			/* a scheduled run on a quiet day: nothing to say, nothing to record */
			free(last_end);
			return error_set(RUN_NOTHING_NEW, "nothing new in '%s' since the last run",
					 archive_path(archive));
		}
	} else if (date_parse_iso8601(last_end, &w->since) == 0) {
		w->has_since = w->since_exclusive = 1;
		error = archive_set_window(archive, NULL, NULL);
	} else {
		error = error_set(MD_ERR_INPUT, "cannot continue '%s': the last recorded run "
						"ended at '%s', which is neither a commit nor a date",
				  archive_path(archive), last_end);
	}
	if (error < 0) {
		snprintf(saved, sizeof(saved), "%s", error_message());
		error = error_set(error, "%s (the last recorded run ended at %.20s)", saved,
				  last_end);
	}
	free(last_end);
	return error;
}

static void count_entries(const struct digest *d, struct state_run *run)
{
	size_t i;

	for (i = 0; i < d->nentries; i++) {
		struct digest_entry e;

		digest_entry_get(d, i, &e);
		if (e.kind == DIGEST_NEW)
			run->new_leads++;
		else
			run->duplicates++;
	}
	run->leads = (int64_t)d->nentries;
	run->messages = (int64_t)d->messages;
	run->patches = (int64_t)d->patches;
}

/*
 * The window's ends as the title and the state name them: commit ids, or
 * dates (41 >= DATE_ISO8601_MAX: either fits).
 */
static void window_ends(const struct window *w, struct archive *archive, char from[41],
			char to[41])
{
	if (w->by_date) {
		date_format_iso8601(w->has_since ? w->since : w->first_date, from);
		date_format_iso8601(w->has_until ? w->until : w->last_date, to);
		return;
	}
	/* A window from the root is named after its first commit. */
	snprintf(from, 41, "%s", *archive_window_from(archive) ? archive_window_from(archive)
								: w->first_id);
	snprintf(to, 41, "%s", archive_window_to(archive));
}

/* Records the run: where the next one starts is after this one's last message. */
static int record_run(struct state *state, const struct window *w, struct archive *archive,
		      const struct digest *d, struct state_run *run)
{
	char last[DATE_ISO8601_MAX];
	int error;

	run->list_name = d->list_name;
	if (archive_has_revisions(archive)) {
		run->from = *archive_window_from(archive) ? archive_window_from(archive) : NULL;
		run->to = w->last_id;
	} else {
		run->from = d->from;
		date_format_iso8601(w->last_date, last);
		run->to = last;
	}
	run->ended = (int64_t)time(NULL);
	count_entries(d, run);
	if ((error = state_record_run(state, run)) < 0)
		return error;
	return state_commit(state);
}

/* Renders the digest with `r` into memory: *out is the caller's (free). */
static int render_to_memory(char **out, size_t *len, const struct renderer *r,
			    const struct digest *d, const struct run_options *o)
{
	FILE *mem = open_memstream(out, len);
	int error;

	if (!mem)
		return error_set(MD_ERR_SYSTEM, "cannot render the digest: %s", strerror(errno));
	error = r->render(mem, d, &o->render);
	if (fclose(mem) != 0 && !error)
		error = error_set(MD_ERR_SYSTEM, "cannot render the digest: %s", strerror(errno));
	return error;
}

/* --format email: the text digest, and the --attach format, as one mail. */
static int render_email(FILE *fp, const struct digest *d, const struct run_options *o)
{
	struct email e = {.from = o->mail_from, .to = o->mail_to, .date = (int64_t)time(NULL)};
	char *text = NULL, *attach = NULL, *subject = NULL;
	const char *line, *end;
	int error;

	if ((error = render_to_memory(&text, &e.text_len, render_find("text"), d, o)) < 0)
		goto cleanup;
	if (o->attach &&
	    (error = render_to_memory(&attach, &e.attach_len, o->attach, d, o)) < 0)
		goto cleanup;
	/* The subject is the title, the text's second line. */
	line = memchr(text, '\n', e.text_len);
	line = line ? line + 1 : text + e.text_len;
	end = memchr(line, '\n', (size_t)(text + e.text_len - line));
	subject = xmemdupz(line, end ? (size_t)(end - line) : (size_t)(text + e.text_len - line));
	e.subject = subject;
	e.text = text;
	e.attach = attach;
	e.attach_format = o->attach ? o->attach->name : NULL;
	error = email_write(fp, &e);
cleanup:
	free(text);
	free(attach);
	free(subject);
	return error;
}

/*
 * The links and maps of a run: the command line's (--archive-url,
 * --mailmap, --orgmap) win over the configuration's (--all), whose URL is
 * checked here as main checks the command line's.
 */
static int resolve_links_and_maps(struct run_options *o)
{
	if (!o->render.archive_url && o->archive_url) {
		if (!render_url_is_safe(o->archive_url))
			return error_set(MD_ERR_INPUT,
					 "archive-url takes an http or https URL without blanks or "
					 "quotes, not '%s'",
					 o->archive_url);
		o->render.archive_url = o->archive_url;
	}
	if (!o->mailmap_path)
		o->mailmap_path = o->mailmap;
	if (!o->orgmap_path)
		o->orgmap_path = o->orgmap;
	return 0;
}

int run_digest(const struct run_options *options)
{
	struct run_options resolved = *options;
	const struct run_options *o = &resolved;
	struct archive *archive = NULL;
	struct state *state = NULL;
	struct store *memory = NULL, *store;
	struct output out[RUN_MAX_OUTPUTS] = {{0}};
	const struct run_output one = {o->renderer, o->email, o->output};
	const struct run_output *outputs = o->noutputs ? o->outputs : &one;
	size_t noutputs = o->noutputs ? o->noutputs : 1, i;
	struct archive_message am;
	struct state_run run = {0};
	struct window w = {0};
	struct digest d;
	struct mailmap *mailmap = NULL;
	struct orgmap *orgmap = NULL;
	struct progress progress = {0};
	unsigned long read = 0;
	char *list_id_name = NULL, from[41], to[41];
	const char *list_name;
	int error;

	digest_init(&d);
	run.started = (int64_t)time(NULL);
	if (noutputs > RUN_MAX_OUTPUTS) {
		error = error_set(MD_ERR_USAGE, "at most %d outputs", RUN_MAX_OUTPUTS);
		goto cleanup;
	}
	if ((error = resolve_links_and_maps(&resolved)) < 0)
		goto cleanup;
	if (o->mailmap_path && (error = mailmap_read(&mailmap, o->mailmap_path)) < 0)
		goto cleanup;
	if (o->orgmap_path && (error = orgmap_read(&orgmap, o->orgmap_path)) < 0)
		goto cleanup;
	d.mailmap = mailmap;
	d.orgmap = orgmap;
	if (o->fetch && (error = archive_fetch(o->archive)) < 0)
		goto cleanup;
	if ((error = archive_open_as(&archive, o->archive, o->input_format)) < 0)
		goto cleanup;
	/* Before the first message: a git archive's readers prepare them. */
	archive_set_prepare(archive, prepare_message, discard_message);
	if ((error = open_state(&state, o, archive)) < 0)
		goto cleanup;
	if ((error = choose_window(&w, archive, state, o)) != 0)
		goto cleanup; /* or RUN_NOTHING_NEW: HEAD is where the last run ended */
	for (i = 0; i < noutputs; i++)
		if ((error = output_open(&out[i], outputs[i].path)) < 0)
			goto cleanup;
	store = state ? state_store(state) : (memory = memstate_new());

	progress_start(&progress, o->label, archive_window_size(archive), o->quiet);
	while ((error = archive_next(archive, &am)) > 0) {
		progress_update(&progress, ++read);
		if ((error = digest_one(&d, store, &w, archive, &am, &list_id_name)) < 0)
			goto cleanup;
	}
	progress_end(&progress);
	if (error < 0)
		goto cleanup;
	give_back_memory(read);
	if ((error = digest_finish(&d, store)) < 0)
		goto cleanup;
	if (!w.messages && w.continued) {
		/* a scheduled run on a quiet day: nothing to say, nothing to record */
		error = error_set(RUN_NOTHING_NEW, "nothing new in '%s' since the last run",
				  archive_path(archive));
		goto cleanup;
	}
	if (!w.messages) {
		error = error_set(MD_ERR_INPUT, "no messages in the window in '%s'",
				  archive_path(archive));
		goto cleanup;
	}
	if (o->list_name)
		list_name = o->list_name;
	else if (list_id_name)
		list_name = list_id_name;
	else
		list_name = archive_name(archive);
	window_ends(&w, archive, from, to);
	digest_set_window(&d, list_name, from, to);
	for (i = 0; i < noutputs; i++)
		if ((error = outputs[i].email ? render_email(out[i].fp, &d, o)
					      : outputs[i].renderer->render(out[i].fp, &d,
									    &o->render)) < 0)
			goto cleanup;
	for (i = 0; i < noutputs; i++)
		if ((error = output_commit(&out[i])) < 0)
			goto cleanup;
	/* The digest is out in full: only now is the run recorded. */
	if (state && (error = record_run(state, &w, archive, &d, &run)) < 0)
		goto cleanup;

cleanup:
	progress_end(&progress);
	for (i = 0; i < RUN_MAX_OUTPUTS; i++)
		output_release(&out[i]);
	state_free(state); /* rolls back what was not committed */
	digest_and_store_free(o, &d, memory);
	free(list_id_name);
	mailmap_free(mailmap);
	orgmap_free(orgmap);
	archive_free(archive);
	return error;
}

static void format_time(char *out, size_t size, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, size, "%Y-%m-%d %H:%M:%SZ", &tm))
		snprintf(out, size, "%lld", (long long)t);
}

static void print_run(const struct state_run *run, void *data)
{
	struct buf *b = data;
	char started[32];

	format_time(started, sizeof(started), run->started);
	buf_addf(b, "%-6lld %-20s %-12.12s %-12.12s %8lld %8lld %6lld %6lld %6lld  %s\n",
		 (long long)run->id, started, run->from && *run->from ? run->from : "(root)", run->to,
		 (long long)run->messages, (long long)run->patches, (long long)run->leads,
		 (long long)run->new_leads, (long long)run->duplicates,
		 run->list_name ? run->list_name : "");
}

static void print_archive(const struct state_archive *a, void *data)
{
	struct buf *b = data;

	buf_addf(b, "%s %6lld runs  next run starts after %s  %s\n", a->key, (long long)a->runs,
		 a->last_run_end ? a->last_run_end : "(none)", a->list_name ? a->list_name : "");
}

int run_show_state(const struct run_options *o)
{
	struct archive *archive = NULL;
	struct state *state = NULL;
	struct buf b = BUF_INIT, text = BUF_INIT;
	char *path = NULL;
	const char *key = NULL;
	int error;

	if (!o->state_path && (error = default_state_path(&path)) < 0)
		return error;
	if (o->archive && (error = archive_open_as(&archive, o->archive, o->input_format)) < 0)
		goto cleanup;
	if ((error = state_open(&state, o->state_path ? o->state_path : path, STATE_DRY_RUN)) < 0)
		goto cleanup;
	if (archive && (error = archive_key(archive, state, &key)) < 0)
		goto cleanup;
	if (!archive) {
		buf_addstr(&b, "archive (root commit)                    recorded runs\n");
		error = state_list_archives(state, print_archive, &b);
	} else {
		buf_addf(&b, "%-6s %-20s %-12s %-12s %8s %8s %6s %6s %6s  %s\n", "run",
			 "started (UTC)", "from", "to", "messages", "patches", "leads", "new",
			 "dups", "list");
		error = state_list_runs(state, key, print_run, &b);
	}
	if (error < 0)
		goto cleanup;
	text_append_printable(&text, b.data, b.len);
	fputs(text.data, stdout);
	if (fflush(stdout) != 0)
		error = error_set(MD_ERR_INPUT, "cannot write to standard output: %s",
				  strerror(errno));

cleanup:
	buf_release(&b);
	buf_release(&text);
	state_free(state);
	archive_free(archive);
	free(path);
	return error;
}
