# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the CLI tests: sourced with the mldigest binary as $1.
# Each check prints "ok"/"not ok" (TAP-like); the script exits 1 when any
# failed, 77 (meson's "skipped") when told to skip.
set -u
MLDIGEST=${1:?usage: $0 path/to/mldigest}
DATA=${MLDIGEST_TEST_DATA:-$(dirname "$0")/../data}
SHARED=${MLDIGEST_SHARED:-$(dirname "$0")/../../../shared}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mldigest-cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# Runs without --state use the default state file: keep it in $TMP.
export XDG_STATE_HOME=$TMP/xdg-state
passed=0
failed=0

ok() {
	passed=$((passed + 1))
	echo "ok - $1"
}

not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
}

# check NAME CMD...: passes when CMD exits 0.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# run_md ARGS...: runs mldigest, output in $TMP/out, errors in $TMP/err, status in $status.
run_md() {
	status=0
	"$MLDIGEST" "$@" >"$TMP/out" 2>"$TMP/err" || status=$?
}

# expect_error NAME STATUS PATTERN ARGS...: mldigest fails with STATUS, prints
# nothing on stdout and exactly one line on stderr matching PATTERN.
expect_error() {
	local name=$1 want=$2 pattern=$3
	shift 3
	run_md "$@"
	if [ "$status" -ne "$want" ]; then
		not_ok "$name: exit $status, want $want ($(head -c 200 "$TMP/err"))"
	elif [ -s "$TMP/out" ]; then
		not_ok "$name: wrote to stdout"
	elif [ "$(wc -l <"$TMP/err")" -ne 1 ]; then
		not_ok "$name: want one line on stderr, got: $(cat "$TMP/err")"
	elif ! grep -qE -- "$pattern" "$TMP/err"; then
		not_ok "$name: stderr '$(cat "$TMP/err")' does not match '$pattern'"
	else
		ok "$name"
	fi
}

# The seed window's archive, cloned from the bundle shipped in tests/data.
seed_archive() {
	if [ ! -d "$TMP/kvm.git" ]; then
		git clone -q --mirror "$DATA/seed-window/seed-window.bundle" "$TMP/kvm.git" ||
			{ echo "cannot clone the seed bundle"; exit 1; }
	fi
	read -r SEED_FROM SEED_TO <"$DATA/seed-window/RANGE"
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

skip() {
	echo "skipped: $1"
	exit 77
}
