#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Smoke test on real mail: the whole kvm-ppc archive (5,965 messages) when
# ../shared/corpora is there.  Under ASan/UBSan this is the "runs clean" check.
. "$(dirname "$0")/lib.sh"
bundle=$SHARED/corpora/kvm-ppc.bundle
[ -f "$bundle" ] || skip "no $bundle (../shared/corpora is not here)"
git clone -q --mirror "$bundle" "$TMP/kvm-ppc.git" || exit 1
A=$TMP/kvm-ppc.git

run_md --no-state "$A"
check "whole archive exits 0" [ "$status" -eq 0 ]
check "no warnings or errors" [ ! -s "$TMP/err" ]
check "title names the list" grep -q '^kvm-ppc mailing list update from ' "$TMP/out"
check "15 domains listed" [ "$(sed -n '/^Top 15 contributor Email/,/^Top 15 contributors/p' "$TMP/out" | grep -c '^ ')" -eq 15 ]
check "every entry has an Author line" [ "$(grep -c '^New:  ' "$TMP/out")" -eq "$(grep -c '^Author: ' "$TMP/out")" ]
check "Exist lines pair with Skip lines" [ "$(grep -c '^Exist: ' "$TMP/out")" -eq "$(grep -c '^ Skip: ' "$TMP/out")" ]
check "no terminal controls in the output" bash -c "! LC_ALL=C grep -qP '[\x00-\x08\x0b-\x1f\x7f]' '$TMP/out'"
check "output is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$TMP/out" -o /dev/null

# Leads counted independently, with grep over git's own log: subjects that
# are not replies, whose first [...] says PATCH or RFC, PULL with an index, or
# a version with an index, and whose index is 0 or 1 or absent.
leads=$(git -C "$A" log --format=%s |
	grep -viE '^(re|fwd?|aw|sv)(\[[0-9]+\])? *:' |
	grep -iE '^\[([^]]*(patch|rfc)|[^]]*pull [0-9]+/[0-9]+|v[0-9]+ [0-9]+/[0-9]+)' |
	grep -vcE '[ []0*([2-9]|[1-9][0-9]+)/[0-9]+\]')
entries=$(($(grep -c '^New:  ' "$TMP/out") + $(grep -c '^Exist: ' "$TMP/out")))
echo "# entries: $entries, leads by grep: $leads"
check "every lead gets one entry ($entries = $leads)" [ "$entries" -eq "$leads" ]

# A window by revision, digested twice with the state, is stable.
S=$TMP/state.sqlite
run_md --state "$S" "$A" "HEAD~1000..HEAD"
cp "$TMP/out" "$TMP/first"
run_md --state "$S" "$A" "HEAD~1000..HEAD"
check "a window digested twice with the state is the same" cmp -s "$TMP/out" "$TMP/first"

# The whole archive with the state, in two runs: the entries of both are the
# entries of one --no-state run (duplicates across the split are found).
entries() { sed -n '/^===== Patch Commit Messages ====$/,$p' "$1" | tail -n +3; }
run_md --no-state "$A"
cp "$TMP/out" "$TMP/whole"
run_md --state "$TMP/split.sqlite" "$A" "..HEAD~3000"
cp "$TMP/out" "$TMP/part1"
run_md --state "$TMP/split.sqlite" "$A"
check "split runs: the second continues from the first" [ "$(head -1 "$TMP/out" | cut -d' ' -f2)" = "$(git -C "$A" rev-parse --short=9 HEAD~3000)" ]
check "split runs give the entries of one run" cmp -s <(entries "$TMP/part1"; entries "$TMP/out") <(entries "$TMP/whole")
# ... and the applied notices of one run (a notice is about the message it
# answers, wherever that message was; the state links it to its series).
patch_list() { sed -n '/^===== Patch list in this time period =====$/,/^===== Patch Commit Messages ====$/p' "$1" | sed '1,2d;$d' | sed '/^$/d'; }
check "split runs give the patch list of one run" cmp -s <(patch_list "$TMP/part1"; patch_list "$TMP/out") <(patch_list "$TMP/whole")
notices=$(patch_list "$TMP/whole" | grep -c '^    ')
echo "# patch list entries: $notices"
check "the whole archive has applied notices ($notices)" [ "$notices" -gt 300 ]
if command -v sqlite3 >/dev/null; then
	linked=$(sqlite3 "$TMP/split.sqlite" "SELECT count(*) FROM applied WHERE series_root != ''")
	echo "# notices linked to a series: $linked"
	check "most notices are linked to their series through the state ($linked)" [ "$linked" -gt 250 ]
fi

# SIGTERM in the middle of a whole-archive run: state and output as before.
sqlite3 "$S" .dump >"$TMP/dump-before" 2>/dev/null
echo previous >"$TMP/sig.txt"
"$MLDIGEST" --state "$S" -o "$TMP/sig.txt" "$A" "..HEAD" 2>/dev/null &
pid=$!
sleep 0.3
kill -TERM $pid
status=0; wait $pid || status=$?
check "SIGTERM ends the run by the signal ($status)" [ "$status" -eq 143 ]
check "SIGTERM leaves the output as it was" [ "$(cat "$TMP/sig.txt")" = previous ]
check "SIGTERM leaves no temporary file" bash -c "! ls '$TMP'/sig.txt.tmp-* 2>/dev/null"
if command -v sqlite3 >/dev/null; then
	check "SIGTERM leaves the state unchanged" cmp -s <(sqlite3 "$S" .dump) "$TMP/dump-before"
fi

finish
