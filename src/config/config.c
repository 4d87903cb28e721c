/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The configuration file (config.h), read with GLib's GKeyFile: the one
 * file that includes glib.h.  Keys, in a list's group or in [defaults]:
 *
 *	archive = PATH          the archive (required)
 *	name = NAME             --list
 *	input-format = KIND     --input-format
 *	format = FMT;FMT...     --format, one or more (text, email, and the
 *	                        renderers' names); default text
 *	output = PATH           -o, when there is one format
 *	output-FMT = PATH       where format FMT goes (standard output when
 *	                        neither is given)
 *	state = PATH            --state
 *	top = N, abbrev = N     --top, --abbrev
 *	fetch = true|false      --fetch
 *	from = ADDRESS          --from (the email format's From:)
 *	to = ADDRESS, ...       --to
 *	attach = FMT            --attach
 *	archive-url = URL       for the richer formats' links
 *	mailmap = PATH          for the richer formats' names
 *	orgmap = PATH           for the richer formats' organisations
 *
 * Paths may start with "~/" (the home directory); relative ones are taken
 * from the configuration file's directory, so that cron, which runs from
 * elsewhere, finds them.
 */
#include "config/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "message/email.h"
#include "render/render.h"
#include "util/buf.h"
#include "util/error.h"

#define CONFIG_DEFAULTS "defaults"

static const char *const config_keys[] = {
    "archive", "name",	"input-format", "format", "output", "state",	   "top",     "abbrev",
    "fetch",   "from",	"to",		"attach", "archive-url", "mailmap", "orgmap", NULL,
};

/* Keeps s (malloc'd) for as long as the config; returns it. */
static const char *config_keep(struct config *c, char *s)
{
	if (!s)
		return NULL;
	c->strings = xrealloc(c->strings, (c->nstrings + 1) * sizeof(*c->strings));
	c->strings[c->nstrings++] = s;
	return s;
}

/* True when `key` is one of ours ("output-FMT" for any FMT). */
static int config_key_known(const char *key)
{
	size_t i;

	if (!strncmp(key, "output-", 7) && key[7])
		return 1;
	for (i = 0; config_keys[i]; i++)
		if (!strcmp(config_keys[i], key))
			return 1;
	return 0;
}

/* The first unknown key of `group` into *why; returns -1 when there is one. */
static int config_check_keys(GKeyFile *kf, const char *group, struct buf *why)
{
	gchar **keys = g_key_file_get_keys(kf, group, NULL, NULL);
	size_t i;
	int error = 0;

	for (i = 0; keys && keys[i] && !error; i++) {
		if (!config_key_known(keys[i])) {
			buf_addf(why, "unknown key '%s' in [%s]", keys[i], group);
			error = -1;
		}
	}
	g_strfreev(keys);
	return error;
}

/* The value of `key` in `group`, else in [defaults]; malloc'd, or NULL. */
static char *config_get(GKeyFile *kf, const char *group, const char *key)
{
	const char *groups[] = {group, CONFIG_DEFAULTS};
	gchar *v;
	char *copy;
	size_t i;

	for (i = 0; i < 2; i++) {
		if (!g_key_file_has_group(kf, groups[i]) ||
		    !(v = g_key_file_get_string(kf, groups[i], key, NULL)))
			continue;
		g_strstrip(v);
		copy = xstrdup(v);
		g_free(v);
		return copy;
	}
	return NULL;
}

/* A path from the configuration: "~/" is the home directory, and a relative
 * path is taken from the configuration file's directory. */
static char *config_path(const struct config *c, const char *value)
{
	const char *home = getenv("HOME"), *slash;
	struct buf b = BUF_INIT;

	if (value[0] == '~' && value[1] == '/' && home && *home)
		buf_addf(&b, "%s%s", home, value + 1);
	else if (value[0] == '/' || !(slash = strrchr(c->path, '/')))
		buf_addstr(&b, value);
	else
		buf_addf(&b, "%.*s/%s", (int)(slash - c->path), c->path, value);
	return buf_detach(&b, NULL);
}

/* A path key, or NULL when absent; kept by the config. */
static const char *config_get_path(struct config *c, GKeyFile *kf, const char *group,
				   const char *key)
{
	char *v = config_get(kf, group, key), *path;

	if (!v || !*v) {
		free(v);
		return NULL;
	}
	path = config_path(c, v);
	free(v);
	return config_keep(c, path);
}

/* A number key into *out (unchanged when absent); -1 with *why when bad. */
static int config_get_number(GKeyFile *kf, const char *group, const char *key, unsigned min,
			     unsigned max, unsigned *out, struct buf *why)
{
	char *v = config_get(kf, group, key), *end;
	unsigned long n;
	int error = 0;

	if (!v)
		return 0;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < min || n > max) {
		buf_addf(why, "%s takes a whole number from %u to %u, not '%s'", key, min, max, v);
		error = -1;
	} else {
		*out = (unsigned)n;
	}
	free(v);
	return error;
}

/* A boolean key: 1, 0, or -1 absent; -2 with *why when bad. */
static int config_get_bool(GKeyFile *kf, const char *group, const char *key, struct buf *why)
{
	char *v = config_get(kf, group, key);
	int b = -1;

	if (!v)
		return -1;
	if (!g_ascii_strcasecmp(v, "true") || !strcmp(v, "1") || !g_ascii_strcasecmp(v, "yes"))
		b = 1;
	else if (!g_ascii_strcasecmp(v, "false") || !strcmp(v, "0") ||
		 !g_ascii_strcasecmp(v, "no"))
		b = 0;
	else
		buf_addf(why, "%s takes true or false, not '%s'", key, v), b = -2;
	free(v);
	return b;
}

/* The output of format `name`: output-NAME, else `output` when it is the only one. */
static int config_output(struct config *c, GKeyFile *kf, const char *group, const char *name,
			 size_t nformats, const char **out, struct buf *why)
{
	char key[64];
	const char *whole;

	snprintf(key, sizeof(key), "output-%s", name);
	if ((*out = config_get_path(c, kf, group, key)))
		return 0;
	whole = config_get_path(c, kf, group, "output");
	if (whole && nformats > 1) {
		buf_addf(why, "'output' names one file, for one format: with several, use "
			      "output-FORMAT");
		return -1;
	}
	*out = whole;
	return 0;
}

/* The formats of the list and their outputs, into l->outputs. */
static int config_formats(struct config *c, GKeyFile *kf, struct config_list *l,
			  const struct run_options *cli, struct buf *why)
{
	struct run_options *o = &l->options;
	char *value, *name, *saveptr = NULL;
	const char *names[RUN_MAX_OUTPUTS + 1];
	size_t n = 0, i, j;
	int error = 0;

	if (cli->renderer)
		value = xstrdup(cli->email ? "email" : cli->renderer->name);
	else if (!(value = config_get(kf, l->name, "format")))
		value = xstrdup("text");
	for (name = strtok_r(value, " \t,;", &saveptr); name && !error;
	     name = strtok_r(NULL, " \t,;", &saveptr)) {
		for (i = 0; i < n; i++)
			if (!strcmp(names[i], name))
				break;
		if (i < n)
			continue;
		if (n == RUN_MAX_OUTPUTS) {
			buf_addf(why, "more than %d formats", RUN_MAX_OUTPUTS);
			error = -1;
			break;
		}
		names[n] = name;
		l->outputs[n].email = !strcmp(name, "email");
		l->outputs[n].renderer = render_find(l->outputs[n].email ? "text" : name);
		if (!l->outputs[n].renderer) {
			buf_addf(why, "unknown format '%s' (formats: %s, email)", name,
				 render_format_names());
			error = -1;
		}
		n++;
	}
	if (!error && n == 0) {
		buf_addstr(why, "'format' names no format");
		error = -1;
	}
	for (i = 0; !error && i < n; i++)
		error = config_output(c, kf, l->name, names[i], n, &l->outputs[i].path, why);
	for (i = 0; !error && i < n; i++) {
		for (j = i + 1; !error && j < n; j++) {
			const char *a = l->outputs[i].path, *b = l->outputs[j].path;

			if ((!a && !b) || (a && b && !strcmp(a, b))) {
				buf_addf(why, "formats %s and %s both write to %s%s%s", names[i],
					 names[j], a ? "'" : "standard output", a ? a : "",
					 a ? "'" : "");
				error = -1;
			}
		}
	}
	if (!error) {
		o->outputs = l->outputs;
		o->noutputs = n;
		o->renderer = l->outputs[0].renderer;
		o->email = l->outputs[0].email;
		o->output = l->outputs[0].path;
	}
	free(value);
	return error;
}

/* The email format's From: and To:, and --attach. */
static int config_mail(struct config *c, GKeyFile *kf, struct config_list *l,
		       const struct run_options *cli, struct buf *why)
{
	struct run_options *o = &l->options;
	char *attach = NULL;
	size_t i;
	int email = 0, error = 0;

	for (i = 0; i < o->noutputs; i++)
		email |= o->outputs[i].email;
	if (!o->mail_from)
		o->mail_from = config_keep(c, config_get(kf, l->name, "from"));
	if (!o->mail_to)
		o->mail_to = config_keep(c, config_get(kf, l->name, "to"));
	if (!o->attach && (attach = config_get(kf, l->name, "attach")) && *attach &&
	    !(o->attach = render_find(attach))) {
		buf_addf(why, "unknown attach format '%s' (formats: %s)", attach,
			 render_format_names());
		error = -1;
	}
	if (!error && email && (!o->mail_from || !*o->mail_from || !o->mail_to || !*o->mail_to)) {
		buf_addstr(why, "the email format needs 'from' and 'to'");
		error = -1;
	} else if (!error && o->mail_from && *o->mail_from &&
		   email_check_addresses(o->mail_from) < 0) {
		buf_addf(why, "'from' holds no valid address: '%s'", o->mail_from);
		error = -1;
	} else if (!error && o->mail_to && *o->mail_to && email_check_addresses(o->mail_to) < 0) {
		buf_addf(why, "'to' holds no valid address: '%s'", o->mail_to);
		error = -1;
	} else if (!error && o->attach && !email) {
		buf_addstr(why, "'attach' goes with the email format");
		error = -1;
	}
	free(attach);
	return error;
}

/* Works out one list's options; -1 with the reason in *why. */
static int config_list_build(struct config *c, GKeyFile *kf, struct config_list *l,
			     const struct run_options *cli, struct buf *why)
{
	struct run_options *o = &l->options;
	const char *kinds[] = {"auto", "git", "mbox", "maildir"};
	size_t i;
	int fetch;

	*o = *cli;
	o->label = l->name;
	if (config_check_keys(kf, l->name, why) < 0)
		return -1;
	if (!(o->archive = config_get_path(c, kf, l->name, "archive"))) {
		buf_addstr(why, "no 'archive' key");
		return -1;
	}
	o->list_name = config_keep(c, config_get(kf, l->name, "name"));
	if (!o->input_format) {
		o->input_format = config_keep(c, config_get(kf, l->name, "input-format"));
		for (i = 0; o->input_format && i < sizeof(kinds) / sizeof(kinds[0]); i++)
			if (!strcmp(o->input_format, kinds[i]))
				break;
		if (o->input_format && i == sizeof(kinds) / sizeof(kinds[0])) {
			buf_addf(why, "unknown input-format '%s' (auto, git, mbox, maildir)",
				 o->input_format);
			return -1;
		}
	}
	if (!o->no_state && !o->state_path)
		o->state_path = config_get_path(c, kf, l->name, "state");
	if (o->render.top == CONFIG_UNSET) {
		o->render.top = 15;
		if (config_get_number(kf, l->name, "top", 0, 100000, &o->render.top, why) < 0)
			return -1;
	}
	if (o->render.abbrev == CONFIG_UNSET) {
		o->render.abbrev = 9;
		if (config_get_number(kf, l->name, "abbrev", 4, 40, &o->render.abbrev, why) < 0)
			return -1;
	}
	if ((fetch = config_get_bool(kf, l->name, "fetch", why)) == -2)
		return -1;
	o->fetch = cli->fetch || fetch == 1;
	o->archive_url = config_keep(c, config_get(kf, l->name, "archive-url"));
	if (o->archive_url && !strstr(o->archive_url, "://")) {
		buf_addf(why, "archive-url is not a URL: '%s'", o->archive_url);
		return -1;
	}
	o->mailmap = config_get_path(c, kf, l->name, "mailmap");
	o->orgmap = config_get_path(c, kf, l->name, "orgmap");
	if ((o->mailmap && access(o->mailmap, R_OK) < 0) ||
	    (o->orgmap && access(o->orgmap, R_OK) < 0)) {
		const char *p = o->mailmap && access(o->mailmap, R_OK) < 0 ? o->mailmap : o->orgmap;

		buf_addf(why, "cannot read '%s': %s", p, strerror(errno));
		return -1;
	}
	if (config_formats(c, kf, l, cli, why) < 0)
		return -1;
	return config_mail(c, kf, l, cli, why);
}

/* $XDG_CONFIG_HOME/mldigest/config, else ~/.config/mldigest/config. */
static int config_default_path(char **out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct buf b = BUF_INIT;

	if (xdg && *xdg == '/')
		buf_addf(&b, "%s/mldigest/config", xdg);
	else if (home && *home)
		buf_addf(&b, "%s/.config/mldigest/config", home);
	else
		return error_set(MD_ERR_INPUT, "cannot find the configuration: set HOME or "
					       "XDG_CONFIG_HOME, or give --config FILE");
	*out = buf_detach(&b, NULL);
	return 0;
}

int config_load(struct config **out, const char *path, const struct run_options *cli)
{
	struct config *c = xcalloc(1, sizeof(*c));
	GKeyFile *kf = g_key_file_new();
	GError *gerror = NULL;
	gchar **groups = NULL;
	struct buf why = BUF_INIT;
	size_t i, n;
	int error = 0;

	*out = NULL;
	if (path)
		c->path = xstrdup(path);
	else if ((error = config_default_path(&c->path)) < 0)
		goto cleanup;
	if (!g_key_file_load_from_file(kf, c->path, G_KEY_FILE_NONE, &gerror)) {
		error = error_set(MD_ERR_INPUT, "cannot read the configuration '%s': %s", c->path,
				  gerror->message);
		goto cleanup;
	}
	if (g_key_file_has_group(kf, CONFIG_DEFAULTS) &&
	    config_check_keys(kf, CONFIG_DEFAULTS, &why) < 0) {
		error = error_set(MD_ERR_INPUT, "cannot read the configuration '%s': %s", c->path,
				  why.data);
		goto cleanup;
	}
	groups = g_key_file_get_groups(kf, &n);
	c->lists = xcalloc(n ? n : 1, sizeof(*c->lists));
	for (i = 0; i < n; i++) {
		struct config_list *l;

		if (!strcmp(groups[i], CONFIG_DEFAULTS))
			continue;
		l = &c->lists[c->nlists++];
		l->name = xstrdup(groups[i]);
		buf_reset(&why);
		if (config_list_build(c, kf, l, cli, &why) < 0)
			l->error = xstrdup(why.data);
	}
	if (c->nlists == 0)
		error = error_set(MD_ERR_INPUT, "cannot read the configuration '%s': it names no list",
				  c->path);
cleanup:
	if (gerror)
		g_error_free(gerror);
	g_strfreev(groups);
	g_key_file_free(kf);
	buf_release(&why);
	if (error < 0)
		config_free(c);
	else
		*out = c;
	return error;
}

void config_free(struct config *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < c->nlists; i++) {
		free(c->lists[i].name);
		free(c->lists[i].error);
	}
	for (i = 0; i < c->nstrings; i++)
		free(c->strings[i]);
	free(c->strings);
	free(c->lists);
	free(c->path);
	free(c);
}
