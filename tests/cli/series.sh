#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Series across windows (issue 5), on tests/data/series/series.mbox: a v1
# series whose 3/3 comes a window after its cover letter and 1-2, a review
# of v1 in the second window, a v2 with the same title, a maintainer's
# "Applied to kvm/next" on v2 and a reply that only quotes such a notice,
# a patch sent through B4 Relay, and a v3 whose cover letter links to v2's.
# The first window is 2026-01-01, the second what follows it to 2026-01-06,
# the third the rest.
. "$(dirname "$0")/lib.sh"
M=$DATA/series/series.mbox
S=$TMP/state.sqlite
command -v sqlite3 >/dev/null || skip "no sqlite3 command (apt-get install sqlite3)"
q() { sqlite3 "$S" "$1"; }
patch_list() { sed -n '/^===== Patch list in this time period =====$/,/^===== Patch Commit Messages ====$/p' "$1"; }

run_md --state "$S" --since 2026-01-01 --until 2026-01-02 "$M"
check "first window exits 0" [ "$status" -eq 0 ]
check "first window: empty patch list" [ "$(patch_list "$TMP/out" | wc -l)" -eq 4 ]
check "v1 is 2 of 3 after the first window" [ "$(q "SELECT received || '/' || total FROM version WHERE root_id = 'v1-0@example.com'")" = 2/3 ]
check "the window's patches are kept for later windows" [ "$(q "SELECT count(*) FROM thread")" -eq 3 ]

run_md --state "$S" --since 2026-01-02 --until 2026-01-06 "$M"
check "second window exits 0" [ "$status" -eq 0 ]
cp "$TMP/out" "$TMP/second"
cat >"$TMP/want-list" <<'END'
===== Patch list in this time period =====

[PATCH v2 0/2] foo: add bar
    applied by Max Maintainer <max@example.org> to kvm/next

===== Patch Commit Messages ====
END
check "second window: the applied notice, not the quoted one" diff -u "$TMP/want-list" <(patch_list "$TMP/second")
check "the late 3/3 completes v1 through the state" [ "$(q "SELECT received || '/' || total FROM version WHERE root_id = 'v1-0@example.com'")" = 3/3 ]
check "v2 follows v1 (same author and title)" [ "$(q "SELECT previous_root || ' ' || link FROM version WHERE root_id = 'v2-0@example.com'")" = "v1-0@example.com same-title" ]
check "v2 is marked applied" [ "$(q "SELECT applied FROM version WHERE root_id = 'v2-0@example.com'")" = 1 ]
check "v1 is not" [ "$(q "SELECT applied FROM version WHERE root_id = 'v1-0@example.com'")" = 0 ]
check "the notice is recorded once" [ "$(q "SELECT who || '|' || place || '|' || series_root FROM applied")" = "Max Maintainer <max@example.org>|kvm/next|v2-0@example.com" ]
check "B4 Relay counts for the person it relays" grep -qx '      1  Bob Builder <bob@example.org>' "$TMP/second"
check "... and for their domain" grep -qx '      1 example.org' "$TMP/second"
check "... not for the relay" bash -c "! grep -q 'kernel.org' '$TMP/second'"
check "... the Author: line names the person" grep -qx 'Author: Bob Builder <bob@example.org>' "$TMP/second"

# Re-running the second window changes neither the digest nor what is recorded.
q "SELECT * FROM version ORDER BY id; SELECT * FROM applied; SELECT count(*) FROM thread" >"$TMP/before"
run_md --state "$S" --since 2026-01-02 --until 2026-01-06 "$M"
# (the title names the window as given: the second run continued after
# the first run's last message, this one starts at the --since date)
check "re-run gives the same digest" cmp -s <(tail -n +3 "$TMP/out") <(tail -n +3 "$TMP/second")
q "SELECT * FROM version ORDER BY id; SELECT * FROM applied; SELECT count(*) FROM thread" >"$TMP/after"
check "re-run records nothing new" cmp -s "$TMP/before" "$TMP/after"

# Without the state the second window alone cannot know v1's first patches.
run_md --no-state --since 2026-01-02 --until 2026-01-06 "$M"
check "no state: same patch list" diff -u "$TMP/want-list" <(patch_list "$TMP/out")

# A third window: v3 has a new title and answers nothing, but its cover
# letter links to v2's, which the state finds.
run_md --state "$S" "$M"
check "third window exits 0" [ "$status" -eq 0 ]
check "v3 follows v2 (its cover letter links to it)" [ "$(q "SELECT previous_root || ' ' || link FROM version WHERE root_id = 'v3-0@example.com'")" = "v2-0@example.com link" ]
finish
