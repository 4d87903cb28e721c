#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The bad-input matrix: broken archives, states and disks.  Each run must
# exit 2 with one line on stderr naming the problem, write nothing on
# stdout, leave the state byte-identical and leave no output file but the
# previous one (-o into a directory that holds a previous digest).
. "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || skip "no sqlite3 command (apt-get install sqlite3)"
seed_archive
A=$TMP/kvm.git
S=$TMP/state.sqlite
O=$TMP/o
MID=$(git -C "$A" rev-parse "$SEED_TO~30")
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t \
	GIT_COMMITTER_EMAIL=t@example.org

# A state that a good run would change: the first half of the seed window.
"$MLDIGEST" -q --state "$S" "$A" "$SEED_FROM..$MID" >/dev/null || { echo "cannot make a state"; exit 1; }
sqlite3 "$S" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
cp "$S" "$TMP/state.orig"

# bad NAME PATTERN ARGS...: mldigest --state $STATE -o $O/d.txt ARGS fails as
# expect_error wants (exit 2, one line matching PATTERN, no stdout); then
# $STATE is byte-identical to $ORIG and $O holds only its previous d.txt.
bad() {
	local name=$1 pattern=$2 state=${STATE:-$S} orig=${ORIG:-$TMP/state.orig}
	shift 2
	rm -rf "$O" && mkdir "$O" && echo "previous digest" >"$O/d.txt"
	expect_error "$name" 2 "$pattern" -q --state "$state" -o "$O/d.txt" "$@"
	check "$name: the state is unchanged" cmp -s "$state" "$orig"
	check "$name: only the previous output is there" previous_only "$O"
}

# previous_only DIR: DIR holds only d.txt, with the previous digest.
previous_only() {
	[ "$(ls -A "$1")" = d.txt ] && [ "$(cat "$1/d.txt")" = "previous digest" ]
}

# one_line FILE PATTERN: FILE is one line, matching PATTERN (ERE).
one_line() {
	[ "$(wc -l <"$1")" -eq 1 ] && grep -qE -- "$2" "$1"
}

# overwrite FILE: puts garbage in the middle of FILE (same size).
overwrite() {
	chmod u+w "$1" && printf 'garbage!' |
		dd of="$1" bs=1 seek=$(($(stat -c %s "$1") / 2)) conv=notrunc 2>/dev/null
}

# loose NAME: a copy of the seed archive with every object loose.
loose() {
	git init -q --bare "$TMP/$1" &&
		git -C "$TMP/$1" unpack-objects -q <"$(ls "$A"/objects/pack/*.pack)" &&
		git -C "$TMP/$1" update-ref refs/heads/master "$(git -C "$A" rev-parse HEAD)" &&
		git -C "$TMP/$1" symbolic-ref HEAD refs/heads/master || exit 1
}

# object_file REPO ID: the loose object's file.
object_file() {
	echo "$TMP/$1/objects/${2:0:2}/${2:2}"
}

# ---- archives -----------------------------------------------------------------
# A corrupt message blob: met by the reader, after the messages before it.
loose corrupt-blob.git
C=$(git -C "$A" rev-parse "$SEED_TO~3")
overwrite "$(object_file corrupt-blob.git "$(git -C "$A" rev-parse "$C:m")")"
bad "a corrupt blob" "^mldigest: cannot read commit $C in '$TMP/corrupt-blob.git': " \
	"$TMP/corrupt-blob.git" "$MID..$SEED_TO"

# A corrupt commit in the window: met walking the window.
loose corrupt-commit.git
C=$(git -C "$A" rev-parse "$SEED_TO~5")
overwrite "$(object_file corrupt-commit.git "$C")"
bad "a corrupt commit" "^mldigest: cannot read .*'$TMP/corrupt-commit.git'" \
	"$TMP/corrupt-commit.git" "$MID..$SEED_TO"

# A corrupt tree, and a missing blob.
loose corrupt-tree.git
C=$(git -C "$A" rev-parse "$SEED_TO~7")
overwrite "$(object_file corrupt-tree.git "$(git -C "$A" rev-parse "$C^{tree}")")"
bad "a corrupt tree" "^mldigest: cannot read commit $C in '$TMP/corrupt-tree.git': " \
	"$TMP/corrupt-tree.git" "$MID..$SEED_TO"
loose missing-blob.git
C=$(git -C "$A" rev-parse "$SEED_TO~9")
rm -f "$(object_file missing-blob.git "$(git -C "$A" rev-parse "$C:m")")"
bad "a missing blob" "^mldigest: cannot read commit $C in '$TMP/missing-blob.git': " \
	"$TMP/missing-blob.git" "$MID..$SEED_TO"

# A truncated pack.  libgit2 skips a pack it cannot open, as if its objects
# were not there ("unknown revision"): mldigest checks each pack against its
# index and names the pack.  With and without the state, with and without a
# window (the state reads the archive's root commit first).
cp -R "$A" "$TMP/truncated-pack.git" || exit 1 # a copy: a local clone links the pack
P=$(ls "$TMP"/truncated-pack.git/objects/pack/*.pack)
chmod u+w "$P" && truncate -s $(($(stat -c %s "$P") / 2)) "$P"
TRUNCATED="^mldigest: cannot read '$TMP/truncated-pack.git': its objects are unreadable: pack 'objects/pack/$(basename "$P")' does not match its index \(truncated or damaged\)$"
bad "a truncated pack" "$TRUNCATED" "$TMP/truncated-pack.git" "$MID..$SEED_TO"
bad "a truncated pack, no window" "$TRUNCATED" "$TMP/truncated-pack.git"
expect_error "a truncated pack, no state" 2 "$TRUNCATED" --no-state "$TMP/truncated-pack.git"
# A pack without its index is not looked at by git either; an index without its pack is.
cp -R "$A" "$TMP/no-pack.git" && rm -f "$TMP"/no-pack.git/objects/pack/*.pack || exit 1
bad "an index without its pack" \
	"^mldigest: cannot read '$TMP/no-pack.git': its objects are unreadable: pack 'objects/pack/pack-[0-9a-f]+\.pack' is missing$" \
	"$TMP/no-pack.git" "$MID..$SEED_TO"

# A reference to a missing commit: HEAD's commit object deleted.
loose missing-head.git
rm -f "$(object_file missing-head.git "$(git -C "$A" rev-parse HEAD)")"
bad "HEAD names a missing commit" \
	"^mldigest: cannot read '$TMP/missing-head.git': its objects are unreadable: object $(git -C "$A" rev-parse HEAD), named by 'HEAD', is missing$" \
	"$TMP/missing-head.git" "$MID..HEAD"

# A commit whose m is a tree (made with plumbing), between two good ones.
git init -q --bare "$TMP/tree.git" || exit 1
(
	cd "$TMP/tree.git" &&
		b=$(printf 'From: A <a@example.org>\nSubject: [PATCH] ok\n\nx\n' | git hash-object -w --stdin) &&
		good=$(printf '100644 blob %s\tm\n' "$b" | git mktree) &&
		inner=$(printf '100644 blob %s\tx\n' "$b" | git mktree) &&
		bad_tree=$(printf '040000 tree %s\tm\n' "$inner" | git mktree) &&
		c1=$(echo one | git commit-tree "$good") &&
		c2=$(echo two | git commit-tree "$bad_tree" -p "$c1") &&
		c3=$(echo three | git commit-tree "$good" -p "$c2") &&
		git update-ref refs/heads/master "$c3" && echo "$c2" >"$TMP/tree-commit"
) || exit 1
# Its own state: the archive's identity differs from the seed's.
"$MLDIGEST" -q --state "$TMP/tree.sqlite" "$TMP/tree.git" ..HEAD~2 >/dev/null || exit 1
cp "$TMP/tree.sqlite" "$TMP/tree.orig"
STATE=$TMP/tree.sqlite ORIG=$TMP/tree.orig bad "a commit whose m is a tree" \
	"^mldigest: cannot read commit $(cat "$TMP/tree-commit") in '$TMP/tree.git': 'm' is a tree, not a blob$" \
	"$TMP/tree.git" HEAD~2..HEAD

# A shallow clone whose history stops after FROM (made from a file:// URL,
# as a local clone is never shallow).  libgit2 1.5 does not know shallow
# clones: mldigest names the boundary commit whose parent is missing.  With
# the state, any window fails (the archive's identity is its root commit);
# without, a window inside the clone's history works.
git clone -q --bare --depth 20 --no-local "file://$A" "$TMP/shallow.git" 2>/dev/null || exit 1
BOUNDARY=$(cat "$TMP/shallow.git/shallow")
SHALLOW="^mldigest: archive '$TMP/shallow.git' is a shallow clone: the parent of commit $BOUNDARY is missing \(fetch the full history\)$"
bad "FROM below a shallow clone's boundary" "$SHALLOW" "$TMP/shallow.git" "$SEED_FROM..$SEED_TO"
bad "a shallow clone, a window inside it, with the state" "$SHALLOW" \
	"$TMP/shallow.git" "HEAD~5..HEAD"
expect_error "FROM below a shallow clone's boundary, no state" 2 \
	"^mldigest: archive '$TMP/shallow.git' is a shallow clone: revision '$SEED_FROM' is not in it \(fetch the full history\)$" \
	--no-state "$TMP/shallow.git" "$SEED_FROM..$SEED_TO"
expect_error "HEAD~N past a shallow clone's boundary, no state" 2 "$SHALLOW" \
	--no-state "$TMP/shallow.git" "HEAD~25..HEAD"
expect_error "the whole of a shallow clone, no state" 2 "$SHALLOW" --no-state "$TMP/shallow.git"
check "a shallow clone, a window inside it, no state: digested" \
	"$MLDIGEST" -q --no-state -o "$TMP/shallow.txt" "$TMP/shallow.git" "HEAD~19..HEAD"

# A damaged gzip mbox.
gzip -c "$DATA/seed-window/seed-window.mbox" | head -c 2000 >"$TMP/damaged.mbox.gz"
bad "a truncated gzip mbox" "^mldigest: cannot read '$TMP/damaged.mbox.gz': truncated gzip data in message [0-9]+$" \
	--since 2026-01-01 "$TMP/damaged.mbox.gz"

# ---- the state ----------------------------------------------------------------
head -c $(($(stat -c %s "$S") / 2)) "$S" >"$TMP/truncated.sqlite"
cp "$TMP/truncated.sqlite" "$TMP/truncated.orig"
STATE=$TMP/truncated.sqlite ORIG=$TMP/truncated.orig bad "a truncated state" \
	"^mldigest: .*state '$TMP/truncated.sqlite'" "$A" "$MID..$SEED_TO"
head -c 100 "$S" >"$TMP/truncated100.sqlite"
cp "$TMP/truncated100.sqlite" "$TMP/truncated100.orig"
STATE=$TMP/truncated100.sqlite ORIG=$TMP/truncated100.orig bad "a state truncated to 100 bytes" \
	"^mldigest: .*state '$TMP/truncated100.sqlite'" "$A" "$MID..$SEED_TO"

# A read-only state.  root writes any file whatever its mode: then it is made
# immutable (chattr +i), or mldigest runs as nobody (runuser).
cp "$S" "$TMP/ro.sqlite"
ro_why=""
ro_method=${MLDIGEST_TEST_RO_METHOD:-auto} # auto, or runuser to try that way here
if [ "$(id -u)" -ne 0 ]; then
	chmod 0444 "$TMP/ro.sqlite"
	STATE=$TMP/ro.sqlite bad "a read-only state" \
		"^mldigest: cannot write state '$TMP/ro.sqlite': " "$A" "$MID..$SEED_TO"
elif [ "$ro_method" = auto ] && chattr +i "$TMP/ro.sqlite" 2>/dev/null; then
	STATE=$TMP/ro.sqlite bad "an immutable state (chattr +i)" \
		"^mldigest: cannot write state '$TMP/ro.sqlite': " "$A" "$MID..$SEED_TO"
	chattr -i "$TMP/ro.sqlite"
elif ! command -v runuser >/dev/null || ! runuser -u nobody -- true 2>/dev/null; then
	ro_why="root, chattr +i does not work here and there is no runuser"
elif chmod 0711 "$TMP" && ! runuser -u nobody -- test -x "$MLDIGEST"; then
	ro_why="root, chattr +i does not work here and nobody cannot run '$MLDIGEST'"
else
	# nobody reads the archive and the state, writes nothing; an mbox
	# archive, as libgit2 refuses a repository owned by another user.
	mkdir -m 0755 "$TMP/nobody" "$TMP/nobody/o"
	cp "$DATA/seed-window/seed-window.mbox" "$TMP/nobody/seed.mbox"
	"$MLDIGEST" -q --state "$TMP/nobody/ro.sqlite" --until 2026-01-27T09:00 "$TMP/nobody/seed.mbox" >/dev/null ||
		exit 1
	chmod 0644 "$TMP/nobody/ro.sqlite" "$TMP/nobody/seed.mbox"
	cp "$TMP/nobody/ro.sqlite" "$TMP/nobody.orig"
	echo "previous digest" >"$TMP/nobody/o/d.txt"
	status=0
	runuser -u nobody -- env HOME=/nonexistent "$MLDIGEST" -q --state "$TMP/nobody/ro.sqlite" \
		-o "$TMP/nobody/o/d.txt" --since 2026-01-27T09:00 "$TMP/nobody/seed.mbox" \
		>"$TMP/out" 2>"$TMP/err" || status=$?
	check "a read-only state (as nobody): exit 2" [ "$status" -eq 2 ]
	check "a read-only state (as nobody): one line naming it" \
		one_line "$TMP/err" "^mldigest: .*state '$TMP/nobody/ro.sqlite'"
	check "a read-only state (as nobody): no stdout" [ ! -s "$TMP/out" ]
	check "a read-only state (as nobody): unchanged" cmp -s "$TMP/nobody/ro.sqlite" "$TMP/nobody.orig"
	check "a read-only state (as nobody): only the previous output" \
		previous_only "$TMP/nobody/o"
fi
chmod 0700 "$TMP"
[ -z "$ro_why" ] || echo "# skipped: a read-only state: $ro_why"

# A state locked by another process's write transaction.
cp "$S" "$TMP/locked.sqlite" && cp "$S" "$TMP/locked.orig"
mkfifo "$TMP/lock.fifo"
sqlite3 "$TMP/locked.sqlite" <"$TMP/lock.fifo" >/dev/null 2>&1 &
locker=$!
exec 3>"$TMP/lock.fifo"
echo 'BEGIN IMMEDIATE;' >&3
# Wait until it holds the lock: another writer fails at once meanwhile.
for i in $(seq 50); do
	sqlite3 "$TMP/locked.sqlite" 'BEGIN IMMEDIATE; ROLLBACK;' >/dev/null 2>&1 || break
	sleep 0.1
done
MLDIGEST_BUSY_TIMEOUT_MS=300 STATE=$TMP/locked.sqlite ORIG=$TMP/locked.orig bad "a locked state" \
	"^mldigest: state '$TMP/locked.sqlite' is in use by another run \(waited 0.3 s\)$" \
	"$A" "$MID..$SEED_TO"
echo 'ROLLBACK;' >&3
exec 3>&-
wait "$locker"
check "a locked state: unchanged once the other process is gone" cmp -s "$TMP/locked.sqlite" "$TMP/locked.orig"

# ---- the output ---------------------------------------------------------------
# -o on a full disk: a 64 KiB tmpfs, full but for the previous digest.  The
# mount needs privileges: a mount namespace of our own (unshare -m, or with
# a user namespace, unshare -rm), else skipped.
mkdir "$TMP/full" "$TMP/fullres"
cat >"$TMP/full.sh" <<'EOF'
FULL=$1 R=$2
shift 2
mount -t tmpfs -o size=64k tmpfs "$FULL" 2>/dev/null || exit 99
echo "previous digest" >"$FULL/d.txt"
dd if=/dev/zero of="$FULL/filler" bs=4096 2>/dev/null
status=0
"$@" -o "$FULL/d.txt" >"$R/out" 2>"$R/err" || status=$?
echo "$status" >"$R/status"
ls -A "$FULL" >"$R/ls"
cat "$FULL/d.txt" >"$R/d.txt"
exit 0
EOF
full_run() {
	"$@" bash "$TMP/full.sh" "$TMP/full" "$TMP/fullres" \
		"$MLDIGEST" -q --state "$S" "$A" "$MID..$SEED_TO"
}
if full_run unshare -m 2>/dev/null || full_run unshare -rm 2>/dev/null; then
	check "-o on a full disk: exit 2" [ "$(cat "$TMP/fullres/status")" = 2 ]
	check "-o on a full disk: one line naming the file" \
		grep -qx "mldigest: cannot write '$TMP/full/d.txt': No space left on device" "$TMP/fullres/err"
	check "-o on a full disk: no stdout" [ ! -s "$TMP/fullres/out" ]
	check "-o on a full disk: the state is unchanged" cmp -s "$S" "$TMP/state.orig"
	check "-o on a full disk: only the previous output" \
		[ "$(cat "$TMP/fullres/ls")" = "$(printf 'd.txt\nfiller')" ]
	check "-o on a full disk: the previous output is whole" \
		[ "$(cat "$TMP/fullres/d.txt")" = "previous digest" ]
else
	echo "# skipped: -o on a full disk: cannot mount a tmpfs here (no mount namespace)"
fi

finish
