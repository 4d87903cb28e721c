/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config_load(): the keys of a list over [defaults], the command line over
 * both, and a bad key or value failing its list only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

#include "config/config.h"
#include "message/message.h"
#include "render/render.h"
#include "util/error.h"

static char path[256];

static struct config *load(const char *text, const struct run_options *cli)
{
	struct config *c = NULL;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/mldigest-config-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	assert_int_equal(config_load(&c, path, cli), 0);
	unlink(path);
	return c;
}

static struct run_options cli_none(void)
{
	struct run_options o = {.render = {.top = CONFIG_UNSET, .abbrev = CONFIG_UNSET}};

	return o;
}

/* clang-format off */
static const struct {
	const char *group; /* the list's group, after a [defaults] of top = 7 and state = s.db */
	const char *error; /* the start of the list's error, or NULL */
	unsigned top;
	size_t noutputs;
	const char *why;
} cases[] = {
	{"[a]\narchive = /x\n", NULL, 7, 1, "[defaults] gives top"},
	{"[a]\narchive = /x\ntop = 3\n", NULL, 3, 1, "the group is over [defaults]"},
	{"[a]\narchive = /x\nformat = text;email\nfrom = a@b.org\nto = c@d.org\noutput-text = t\noutput-email = e\n",
	 NULL, 7, 2, "two formats, two outputs"},
	{"[a]\narchive = /x\nformat = text, text\n", NULL, 7, 1, "a format named twice is one"},
	{"[a]\nname = A\n", "no 'archive' key", 0, 0, "archive is required"},
	{"[a]\narchive = /x\ncolour = red\n", "unknown key 'colour' in [a]", 0, 0, "typos are caught"},
	{"[a]\narchive = /x\ntop = -1\n", "top takes a whole number", 0, 0, "a negative top"},
	{"[a]\narchive = /x\nabbrev = 3\n", "abbrev takes a whole number from 4 to 40", 0, 0, "abbrev too small"},
	{"[a]\narchive = /x\nfetch = maybe\n", "fetch takes true or false", 0, 0, "a bad boolean"},
	{"[a]\narchive = /x\nformat = text;email\nfrom = a@b.org\nto = c@d.org\n",
	 "formats text and email both write to standard output", 0, 0, "two formats on stdout"},
	{"[a]\narchive = /x\nformat = text;email\noutput = o\nfrom = a@b.org\nto = c@d.org\n",
	 "'output' names one file", 0, 0, "output with two formats"},
	{"[a]\narchive = /x\nformat = email\nfrom = a@b.org\nto = nobody\n",
	 "'to' holds no valid address", 0, 0, "a bad To"},
	{"[a]\narchive = /x\nattach = text\n", "'attach' goes with the email format", 0, 0,
	 "attach without email"},
	{"[a]\narchive = /x\nformat = pdf\n", "unknown format 'pdf'", 0, 0, "an unknown format"},
	{"[a]\narchive = /x\ninput-format = tar\n", "unknown input-format 'tar'", 0, 0,
	 "an unknown input format"},
	{"[a]\narchive = /x\narchive-url = lore.kernel.org/kvm\n", "archive-url is not a URL", 0, 0,
	 "a URL without a scheme"},
	{"[a]\narchive = /x\nmailmap = /nonexistent/mailmap\n", "cannot read '/nonexistent/mailmap'", 0, 0,
	 "a mailmap that is not there"},
};
/* clang-format on */

static void test_cases(void **state)
{
	struct run_options cli = cli_none();
	char text[1024];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct config *c;
		const struct config_list *l;

		snprintf(text, sizeof(text), "[defaults]\ntop = 7\nstate = s.db\n%s", cases[i].group);
		c = load(text, &cli);
		assert_int_equal(c->nlists, 1);
		l = &c->lists[0];
		if (cases[i].error) {
			if (!l->error || strncmp(l->error, cases[i].error, strlen(cases[i].error)))
				fail_msg("%s: error '%s', want '%s'", cases[i].why,
					 l->error ? l->error : "(none)", cases[i].error);
		} else {
			if (l->error)
				fail_msg("%s: unexpected error '%s'", cases[i].why, l->error);
			assert_int_equal(l->options.render.top, cases[i].top);
			assert_int_equal(l->options.render.abbrev, 9);
			assert_int_equal(l->options.noutputs, cases[i].noutputs);
			assert_string_equal(l->options.label, "a");
		}
		config_free(c);
	}
}

/* The command line is over everything; paths are from the file's directory. */
static void test_command_line(void **state)
{
	struct run_options cli = cli_none();
	struct config *c;
	const struct run_options *o;
	char want[300];

	(void)state;
	cli.render.top = 2;
	cli.renderer = render_find("text");
	cli.no_state = 1;
	cli.fetch = 1;
	c = load("[defaults]\ntop = 7\nstate = s.db\n[kvm]\narchive = kvm\nformat = email\n"
		 "output-text = kvm.txt\nfetch = false\n[two]\narchive = ~/two\n",
		 &cli);
	assert_int_equal(c->nlists, 2);
	o = &c->lists[0].options;
	assert_null(c->lists[0].error);
	assert_int_equal(o->render.top, 2);
	assert_null(o->state_path);
	assert_int_equal(o->fetch, 1);
	assert_int_equal(o->noutputs, 1);
	assert_false(o->outputs[0].email);
	snprintf(want, sizeof(want), "%.*s/kvm", (int)(strrchr(path, '/') - path), path);
	assert_string_equal(o->archive, want);
	snprintf(want, sizeof(want), "%.*s/kvm.txt", (int)(strrchr(path, '/') - path), path);
	assert_string_equal(o->outputs[0].path, want);
	if (getenv("HOME")) {
		snprintf(want, sizeof(want), "%s/two", getenv("HOME"));
		assert_string_equal(c->lists[1].options.archive, want);
	}
	config_free(c);
}

static void test_file_errors(void **state)
{
	struct run_options cli = cli_none();
	struct config *c = NULL;

	(void)state;
	assert_int_equal(config_load(&c, "/nonexistent/mldigest/config", &cli), MD_ERR_INPUT);
	assert_null(c);
	assert_non_null(strstr(error_message(), "cannot read the configuration"));
}

static int setup(void **state)
{
	(void)state;
	message_library_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	message_library_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases),
	    cmocka_unit_test(test_command_line),
	    cmocka_unit_test(test_file_errors),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
