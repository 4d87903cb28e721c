#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Options that change what is printed.
. "$(dirname "$0")/lib.sh"
seed_archive
A=$TMP/kvm.git
W=$SEED_FROM..$SEED_TO

run_md --help
check "--help exits 0" [ "$status" -eq 0 ]
for opt in --list --format --top --abbrev --no-state --output --quiet --help --version; do
	check "--help lists $opt" grep -q -- "$opt" "$TMP/out"
done
run_md --version
check "--version names the program" grep -qE '^mldigest [0-9]+\.[0-9]+' "$TMP/out"

run_md --list KVM --top 3 "$A" "$W"
check "--top 3 in the headings" grep -qx "Top 3 contributors (Based on Email Body)" "$TMP/out"
domains=$(sed -n '/^Top 3 contributor Email/,/^Top 3 contributors/p' "$TMP/out" | grep -c '^ ')
check "--top 3 prints three domains" [ "$domains" -eq 3 ]
check "--top 3 keeps the order" grep -qx "     13  \"Mike Rapoport (Microsoft)\" <rppt@kernel.org>" "$TMP/out"

run_md --list KVM --top 0 "$A" "$W"
check "--top 0 prints empty lists" [ "$(sed -n 4,7p "$TMP/out" | tr '\n' '|')" = "Top 0 contributor Email domains (Based on Email Body)|||Top 0 contributors (Based on Email Body)|" ]

run_md --list KVM --abbrev 12 "$A" "$W"
check "--abbrev 12" [ "$(head -1 "$TMP/out")" = "From ${SEED_FROM:0:12} to ${SEED_TO:0:12}" ]
run_md --list KVM --abbrev 40 "$A" "$W"
check "--abbrev 40" [ "$(head -1 "$TMP/out")" = "From $SEED_FROM to $SEED_TO" ]

run_md -q --format text --list "Linux KVM" "$A" "$W"
check "--list with a space" [ "$(sed -n 2p "$TMP/out")" = "Linux KVM mailing list update from ${SEED_FROM:0:9} to ${SEED_TO:0:9}" ]

# FROM.. runs to the newest message: one more patch (Rita's) than the seed.
run_md --list KVM "$A" "$SEED_FROM.."
check "FROM.. ends at HEAD" grep -q "New:  KVM: x86: placeholder patch after this window" "$TMP/out"
# ..TO and no window start at the first message (a reply: counts nowhere).
run_md --list KVM "$A" "..$SEED_TO"
check "..TO starts at the root" [ "$(head -1 "$TMP/out")" = "From ${SEED_FROM:0:9} to ${SEED_TO:0:9}" ]
run_md --list KVM "$A"
check "no window: the whole archive" grep -q "rita@example.org" "$TMP/out"

finish
