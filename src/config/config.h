/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef MLDIGEST_CONFIG_CONFIG_H
#define MLDIGEST_CONFIG_CONFIG_H

/*
 * The configuration file of `mldigest --all` (--config FILE, else
 * $XDG_CONFIG_HOME/mldigest/config, else ~/.config/mldigest/config), in
 * GLib's key-file format: one group per list, and a group [defaults] whose
 * keys every list has unless it sets them itself.
 *
 *	[defaults]
 *	state = ~/.local/state/mldigest/lore.sqlite
 *	from = KVM digest <digest@example.org>
 *
 *	[kvm]
 *	archive = /srv/lore/kvm
 *	name = KVM
 *	format = text;email
 *	output-text = /srv/www/kvm.txt
 *	output-email = /var/spool/mldigest/kvm.eml
 *	to = kvm-digest@example.org
 *	fetch = true
 *
 * What counts, strongest first: the command line, the list's group,
 * [defaults], mldigest's own defaults.  The keys are in config.c (and
 * mldigest.1).  GLib is used in config.c only; callers see run options.
 */

#include <stddef.h>

#include "run.h"

struct config_list {
	char *name;  /* the group's name */
	char *error; /* why the list cannot run (a bad key or value), or NULL */
	struct run_options options; /* what to run; its strings belong to the config */
	struct run_output outputs[RUN_MAX_OUTPUTS];
};

struct config {
	char *path;
	struct config_list *lists; /* in the file's order */
	size_t nlists;
	char **strings; /* what the options point to */
	size_t nstrings;
};

/*
 * Reads the configuration at `path` (NULL: the default path) and works out
 * each list's options: its keys over [defaults], under what the command
 * line `cli` gave (fields left NULL, 0 or CONFIG_UNSET there were not
 * given).  A list with a bad key or value gets `error` and the others are
 * fine.  Returns 0 and sets *out (the caller's, config_free), or
 * MD_ERR_INPUT with the message set: the file is missing, unreadable, not
 * a key file, has a bad [defaults], or has no list.
 */
int config_load(struct config **out, const char *path, const struct run_options *cli);

void config_free(struct config *c);

/* The top and abbrev of a command line that did not give them. */
#define CONFIG_UNSET ((unsigned)-1)

#endif
