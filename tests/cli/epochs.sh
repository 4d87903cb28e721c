#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A v2 inbox of two epochs made from the seed archive: git/0.git is the
# history up to a commit inside the window, git/1.git a new root chain of the
# messages after it (same blobs, same times, new commit ids).  The window
# across the two gives the seed's digest from line 3 on.
. "$(dirname "$0")/lib.sh"
seed_archive
expected=$DATA/seed-window/expected.txt
SRC=$TMP/kvm.git
INBOX=$TMP/inbox
E0=$INBOX/git/0.git
E1=$INBOX/git/1.git

# The split: the 30th of the window's 62 commits ends epoch 0.
SPLIT=$(git -C "$SRC" rev-list --first-parent --reverse "$SEED_FROM..$SEED_TO" | sed -n 30p)
[ -n "$SPLIT" ] || { echo "cannot find the split commit"; exit 1; }

git init -q --bare "$E0" && git -C "$E0" symbolic-ref HEAD refs/heads/master &&
	git -C "$SRC" push -q "$E0" "$SPLIT:refs/heads/master" ||
	{ echo "cannot write epoch 0"; exit 1; }

# copy_commit C PARENT: writes commit C of the seed archive into epoch 1 with
# PARENT (none: a root), same tree, author, committer, dates and message;
# prints the new id.
copy_commit() {
	local c=$1 parent=$2 line id tree an ae ad cn ce cd
	: >"$TMP/tree"
	while IFS= read -r line; do
		id=${line%%$'\t'*}
		id=${id##* }
		[ "$(git -C "$SRC" cat-file blob "$id" | git -C "$E1" hash-object -w --stdin)" = "$id" ] ||
			return 1
		printf '%s\n' "$line" >>"$TMP/tree"
	done < <(git -C "$SRC" ls-tree "$c")
	tree=$(git -C "$E1" mktree <"$TMP/tree") || return 1
	{
		IFS= read -r -d '' an && IFS= read -r -d '' ae && IFS= read -r -d '' ad &&
			IFS= read -r -d '' cn && IFS= read -r -d '' ce && IFS= read -r -d '' cd
	} < <(git -C "$SRC" log -1 --date=raw --format='%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00' "$c")
	git -C "$SRC" log -1 --format=%B "$c" |
		GIT_AUTHOR_NAME=$an GIT_AUTHOR_EMAIL=$ae GIT_AUTHOR_DATE=$ad \
			GIT_COMMITTER_NAME=$cn GIT_COMMITTER_EMAIL=$ce GIT_COMMITTER_DATE=$cd \
			git -C "$E1" commit-tree --no-gpg-sign "$tree" ${parent:+-p "$parent"}
}

git init -q --bare "$E1" && git -C "$E1" symbolic-ref HEAD refs/heads/master ||
	{ echo "cannot make epoch 1"; exit 1; }
parent=
NEW_TO=
while read -r c; do
	parent=$(copy_commit "$c" "$parent") || { echo "cannot copy commit $c"; exit 1; }
	[ "$c" = "$SEED_TO" ] && NEW_TO=$parent
done < <(git -C "$SRC" rev-list --first-parent --reverse "$SPLIT..HEAD")
git -C "$E1" update-ref refs/heads/master "$parent"
NEW_HEAD=$parent

check "epoch 1 is a chain of its own" [ "$(git -C "$E1" rev-list --max-parents=0 HEAD | wc -l)" -eq 1 ]
check "epoch 1 holds TO and one more" [ -n "$NEW_TO" -a "$(git -C "$E1" rev-parse HEAD~1)" = "$NEW_TO" ]
check "the epochs hold every message" [ $(($(git -C "$E0" rev-list --count HEAD) + \
	$(git -C "$E1" rev-list --count HEAD))) -eq "$(git -C "$SRC" rev-list --count HEAD)" ]

# same_from_line_3 NAME FILE: NAME passes when the digest in $TMP/out equals
# FILE from line 3 on (lines 1-2 name the window's ends).
same_from_line_3() {
	if cmp -s <(tail -n +3 "$TMP/out") <(tail -n +3 "$2"); then
		ok "$1"
	else
		not_ok "$1"
		diff -u <(tail -n +3 "$2") <(tail -n +3 "$TMP/out") | head -40
	fi
}

# FROM in epoch 0, TO in epoch 1: the seed's window.
run_md --no-state --list KVM "$INBOX" "$SEED_FROM..$NEW_TO"
check "window across epochs exits 0" [ "$status" -eq 0 ]
check "window across epochs prints nothing on stderr" [ ! -s "$TMP/err" ]
same_from_line_3 "window across epochs is expected.txt from line 3" "$expected"
check "title names FROM and epoch 1's TO" \
	[ "$(head -n 1 "$TMP/out")" = "From ${SEED_FROM:0:9} to ${NEW_TO:0:9}" ]

# The same window by an abbreviated id and a name: HEAD is epoch 1's.
run_md --no-state --list KVM "$INBOX" "${SEED_FROM:0:7}..HEAD~1"
check "abbreviated FROM and HEAD~1 name the same window" \
	[ "$status" -eq 0 -a "$(head -n 1 "$TMP/out")" = "From ${SEED_FROM:0:9} to ${NEW_TO:0:9}" ]
same_from_line_3 "abbreviated FROM and HEAD~1 give expected.txt from line 3" "$expected"

# FROM.. runs across the epochs to the newest message, as FROM.. does on the
# seed archive itself.
run_md --no-state --list KVM "$SRC" "$SEED_FROM.."
cp "$TMP/out" "$TMP/whole.txt"
run_md --no-state --list KVM "$INBOX" "$SEED_FROM.."
check "FROM.. exits 0" [ "$status" -eq 0 ]
check "FROM.. ends at the newest message of epoch 1" \
	[ "$(head -n 1 "$TMP/out")" = "From ${SEED_FROM:0:9} to ${NEW_HEAD:0:9}" ]
same_from_line_3 "FROM.. gives the seed archive's FROM.. from line 3" "$TMP/whole.txt"

# Without --list the name comes from the List-Id, as on the seed archive.
run_md --no-state "$INBOX" "$SEED_FROM..$NEW_TO"
check "list name from List-Id" \
	[ "$(sed -n 2p "$TMP/out")" = "kvm mailing list update from ${SEED_FROM:0:9} to ${NEW_TO:0:9}" ]

# The state kept for the seed archive goes on in the inbox: both have epoch
# 0's root, so a run without a window starts where the last one ended.
run_md --state "$TMP/state.db" --list KVM "$SRC" "$SEED_FROM..$SPLIT"
check "a run on the seed archive up to the split exits 0" [ "$status" -eq 0 ]
run_md --state "$TMP/state.db" --list KVM "$INBOX"
check "the inbox continues the seed archive's state" \
	[ "$status" -eq 0 -a "$(head -n 1 "$TMP/out")" = "From ${SPLIT:0:9} to ${NEW_HEAD:0:9}" ]

# FROM in epoch 1, TO in epoch 0.
expect_error "FROM in a later epoch than TO" 2 \
	"^mldigest: '${NEW_TO}' is not an ancestor of '${SPLIT}' in '$INBOX'\$" \
	--no-state "$INBOX" "$NEW_TO..$SPLIT"

# An epoch missing between others is named.
cp -R "$INBOX" "$TMP/gap"
mv "$TMP/gap/git/1.git" "$TMP/gap/git/2.git"
expect_error "a missing epoch is named" 2 \
	"^mldigest: cannot read '$TMP/gap': epoch '$TMP/gap/git/1.git' is missing\$" \
	--no-state "$TMP/gap" "$SEED_FROM.."

finish
