#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --all: the lists of a configuration file, each in a run of its own; one
# failing list is said in one line and the others are still digested.
. "$(dirname "$0")/lib.sh"
seed_archive
A=$TMP/kvm.git
expected=$DATA/seed-window/expected.txt
command -v sqlite3 >/dev/null || skip "no sqlite3 command (apt-get install sqlite3)"
MBOX=$DATA/seed-window/seed-window.mbox
mkdir -p "$TMP/conf" "$TMP/o"
SINCE=2026-01-27T08:00Z
UNTIL=2026-01-27T10:05Z

# The broken list: a small archive of its own, with a state of its own that
# holds one run; its output cannot be written (a missing directory).
SMALL=$TMP/small
git init -q "$SMALL"
for i in 1 2 3; do
	printf 'From: Small <s@example.org>\nSubject: [PATCH] small %s\nMessage-ID: <s%s@example.org>\nDate: Tue, 27 Jan 2026 09:0%s:00 +0000\n\nsmall %s\n' \
		"$i" "$i" "$i" "$i" >"$SMALL/m"
	git -C "$SMALL" add m &&
		GIT_AUTHOR_NAME=s GIT_AUTHOR_EMAIL=s@example.org GIT_COMMITTER_NAME=s \
			GIT_COMMITTER_EMAIL=s@example.org git -C "$SMALL" commit -q -m "$i" ||
		{ echo "cannot make the small archive"; exit 1; }
done
"$MLDIGEST" --state "$TMP/broken.sqlite" --list Small "$SMALL" ..HEAD~1 >/dev/null ||
	{ echo "cannot record the small archive's first run"; exit 1; }
sqlite3 "$TMP/broken.sqlite" .dump >"$TMP/broken-before"

# Three lists: the seed archive (text and email), the broken one, and the
# seed mbox.  Paths relative to the file's directory; [defaults] gives the
# state and the mail's From.
cat >"$TMP/conf/config" <<CONF
# mldigest --all
[defaults]
state = ../state.sqlite
from = KVM digest <digest@example.org>

[kvm]
archive = $A
name = KVM
format = text;email
output-text = ../o/kvm.txt
output-email = ../o/kvm.eml
to = kvm-digest@example.org, Jane <jane@example.org>

[broken]
archive = $SMALL
name = Small
state = ../broken.sqlite
output = ../missing/broken.txt

[kvm-mbox]
archive = $MBOX
name = KVM
top = 5
output = ../o/mbox.txt
CONF

# One window for every list: by date.
run_md --all --config "$TMP/conf/config" --since "$SINCE" --until "$UNTIL"
check "--all exits 2 when a list fails" [ "$status" -eq 2 ]
check "--all prints nothing on stdout (every output is a file)" [ ! -s "$TMP/out" ]
check "--all says one line" [ "$(wc -l <"$TMP/err")" -eq 1 ]
check "the line names the broken list and its problem" \
	grep -qx "mldigest: broken: cannot write '$TMP/conf/../missing/broken.txt': No such file or directory" "$TMP/err"
check "the broken list's state is unchanged" cmp -s <(sqlite3 "$TMP/broken.sqlite" .dump) "$TMP/broken-before"
check "the git list's digest is the seed's from line 3" \
	cmp -s <(tail -n +3 "$TMP/o/kvm.txt") <(tail -n +3 "$expected")
check "the git list's title names the dates" \
	[ "$(sed -n 2p "$TMP/o/kvm.txt")" = "KVM mailing list update from $SINCE to $UNTIL" ]
check "the mbox list has --top from its group" grep -qx "Top 5 contributors (Based on Email Body)" "$TMP/o/mbox.txt"
check "the mbox list's entries are the seed's" \
	cmp -s <(sed -n '/^===== Patch list/,$p' "$TMP/o/mbox.txt") <(sed -n '/^===== Patch list/,$p' "$expected")
check "the email has the title as subject" \
	grep -qx "Subject: KVM mailing list update from $SINCE to $UNTIL" "$TMP/o/kvm.eml"
check "the email has From from [defaults]" grep -qx "From: KVM digest <digest@example.org>" "$TMP/o/kvm.eml"
check "the email has both To addresses" grep -qx "To: kvm-digest@example.org, Jane <jane@example.org>" "$TMP/o/kvm.eml"

# The good lists' state: one run each, in their own transactions.
runs() { sqlite3 "$TMP/state.sqlite" "SELECT count(*) FROM run"; }
check "each good list recorded its run" [ "$(runs)" -eq 2 ]

# The next --all continues each list where it ended.
run_md --all --config "$TMP/conf/config"
check "a second --all: the broken list is said again, once" \
	[ "$status" -eq 2 -a "$(grep -c '^mldigest: ' "$TMP/err")" -eq 1 ]
check "a second --all continues the git list after the window" \
	grep -q "New:  KVM: x86: placeholder patch after this window" "$TMP/o/kvm.txt"
check "the broken list's state is still unchanged" cmp -s <(sqlite3 "$TMP/broken.sqlite" .dump) "$TMP/broken-before"

# Command-line options are over the configuration: --top 3 for every list,
# --no-state ignores the state key, --format text replaces text;email.
rm -f "$TMP/o"/*
run_md --all --config "$TMP/conf/config" --top 3 --no-state --format text --since "$SINCE" --until "$UNTIL"
check "--top 3 overrides the group's top 5" grep -qx "Top 3 contributors (Based on Email Body)" "$TMP/o/mbox.txt"
check "--top 3 reaches the git list too" grep -qx "Top 3 contributors (Based on Email Body)" "$TMP/o/kvm.txt"
check "--format text: no email" [ ! -e "$TMP/o/kvm.eml" ]
check "--no-state recorded nothing" [ "$(runs)" -eq 4 ]

# All good: exit 0, nothing on stderr.
sed -i '/^\[broken\]/,/^$/d' "$TMP/conf/config"
run_md --all --config "$TMP/conf/config" --no-state --since "$SINCE" --until "$UNTIL"
check "all lists good: exit 0" [ "$status" -eq 0 ]
check "all lists good: nothing on stderr" [ ! -s "$TMP/err" ]

# A bad key or value fails that list only, saying which.
cat >"$TMP/bad.conf" <<CONF
[typo]
archive = $A
formt = text
[badtop]
archive = $A
top = many
[nomail]
archive = $A
format = email
[unknown]
archive = $A
format = pdf
[good]
archive = $MBOX
output = $TMP/o/good.txt
CONF
run_md --all --config "$TMP/bad.conf" --no-state --since "$SINCE" --until "$UNTIL"
check "bad groups: exit 2" [ "$status" -eq 2 ]
check "bad groups: one line each" [ "$(wc -l <"$TMP/err")" -eq 4 ]
check "an unknown key is named" grep -qx "mldigest: typo: unknown key 'formt' in \[typo\]" "$TMP/err"
check "a bad number is named" grep -qx "mldigest: badtop: top takes a whole number from 0 to 100000, not 'many'" "$TMP/err"
check "email without addresses" grep -qx "mldigest: nomail: the email format needs 'from' and 'to'" "$TMP/err"
check "an unknown format" grep -q "^mldigest: unknown: unknown format 'pdf'" "$TMP/err"
check "the good group still ran" [ -s "$TMP/o/good.txt" ]

# Whole-file problems: exit 2, one line; usage errors: exit 1.
expect_error "a missing configuration" 2 "^mldigest: cannot read the configuration '$TMP/none': " --all --config "$TMP/none"
printf 'not a key file\n' >"$TMP/garbage.conf"
expect_error "a file that is not a key file" 2 "^mldigest: cannot read the configuration '$TMP/garbage.conf': " --all --config "$TMP/garbage.conf"
printf '[defaults]\ntop = 3\n' >"$TMP/empty.conf"
expect_error "a configuration without lists" 2 "it names no list\$" --all --config "$TMP/empty.conf"
printf '[defaults]\nbogus = 1\n[x]\narchive = /x\n' >"$TMP/baddefaults.conf"
expect_error "a bad [defaults]" 2 "unknown key 'bogus' in \[defaults\]\$" --all --config "$TMP/baddefaults.conf"
expect_error "--all with an archive" 1 "^mldigest: --all takes no archive or window" --all --config "$TMP/bad.conf" "$A"
expect_error "--all with --list" 1 "^mldigest: --all takes no --list" --all --list KVM
expect_error "--all with -o" 1 "^mldigest: --all takes no --output" --all -o "$TMP/x"
expect_error "--config without --all" 1 "^mldigest: --config goes with --all" --config "$TMP/bad.conf" "$A"

# The default place: $XDG_CONFIG_HOME/mldigest/config.
mkdir -p "$TMP/xdg/mldigest"
cp "$TMP/conf/config" "$TMP/xdg/mldigest/config"
sed -i "s|\.\./o/|$TMP/o/xdg-|; s|\.\./state.sqlite|$TMP/xdg-state.sqlite|" "$TMP/xdg/mldigest/config"
XDG_CONFIG_HOME=$TMP/xdg run_md --all --no-state --since "$SINCE" --until "$UNTIL"
check "the configuration is found under XDG_CONFIG_HOME" [ "$status" -eq 0 -a -s "$TMP/o/xdg-kvm.txt" ]

finish
