#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Progress on standard error: on a terminal only (script(1) gives one),
# never on a pipe or with -q.  MLDIGEST_PROGRESS_DELAY=0 lowers the
# 1-second threshold so that a short run shows it.
. "$(dirname "$0")/lib.sh"
seed_archive
command -v script >/dev/null || skip "no script command (util-linux)"
A=$TMP/kvm.git
W=$SEED_FROM..$SEED_TO
expected=$DATA/seed-window/expected.txt

# on_tty FILE ARGS...: runs mldigest with stderr on a terminal (what it
# shows goes to FILE), stdout in $TMP/out.
on_tty() {
	local log=$1 cmd
	shift
	printf -v cmd '%q ' "$MLDIGEST" "$@"
	status=0
	script -qec "$cmd >$(printf %q "$TMP/out")" /dev/null </dev/null >"$log" || status=$?
}

MLDIGEST_PROGRESS_DELAY=0 on_tty "$TMP/tty" --no-state --list KVM "$A" "$W"
check "on a terminal: exit 0" [ "$status" -eq 0 ]
check "on a terminal: the digest is the seed's" cmp -s "$TMP/out" "$expected"
check "on a terminal: progress shows messages of the window's total" \
	grep -qE '[0-9]+/62 messages \([0-9]+%\), [0-9]+/s' "$TMP/tty"
check "on a terminal: the line is erased at the end" \
	[ "$(tail -c 4 "$TMP/tty" | od -An -c | tr -d ' ')" = '\r033[K' ]

MLDIGEST_PROGRESS_DELAY=0 on_tty "$TMP/tty-q" -q --no-state --list KVM "$A" "$W"
check "-q: exit 0" [ "$status" -eq 0 ]
check "-q: no progress" [ ! -s "$TMP/tty-q" ]

# Runs shorter than the threshold show nothing (the seed window takes far
# less than 1000 seconds).
MLDIGEST_PROGRESS_DELAY=1000 on_tty "$TMP/tty-fast" --no-state --list KVM "$A" "$W"
check "a run under the threshold shows nothing" [ "$status" -eq 0 -a ! -s "$TMP/tty-fast" ]

# On a pipe or a file: never.
MLDIGEST_PROGRESS_DELAY=0 run_md --no-state --list KVM "$A" "$W"
check "on a file: no progress" [ "$status" -eq 0 -a ! -s "$TMP/err" ]
status=0
MLDIGEST_PROGRESS_DELAY=0 "$MLDIGEST" --no-state --list KVM "$A" "$W" 2>&1 >/dev/null | cat >"$TMP/pipe" || status=$?
check "on a pipe: no progress" [ ! -s "$TMP/pipe" ]

# An mbox has no known total: the count and the rate.
MLDIGEST_PROGRESS_DELAY=0 on_tty "$TMP/tty-mbox" --no-state --list KVM --since 2026-01-01 "$DATA/seed-window/seed-window.mbox"
check "an mbox: messages without a total" grep -qE '[0-9]+ messages, [0-9]+/s' "$TMP/tty-mbox"

finish
