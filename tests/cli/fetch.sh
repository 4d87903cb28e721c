#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --fetch: a mirror brought up to date from a local remote (a path or a
# file:// URL) that gained commits and a new epoch; a failed fetch leaves
# the archive as it was.
. "$(dirname "$0")/lib.sh"
seed_archive
SRC=$TMP/kvm.git
REMOTE=$TMP/remote
LOCAL=$TMP/local
expected=$DATA/seed-window/expected.txt

# The window's 30th commit ends what the mirror has; the 45th ends the
# remote's epoch 0, and a new epoch 1 holds the rest (new commit ids).
commit_n() { git -C "$SRC" rev-list --first-parent --reverse "$SEED_FROM..$SEED_TO" | sed -n "$1p"; }
FIRST=$(commit_n 30)
SPLIT=$(commit_n 45)
git init -q --bare "$REMOTE/git/0.git" && git -C "$REMOTE/git/0.git" symbolic-ref HEAD refs/heads/master &&
	git -C "$SRC" push -q "$REMOTE/git/0.git" "$FIRST:refs/heads/master" &&
	git clone -q --mirror "file://$REMOTE/git/0.git" "$LOCAL/git/0.git" ||
	{ echo "cannot make the remote and its mirror"; exit 1; }

# copy_commit C PARENT: commit C of the seed archive written into epoch 1
# with PARENT (none: a root), same tree and dates; prints the new id.
E1=$REMOTE/git/1.git
copy_commit() {
	local c=$1 parent=$2 tree
	git -C "$SRC" cat-file blob "$c:m" | git -C "$E1" hash-object -w --stdin >/dev/null || return 1
	tree=$(git -C "$SRC" ls-tree "$c" | git -C "$E1" mktree) || return 1
	git -C "$SRC" log -1 --format=%B "$c" |
		GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@example.org \
			GIT_AUTHOR_DATE="$(git -C "$SRC" log -1 --format=%ad --date=raw "$c")" \
			GIT_COMMITTER_NAME=c GIT_COMMITTER_EMAIL=c@example.org \
			GIT_COMMITTER_DATE="$(git -C "$SRC" log -1 --format=%cd --date=raw "$c")" \
			git -C "$E1" commit-tree --no-gpg-sign "$tree" ${parent:+-p "$parent"}
}

# A first run on the mirror as it is, recorded in the state.
run_md --state "$TMP/state.sqlite" --list KVM "$LOCAL" "$SEED_FROM.."
check "a first run on the mirror exits 0" [ "$status" -eq 0 ]
check "the mirror ends at the 30th commit" \
	[ "$(head -1 "$TMP/out")" = "From ${SEED_FROM:0:9} to ${FIRST:0:9}" ]

# The remote gains commits in epoch 0 and a new epoch 1.
git -C "$SRC" push -q "$REMOTE/git/0.git" "$SPLIT:refs/heads/master" || exit 1
git init -q --bare "$E1" && git -C "$E1" symbolic-ref HEAD refs/heads/master || exit 1
parent=
while read -r c; do
	parent=$(copy_commit "$c" "$parent") || { echo "cannot copy commit $c"; exit 1; }
done < <(git -C "$SRC" rev-list --first-parent --reverse "$SPLIT..HEAD")
git -C "$E1" update-ref refs/heads/master "$parent"

# The same digest from the seed archive: its state recorded the same run.
"$MLDIGEST" --state "$TMP/seed.sqlite" --list KVM "$SRC" "$SEED_FROM..$FIRST" >/dev/null
"$MLDIGEST" --state "$TMP/seed.sqlite" --list KVM "$SRC" >"$TMP/want"

run_md --fetch --state "$TMP/state.sqlite" --list KVM "$LOCAL"
check "--fetch exits 0" [ "$status" -eq 0 ]
check "--fetch prints nothing on stderr" [ ! -s "$TMP/err" ]
check "epoch 0 has the remote's new commits" \
	[ "$(git -C "$LOCAL/git/0.git" rev-parse HEAD)" = "$SPLIT" ]
check "the new epoch 1 was cloned" \
	[ "$(git -C "$LOCAL/git/1.git" rev-parse HEAD)" = "$parent" ]
check "epoch 1 is a mirror of the remote's" \
	[ "$(git -C "$LOCAL/git/1.git" config remote.origin.url)" = "file://$E1" -a \
	  "$(git -C "$LOCAL/git/1.git" config remote.origin.mirror)" = true ]
check "no temporary clone is left" [ "$(ls "$LOCAL/git")" = "0.git
1.git" ]
check "the digest runs to epoch 1's newest message" \
	[ "$(head -1 "$TMP/out")" = "From ${FIRST:0:9} to ${parent:0:9}" ]
if cmp -s <(tail -n +3 "$TMP/out") <(tail -n +3 "$TMP/want"); then
	ok "the fetched digest is the seed archive's from line 3"
else
	not_ok "the fetched digest is the seed archive's from line 3"
	diff <(tail -n +3 "$TMP/want") <(tail -n +3 "$TMP/out") | head -20
fi

# Fetching again: nothing new, nothing changes (the digest then has no
# message: that is the run's own error, after the fetch).
run_md --fetch --state "$TMP/state.sqlite" "$LOCAL"
check "a second fetch finds nothing new" [ "$(ls "$LOCAL/git")" = "0.git
1.git" -a "$(git -C "$LOCAL/git/1.git" rev-parse HEAD)" = "$parent" ]

# A failed fetch: epoch 0's remote gains a branch, epoch 1's is gone.  The
# archive is left as it was (no new branch in epoch 0), the state too.
git -C "$SRC" push -q "$REMOTE/git/0.git" "$SEED_TO:refs/heads/extra" || exit 1
git -C "$LOCAL/git/1.git" remote set-url origin "$TMP/gone.git"
refs_before=$(git -C "$LOCAL/git/0.git" for-each-ref; git -C "$LOCAL/git/1.git" for-each-ref)
sqlite3 "$TMP/state.sqlite" .dump >"$TMP/dump-before" 2>/dev/null
expect_error "a failed fetch says why" 2 \
	"^mldigest: cannot fetch '$LOCAL/git/1.git' from '$TMP/gone.git': no such repository$" \
	--fetch --state "$TMP/state.sqlite" "$LOCAL"
check "a failed fetch leaves the references as they were" [ "$refs_before" = \
	"$(git -C "$LOCAL/git/0.git" for-each-ref; git -C "$LOCAL/git/1.git" for-each-ref)" ]
if command -v sqlite3 >/dev/null; then
	check "a failed fetch leaves the state as it was" \
		cmp -s <(sqlite3 "$TMP/state.sqlite" .dump) "$TMP/dump-before"
fi
git -C "$LOCAL/git/1.git" remote set-url origin "file://$E1"

# One repository (not an inbox), its remote a plain path.
git clone -q --mirror "$SRC" "$TMP/one.git" && git -C "$TMP/one.git" update-ref refs/heads/master "$FIRST"
run_md --fetch --no-state --list KVM "$TMP/one.git" "$SEED_FROM..$SEED_TO"
check "--fetch on one repository" [ "$status" -eq 0 -a "$(git -C "$TMP/one.git" rev-parse HEAD)" = \
	"$(git -C "$SRC" rev-parse HEAD)" ]
check "... gives the seed's digest" cmp -s "$TMP/out" "$expected"

# What cannot be fetched.
expect_error "--fetch on an mbox" 2 "^mldigest: cannot fetch '$DATA/seed-window/seed-window.mbox': not a git repository\$" \
	--fetch --no-state --since 2026-01-01 "$DATA/seed-window/seed-window.mbox"
expect_error "--fetch on a missing path" 2 "^mldigest: cannot fetch '$TMP/nothing': no such file or directory\$" \
	--fetch --no-state "$TMP/nothing"
git init -q --bare "$TMP/lonely.git"
expect_error "--fetch without a remote" 2 "^mldigest: cannot fetch '$TMP/lonely.git': it has no remote\$" \
	--fetch --no-state "$TMP/lonely.git"

finish
