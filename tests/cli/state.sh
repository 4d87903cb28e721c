#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The state: runs continue where the last one ended, re-sent patches are
# reported once across runs, and the file is never lost or half-written.
. "$(dirname "$0")/lib.sh"
seed_archive
A=$TMP/kvm.git
S=$TMP/state.sqlite
expected=$DATA/seed-window/expected.txt
command -v sqlite3 >/dev/null || skip "no sqlite3 command (apt-get install sqlite3)"
# The commit where the seed window is split: the first v5 0/6 cover letter.
MID=$(git -C "$A" log --reverse --format='%H %s' | grep -m1 'v5 0/6' | cut -d' ' -f1)

entries() { sed -n '/^===== Patch Commit Messages ====$/,$p' "$1" | tail -n +3; }
dump() { sqlite3 "$S" .dump; }

# The first run of an archive needs a window.
expect_error "first run without a window" 2 "^mldigest: no recorded run of '$A': give a window \(FROM..TO or --since\) for its first run$" --state "$S" "$A"
check "a first run without a window makes no state file" [ ! -e "$S" ]

# The seed window in two runs: together, the same entries as in one run.
run_md --state "$S" --list KVM "$A" "$SEED_FROM..$MID"
check "first half exits 0" [ "$status" -eq 0 ]
cp "$TMP/out" "$TMP/half1"
run_md --state "$S" --list KVM "$A" "$MID..$SEED_TO"
check "second half exits 0" [ "$status" -eq 0 ]
cp "$TMP/out" "$TMP/half2"
if diff <(entries "$TMP/half1"; entries "$TMP/half2") <(entries "$expected") >"$TMP/d"; then
	ok "two runs give the seed's entries"
else
	not_ok "two runs differ from the seed's entries"; head -20 "$TMP/d"
fi
# The second half's re-sent v5 1/6 is Exist only because the first run
# recorded the original: without the state it is New.
check "re-sent lead is Exist across runs" grep -q '^Exist: \[PATCH v5 1/6\] hw/acpi: Make BIOS linker optional' "$TMP/half2"
run_md --no-state --list KVM "$A" "$MID..$SEED_TO"
check "the same window without state says New" grep -q '^New:  hw/acpi: Make BIOS linker optional' "$TMP/out"

# A re-run of a recorded window gives the same digest.
run_md --state "$S" --list KVM "$A" "$SEED_FROM..$MID"
check "re-running a window gives the same digest" cmp -s "$TMP/out" "$TMP/half1"

# No window: from the last run's end (SEED_FROM..MID was last) to HEAD.
run_md --state "$S" --dry-run --list KVM "$A"
check "no window continues from the last run" [ "$(head -1 "$TMP/out")" = "From ${MID:0:9} to $(git -C "$A" rev-parse --short=9 HEAD)" ]

# The archive's identity (its root commit) is found by walking back only to
# where its last run ended: a shallow clone, whose root is missing, of an
# archive digested up to its HEAD continues from there (nothing new).
S2=$TMP/known-end.sqlite
cp "$S" "$S2"
run_md --state "$S2" --list KVM "$A" "$SEED_TO..HEAD"
check "digested up to HEAD" [ "$status" -eq 0 ]
cp "$S2" "$TMP/known-end.before"
run_md --state "$S2" --list KVM "$A"
check "a run with nothing new since the last exits 0" [ "$status" -eq 0 ]
check "... says so in one line" [ "$(cat "$TMP/err")" = "mldigest: nothing new in '$A' since the last run" ]
check "... and records nothing" cmp -s "$S2" "$TMP/known-end.before"
git clone -q --bare --depth 3 --no-local "file://$A" "$TMP/known-end.git" 2>/dev/null || exit 1
check "the shallow clone is shallow" [ -s "$TMP/known-end.git/shallow" ]
run_md --state "$S2" --list KVM "$TMP/known-end.git"
check "a shallow clone continues from the last run's end" [ "$status" -eq 0 ]
check "... with nothing new" [ "$(cat "$TMP/err")" = "mldigest: nothing new in '$TMP/known-end.git' since the last run" ]
run_md --state "$S2" --show-state "$TMP/known-end.git"
check "... as the same archive" grep -q " ${SEED_TO:0:12} " "$TMP/out"
# A state without that end: the walk goes to the boundary and says so.
run_md --state "$TMP/other.sqlite" --list KVM "$TMP/known-end.git" "HEAD~2..HEAD"
check "a shallow clone without a known end is refused" [ "$status" -eq 2 ]
check "... naming the shallow clone" grep -q "is a shallow clone" "$TMP/err"

# --dry-run leaves the file byte-identical.
cp "$S" "$TMP/before"
run_md --state "$S" --dry-run --list KVM "$A" "$SEED_FROM..$SEED_TO"
check "--dry-run exits 0" [ "$status" -eq 0 ]
check "--dry-run leaves the state byte-identical" cmp -s "$S" "$TMP/before"
check "--dry-run on a missing file creates nothing" bash -c "'$MLDIGEST' --state '$TMP/none.sqlite' --dry-run '$A' '$SEED_FROM..$SEED_TO' >/dev/null && [ ! -e '$TMP/none.sqlite' ]"

# A failure while the digest is written (a full disk) records nothing.
if [ -w /dev/full ]; then
	dump >"$TMP/dump-before"
	status=0
	"$MLDIGEST" --state "$S" "$A" "$SEED_TO..HEAD" >/dev/full 2>"$TMP/err" || status=$?
	check "full disk exits 2" [ "$status" -eq 2 ]
	check "full disk leaves the state unchanged" cmp -s <(dump) "$TMP/dump-before"
fi

# (SIGTERM in the middle of a run is tested in corpus.sh, on a run long
# enough to be interrupted for sure.)

# --show-state lists the runs.
run_md --state "$S" --show-state "$A"
check "--show-state exits 0" [ "$status" -eq 0 ]
check "--show-state lists every recorded run" [ "$(grep -c "KVM$" "$TMP/out")" -ge 3 ]
run_md --state "$S" --show-state
# The last recorded run was the re-run of SEED_FROM..MID: the next starts after MID.
check "--show-state without an archive lists archives" grep -q "next run starts after $MID" "$TMP/out"

# Two runs at once on one state: both succeed or one fails clearly.
rm -f "$TMP"/c.sqlite*
"$MLDIGEST" --state "$TMP/c.sqlite" "$A" "$SEED_FROM..$SEED_TO" >"$TMP/c1" 2>"$TMP/e1" & p1=$!
"$MLDIGEST" --state "$TMP/c.sqlite" "$A" "$SEED_FROM..$MID" >"$TMP/c2" 2>"$TMP/e2" & p2=$!
s1=0; wait $p1 || s1=$?
s2=0; wait $p2 || s2=$?
check "concurrent runs: each succeeds or says the state is in use" bash -c "
	for s in '$s1:$TMP/e1' '$s2:$TMP/e2'; do
		st=\${s%%:*} err=\${s#*:}
		[ \$st -eq 0 ] || { [ \$st -eq 2 ] && grep -q 'is in use by another run' \$err; } || exit 1
	done"
check "concurrent runs: the file passes integrity_check" [ "$(sqlite3 "$TMP/c.sqlite" 'PRAGMA integrity_check')" = ok ]

# Foreign, corrupt and future state files: exit 2, the file untouched.
printf 'not a database\n' >"$TMP/text.sqlite"
cp "$TMP/text.sqlite" "$TMP/text.orig"
expect_error "a text file as state" 2 "^mldigest: .*'$TMP/text.sqlite'.*" --state "$TMP/text.sqlite" "$A" "$SEED_FROM..$SEED_TO"
check "the text file is untouched" cmp -s "$TMP/text.sqlite" "$TMP/text.orig"
sqlite3 "$TMP/foreign.sqlite" 'CREATE TABLE photos(id INTEGER PRIMARY KEY, path TEXT); INSERT INTO photos VALUES (1, "a.jpg");'
cp "$TMP/foreign.sqlite" "$TMP/foreign.orig"
expect_error "a foreign SQLite database" 2 "^mldigest: .*'$TMP/foreign.sqlite'" --state "$TMP/foreign.sqlite" "$A" "$SEED_FROM..$SEED_TO"
check "the foreign database is untouched" cmp -s "$TMP/foreign.sqlite" "$TMP/foreign.orig"
cp "$S" "$TMP/future.sqlite" && sqlite3 "$TMP/future.sqlite" 'PRAGMA user_version = 99'
expect_error "a state from a newer mldigest" 2 "newer mldigest" --state "$TMP/future.sqlite" "$A" "$SEED_FROM..$SEED_TO"
sqlite3 "$S" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
head -c $(($(stat -c %s "$S") / 2)) "$S" >"$TMP/truncated.sqlite"
cp "$TMP/truncated.sqlite" "$TMP/truncated.orig"
expect_error "a truncated state" 2 "^mldigest: .*'$TMP/truncated.sqlite'" --state "$TMP/truncated.sqlite" "$A" "$SEED_FROM..$SEED_TO"
check "the truncated file is untouched" cmp -s "$TMP/truncated.sqlite" "$TMP/truncated.orig"
expect_error "a state in a missing directory under a file" 2 "^mldigest: .*'$DATA/seed-window/RANGE/s.sqlite'" --state "$DATA/seed-window/RANGE/s.sqlite" "$A" "$SEED_FROM..$SEED_TO"
expect_error "--no-state with --state" 1 "^mldigest: --no-state goes with neither" --no-state --state "$S" "$A"

# A schema 1 state (written by mldigest before the series tables, from the
# first half of the seed window) is upgraded by the first read-write run,
# in that run's transaction, keeping what it recorded.
cp "$DATA/state/schema1.sqlite" "$TMP/v1.sqlite"
cp "$TMP/v1.sqlite" "$TMP/v1.orig"
expect_error "a dry run does not upgrade" 2 "^mldigest: state '$TMP/v1.sqlite' has schema 1, older than this mldigest's 2: run once without --dry-run to upgrade it$" --state "$TMP/v1.sqlite" --dry-run --list KVM "$A" "$MID..$SEED_TO"
check "... and leaves it as it was" cmp -s "$TMP/v1.sqlite" "$TMP/v1.orig"
run_md --state "$TMP/v1.sqlite" --list KVM "$A" "$MID..$SEED_TO"
check "a schema 1 state's run exits 0" [ "$status" -eq 0 ]
check "... and upgrades it to schema 2" [ "$(sqlite3 "$TMP/v1.sqlite" 'PRAGMA user_version')" = 2 ]
check "... keeping its patches: the re-sent lead is Exist" cmp -s "$TMP/out" "$TMP/half2"
check "... and recording the series tables" [ "$(sqlite3 "$TMP/v1.sqlite" 'SELECT count(*) FROM thread')" -gt 0 ]

finish
