#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The same digest everywhere: the seed window as a git archive, as an mbox,
# as that mbox gzipped, and as a Maildir made from it, with one date window.
. "$(dirname "$0")/lib.sh"
seed_archive
A=$TMP/kvm.git
MBOX=$DATA/seed-window/seed-window.mbox
expected=$DATA/seed-window/expected.txt
SINCE=2026-01-27T08:00Z
UNTIL=2026-01-27T10:05Z
title="From $SINCE to $UNTIL"

gzip -c "$MBOX" >"$TMP/seed.mbox.gz"
# A Maildir from the mbox: one file per message, mboxrd's ">From " unescaped,
# file names that do not sort in date order (the reader orders by Date).
mkdir -p "$TMP/maildir/cur" "$TMP/maildir/new" "$TMP/maildir/tmp"
awk -v dir="$TMP/maildir" '
	/^From / { n++; f = sprintf("%s/%s/%d.%05d.host:2,S", dir, n % 3 ? "cur" : "new", 1700000000 + (n * 7919) % 997, n); next }
	{ line = $0; if (line ~ /^>+From /) line = substr(line, 2); print line > f }
' "$MBOX"
check "the Maildir has 64 messages" [ "$(find "$TMP/maildir/cur" "$TMP/maildir/new" -type f | wc -l)" -eq 64 ]

for kind in git mbox gz maildir; do
	case $kind in
	git) src=$A ;;
	mbox) src=$MBOX ;;
	gz) src=$TMP/seed.mbox.gz ;;
	maildir) src=$TMP/maildir ;;
	esac
	run_md --no-state --list KVM --since "$SINCE" --until "$UNTIL" "$src"
	check "$kind: exits 0" [ "$status" -eq 0 ]
	check "$kind: the title names the date window" [ "$(head -1 "$TMP/out")" = "$title" ]
	if cmp -s <(tail -n +3 "$TMP/out") <(tail -n +3 "$expected"); then
		ok "$kind: the seed digest from line 3 on"
	else
		not_ok "$kind: differs from the seed digest"
		diff <(tail -n +3 "$expected") <(tail -n +3 "$TMP/out") | head -10
	fi
done

# --input-format names the kind; a wrong one fails clearly.
run_md --no-state --list KVM --input-format mbox --since "$SINCE" --until "$UNTIL" "$MBOX"
check "--input-format mbox" cmp -s <(tail -n +3 "$TMP/out") <(tail -n +3 "$expected")
expect_error "--input-format maildir on a file" 2 "^mldigest: cannot read '$MBOX'" --no-state --input-format maildir "$MBOX"
expect_error "unknown --input-format" 1 "^mldigest: unknown input format 'pst'" --no-state --input-format pst "$MBOX"

# Date windows combine with revisions, and state continues an mbox by date.
run_md --no-state --list KVM --since "$SINCE" "$A" "..$SEED_TO"
check "--since with ..TO" cmp -s <(tail -n +3 "$TMP/out") <(tail -n +3 "$expected")
S=$TMP/state.sqlite
run_md --state "$S" --list KVM --since "$SINCE" --until "$UNTIL" "$MBOX"
check "mbox with state: first run" cmp -s <(tail -n +3 "$TMP/out") <(tail -n +3 "$expected")
run_md --state "$S" --list KVM "$MBOX"
check "mbox with state: the next run continues after the last message" [ "$(head -1 "$TMP/out")" = "From 2026-01-27T10:04Z to 2026-01-27T10:06Z" ]
check "mbox with state: only the message after the window" [ "$(grep -c '^New:  ' "$TMP/out")" -eq 1 ]
# A run without a window on a quiet day is not an error: it says so (not
# with -q), writes nothing (an -o file stays as it was) and records nothing.
sqlite3 "$S" .dump >"$TMP/dump-before" 2>/dev/null
echo previous >"$TMP/quiet.txt"
run_md --state "$S" --list KVM -o "$TMP/quiet.txt" "$MBOX"
check "mbox with state: nothing new exits 0" [ "$status" -eq 0 ]
check "... says so in one line" [ "$(cat "$TMP/err")" = "mldigest: nothing new in '$MBOX' since the last run" ]
check "... writes nothing" [ "$(cat "$TMP/quiet.txt")" = previous ]
check "... records nothing" cmp -s <(sqlite3 "$S" .dump 2>/dev/null) "$TMP/dump-before"
run_md --state "$S" --list KVM -q "$MBOX"
check "... with -q exits 0" [ "$status" -eq 0 ]
check "... and says nothing" [ ! -s "$TMP/err" ]
check "... and prints nothing" [ ! -s "$TMP/out" ]
expect_error "an explicit window with nothing in it is still an error" 2 "^mldigest: no messages in the window in '$MBOX'" --state "$S" --since 2030-01-01 "$MBOX"

# Errors.
expect_error "an unparsable date" 2 "^mldigest: --since: cannot read the date 'yesterday'" --no-state --since yesterday "$MBOX"
expect_error "a revision window on an mbox" 2 "'$MBOX' is an mbox" --no-state "$MBOX" "a..b"
printf 'Subject: no From line\n\nbody\n' >"$TMP/bad.mbox"
expect_error "an mbox without a leading From line" 2 "^mldigest: cannot read '$TMP/bad.mbox': not an mbox" --no-state "$TMP/bad.mbox"
mkdir "$TMP/neither"
expect_error "a directory of no kind" 2 "^mldigest: cannot read '$TMP/neither': not a git repository" --no-state "$TMP/neither"
expect_error "an mbox window with nothing in it" 2 "no messages in the window" --no-state --since 2030-01-01 "$MBOX"

finish
