/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mldigest: options, wiring, and the one place that prints errors. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#include "archive/archive.h"
#include "config/config.h"
#include "message/email.h"
#include "message/message.h"
#include "render/model.h"
#include "render/render.h"
#include "run.h"
#include "state/state.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/error.h"
#include "util/text.h"

static const char usage_text[] =
	"usage: mldigest [OPTION]... ARCHIVE [FROM..TO]\n"
	"       mldigest --show-state [--state FILE] [ARCHIVE]\n"
	"       mldigest --all [--config FILE] [OPTION]...\n"
	"\n"
	"Digest the patches sent to a mailing list archive.\n"
	"\n"
	"  ARCHIVE            a public-inbox git repository (one message per commit, blob 'm'),\n"
	"                     a v2 inbox directory (git/0.git, git/1.git, ...), an mbox file\n"
	"                     (mboxrd or mboxo, gzip-compressed or not) or a Maildir\n"
	"  FROM..TO           the window: the messages after FROM up to and including TO on\n"
	"                     TO's first-parent chain; FROM.. goes to the newest message,\n"
	"                     ..TO starts at the first one; without a window, from where the\n"
	"                     last recorded run of ARCHIVE ended to the newest message\n"
	"                     (with --no-state: the whole archive)\n"
	"\n"
	"Options:\n"
	"      --since DATE       a window by message date: from DATE on (ISO 8601: 2026-01-27,\n"
	"                         2026-01-27T08:00, 2026-01-27T08:00+02:00; UTC unless an\n"
	"                         offset is given); any archive, with or without FROM..TO\n"
	"      --until DATE       ... up to DATE, not included\n"
	"      --input-format F   the kind of ARCHIVE: auto (default), git, mbox, maildir\n"
	"      --list NAME        the list's name in the title (default: the List-Id of\n"
	"                         the archive's mail, else the archive's directory name)\n"
	"      --format FMT       output format: text (default); markdown, html or json (by\n"
	"                         series); or email: the text digest as one mail for\n"
	"                         'sendmail -t' (with --from and --to)\n"
	"      --from ADDRESS     the mail's From:\n"
	"      --to ADDRESS       the mail's To: (repeat it, or separate with commas)\n"
	"      --attach FMT       the digest in format FMT as a second part of the mail\n"
	"      --archive-url URL  link each message: URL + Message-ID + '/' (http or https;\n"
	"                         e.g. https://lore.kernel.org/kvm/)\n"
	"      --mailmap FILE     merge people's names and addresses (git's .mailmap format)\n"
	"      --orgmap FILE      count organisations too (gitdm's 'domain organisation' lines)\n"
	"      --top N            rows in each top list (default 15)\n"
	"      --abbrev N         hex digits of commit ids in the title (default 9, 4 to 40)\n"
	"      --state FILE       the state database (default:\n"
	"                         $XDG_STATE_HOME/mldigest/state.sqlite, else\n"
	"                         ~/.local/state/mldigest/state.sqlite)\n"
	"      --no-state         an empty state kept in memory: nothing read, nothing written\n"
	"      --dry-run          read the state, record nothing\n"
	"      --show-state       list the runs recorded for ARCHIVE (every archive without one)\n"
	"      --fetch            update the archive from its git remote first (new epochs too)\n"
	"      --all              digest every list of the configuration file, each in its\n"
	"                         own run; the options given apply to every list\n"
	"      --config FILE      the configuration (default:\n"
	"                         $XDG_CONFIG_HOME/mldigest/config, else\n"
	"                         ~/.config/mldigest/config)\n"
	"  -o, --output FILE      write the digest to FILE, complete or not at all\n"
	"  -q, --quiet            no progress on standard error\n"
	"  -h, --help             show this help and exit\n"
	"  -V, --version          show the version and exit\n"
	"\n"
	"Exit status: 0 when the digest was written, or when a run without a window\n"
	"found nothing new since the last one (it says so, and writes nothing);\n"
	"1 for a usage error; 2 when an input (archive, window, state, output,\n"
	"fetch) is unusable; with --all, 2 when\n"
	"any list failed (each said in one line), the others being digested.\n";

enum {
	OPT_LIST = 256,
	OPT_FORMAT,
	OPT_TOP,
	OPT_ABBREV,
	OPT_NO_STATE,
	OPT_STATE,
	OPT_DRY_RUN,
	OPT_SHOW_STATE,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_INPUT_FORMAT,
	OPT_FROM,
	OPT_TO,
	OPT_ATTACH,
	OPT_FETCH,
	OPT_ALL,
	OPT_CONFIG,
	OPT_ARCHIVE_URL,
	OPT_MAILMAP,
	OPT_ORGMAP,
};

static const struct option long_options[] = {
	{"list", required_argument, NULL, OPT_LIST},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"top", required_argument, NULL, OPT_TOP},
	{"abbrev", required_argument, NULL, OPT_ABBREV},
	{"no-state", no_argument, NULL, OPT_NO_STATE},
	{"state", required_argument, NULL, OPT_STATE},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"show-state", no_argument, NULL, OPT_SHOW_STATE},
	{"since", required_argument, NULL, OPT_SINCE},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
	{"from", required_argument, NULL, OPT_FROM},
	{"to", required_argument, NULL, OPT_TO},
	{"attach", required_argument, NULL, OPT_ATTACH},
	{"fetch", no_argument, NULL, OPT_FETCH},
	{"all", no_argument, NULL, OPT_ALL},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"archive-url", required_argument, NULL, OPT_ARCHIVE_URL},
	{"mailmap", required_argument, NULL, OPT_MAILMAP},
	{"orgmap", required_argument, NULL, OPT_ORGMAP},
	{"output", required_argument, NULL, 'o'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

/* What the command line gave that main keeps: the window's ends, --from
 * and --to (each given once or more: joined with ", "), --all, --config. */
struct cli {
	char *from, *to;
	struct buf mail_from, mail_to;
	int all;
	const char *config;
};

/* Prints "mldigest: [<list>: ]<message>" without terminal controls
 * (messages may quote revisions and paths, which may quote mail). */
static void print_error(const char *list, const char *message)
{
	struct buf b = BUF_INIT;

	if (list) {
		text_append_printable(&b, list, strlen(list));
		buf_addstr(&b, ": ");
	}
	text_append_printable(&b, message, strlen(message));
	fprintf(stderr, "mldigest: %s\n", b.data);
	buf_release(&b);
}

/* Adds one --from or --to to those given before. */
static int add_addresses(struct buf *b, const char *option, const char *arg)
{
	if (email_check_addresses(arg) < 0)
		return error_set(MD_ERR_USAGE, "%s: no valid address in '%s'", option, arg);
	if (b->len)
		buf_addstr(b, ", ");
	buf_addstr(b, arg);
	return 0;
}

static void print_version(void)
{
	printf("mldigest %s\nlibgit2 %s\nGMime %s\nSQLite %s\n", MLDIGEST_VERSION,
	       archive_library_version(), message_library_version(), state_library_version());
}

static int parse_number(const char *option, const char *arg, unsigned min, unsigned max,
			unsigned *out)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || n < min || n > max)
		return error_set(MD_ERR_USAGE, "%s takes a whole number from %u to %u, not '%s'",
				 option, min, max, arg);
	*out = (unsigned)n;
	return 0;
}

/* An unparsable date is an unusable input (exit 2), as the issue asks. */
static int parse_date(const char *option, const char *arg, int64_t *out)
{
	if (date_parse_iso8601(arg, out) < 0)
		return error_set(MD_ERR_INPUT,
				 "%s: cannot read the date '%s' (use ISO 8601, e.g. 2026-01-27 or "
				 "2026-01-27T08:00+02:00)",
				 option, arg);
	return 0;
}

/* "FROM..TO", "FROM..", "..TO". */
static int parse_window(const char *arg, struct run_options *o, char **from, char **to)
{
	const char *dots = strstr(arg, "..");

	if (!dots || strstr(dots + 2, ".."))
		return error_set(MD_ERR_USAGE, "the window must be FROM..TO, not '%s'", arg);
	*from = dots > arg ? xmemdupz(arg, (size_t)(dots - arg)) : NULL;
	*to = dots[2] ? xstrdup(dots + 2) : NULL;
	o->from = *from;
	o->to = *to;
	o->window_given = 1;
	return 0;
}

static int parse_options(int argc, char **argv, struct run_options *o, struct cli *cli)
{
	int c, error;

	opterr = 0; /* errors are said once, by main */
	while ((c = getopt_long(argc, argv, ":o:qhV", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_LIST:
			o->list_name = optarg;
			break;
		case OPT_FORMAT:
			o->email = !strcmp(optarg, "email");
			o->renderer = render_find(o->email ? "text" : optarg);
			if (!o->renderer)
				return error_set(MD_ERR_USAGE, "unknown format '%s' (formats: %s, email)",
						 optarg, render_format_names());
			break;
		case OPT_FROM:
		case OPT_TO:
			if ((error = add_addresses(c == OPT_FROM ? &cli->mail_from : &cli->mail_to,
						   c == OPT_FROM ? "--from" : "--to", optarg)) < 0)
				return error;
			break;
		case OPT_ATTACH:
			if (!(o->attach = render_find(optarg)))
				return error_set(MD_ERR_USAGE, "unknown format '%s' (formats: %s)",
						 optarg, render_format_names());
			break;
		case OPT_FETCH:
			o->fetch = 1;
			break;
		case OPT_ALL:
			cli->all = 1;
			break;
		case OPT_CONFIG:
			cli->config = optarg;
			break;
		case OPT_TOP:
			if ((error = parse_number("--top", optarg, 0, 100000, &o->render.top)) < 0)
				return error;
			break;
		case OPT_ABBREV:
			if ((error = parse_number("--abbrev", optarg, 4, 40, &o->render.abbrev)) <
			    0)
				return error;
			break;
		case OPT_NO_STATE:
			o->no_state = 1;
			break;
		case OPT_STATE:
			o->state_path = optarg;
			break;
		case OPT_DRY_RUN:
			o->dry_run = 1;
			break;
		case OPT_SHOW_STATE:
			o->show_state = 1;
			break;
		case OPT_SINCE:
			if ((error = parse_date("--since", optarg, &o->since)) < 0)
				return error;
			o->has_since = 1;
			break;
		case OPT_UNTIL:
			if ((error = parse_date("--until", optarg, &o->until)) < 0)
				return error;
			o->has_until = 1;
			break;
		case OPT_INPUT_FORMAT:
			o->input_format = optarg;
			break;
		case OPT_ARCHIVE_URL:
			if (!render_url_is_safe(optarg))
				return error_set(MD_ERR_USAGE, "--archive-url takes an http or https "
							       "URL without blanks or quotes, not '%s'",
						 optarg);
			o->render.archive_url = optarg;
			break;
		case OPT_MAILMAP:
			o->mailmap_path = optarg;
			break;
		case OPT_ORGMAP:
			o->orgmap_path = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'V':
			print_version();
			exit(0);
		case ':':
			return error_set(MD_ERR_USAGE,
					 "option '%s' needs an argument; try 'mldigest --help'",
					 argv[optind - 1]);
		default:
			return error_set(MD_ERR_USAGE, "unknown option '%s'; try 'mldigest --help'",
					 argv[optind - 1]);
		}
	}
	if (o->no_state && (o->state_path || o->dry_run || o->show_state))
		return error_set(MD_ERR_USAGE, "--no-state goes with neither --state, --dry-run "
					       "nor --show-state");
	o->mail_from = cli->mail_from.len ? cli->mail_from.data : NULL;
	o->mail_to = cli->mail_to.len ? cli->mail_to.data : NULL;
	if (cli->config && !cli->all)
		return error_set(MD_ERR_USAGE, "--config goes with --all");
	if (cli->all) {
		/* Every list has its archive, name and outputs in the configuration. */
		if (o->show_state || o->list_name || o->output || optind < argc)
			return error_set(MD_ERR_USAGE,
					 "--all takes no %s: the configuration names them",
					 o->show_state	 ? "--show-state"
					 : o->list_name ? "--list"
					 : o->output	 ? "--output"
							 : "archive or window");
		return 0;
	}
	if (o->attach && !o->email)
		return error_set(MD_ERR_USAGE, "--attach goes with --format email");
	if (o->email && (!o->mail_from || !o->mail_to))
		return error_set(MD_ERR_USAGE, "--format email needs --from and --to");
	if (o->show_state) {
		if (optind < argc)
			o->archive = argv[optind++];
		if (optind < argc)
			return error_set(MD_ERR_USAGE,
					 "unexpected argument '%s'; try 'mldigest --help'",
					 argv[optind]);
		return 0;
	}
	if (o->has_since && o->has_until && o->since >= o->until)
		return error_set(MD_ERR_USAGE, "--since must be before --until");
	if (optind >= argc)
		return error_set(MD_ERR_USAGE, "no archive given; try 'mldigest --help'");
	o->archive = argv[optind++];
	if (optind < argc && (error = parse_window(argv[optind++], o, &cli->from, &cli->to)) < 0)
		return error;
	if (optind < argc)
		return error_set(MD_ERR_USAGE, "unexpected argument '%s'; try 'mldigest --help'",
				 argv[optind]);
	return 0;
}

/*
 * --all: every list of the configuration, each in a run (and a state
 * transaction) of its own.  A list that fails is said in one line naming it
 * and the others run; *failed counts them.  Returns 0, or a negative code
 * (message set) when the configuration itself is unusable.
 */
static int run_all(const struct run_options *cli, const char *config_path, int *failed)
{
	struct config *c = NULL;
	size_t i;
	int error;

	if ((error = config_load(&c, config_path, cli)) < 0)
		return error;
	for (i = 0; i < c->nlists; i++) {
		const struct config_list *l = &c->lists[i];

		error_clear();
		if (l->error) {
			print_error(l->name, l->error);
			(*failed)++;
		} else if ((error = run_digest(&l->options)) < 0) {
			print_error(l->name, error_message());
			(*failed)++;
		} else if (error == RUN_NOTHING_NEW && !l->options.quiet) {
			print_error(l->name, error_message());
		}
	}
	config_free(c);
	return 0;
}

int main(int argc, char **argv)
{
	struct run_options o = {.render = {.top = CONFIG_UNSET, .abbrev = CONFIG_UNSET}};
	struct cli cli = {.mail_from = BUF_INIT, .mail_to = BUF_INIT};
	int error, failed = 0;

	message_library_init(); /* --from and --to are read with GMime */
	if ((error = parse_options(argc, argv, &o, &cli)) < 0)
		goto out;
	if (cli.all) {
		error = run_all(&o, cli.config, &failed);
	} else {
		/* Without --all, what was not given is mldigest's default. */
		if (!o.renderer)
			o.renderer = render_find("text");
		if (o.render.top == CONFIG_UNSET)
			o.render.top = 15;
		if (o.render.abbrev == CONFIG_UNSET)
			o.render.abbrev = 9;
		o.exits_after = 1;
		error = o.show_state ? run_show_state(&o) : run_digest(&o);
	}
	archive_library_shutdown();
out:
	message_library_shutdown();
	free(cli.from);
	free(cli.to);
	buf_release(&cli.mail_from);
	buf_release(&cli.mail_to);
	if (error < 0 || (error == RUN_NOTHING_NEW && !o.quiet))
		print_error(NULL, error_message());
	if (error == MD_ERR_USAGE)
		return 1;
	return error < 0 || failed ? 2 : 0;
}
