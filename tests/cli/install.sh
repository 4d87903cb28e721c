#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `meson install --destdir` into a temporary directory: the program, its
# manual page (rendered by man without a warning) and the bash completion
# (sourced cleanly, completing options).  $2 is the build directory.
. "$(dirname "$0")/lib.sh"
BUILD=${2:?usage: $0 path/to/mldigest build-directory}
DEST=$TMP/dest
command -v meson >/dev/null || skip "no meson"

# --no-rebuild: the test runs inside `meson test`, which has built already.
if ! meson install -C "$BUILD" --no-rebuild --destdir "$DEST" >"$TMP/install.log" 2>&1; then
	not_ok "meson install --destdir"
	tail -20 "$TMP/install.log"
	finish
fi
ok "meson install --destdir"

prefix=$(meson introspect "$BUILD" --buildoptions |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
bin=$(find "$DEST" -type f -name mldigest -path '*/bin/*' | head -1)
man=$(find "$DEST" -type f -name 'mldigest.1*' | head -1)
completion=$(find "$DEST" -type f -path '*/bash-completion/completions/mldigest' | head -1)
check "the program is installed under the prefix's bin" [ "$bin" = "$DEST$prefix/bin/mldigest" ]
check "the manual page is installed under man1" [ -n "$man" ] && [[ $man == "$DEST$prefix/"*/man1/mldigest.1* ]]
check "the bash completion is installed" [ -n "$completion" ]

# The installed program runs and says its libraries' versions.
"$bin" --version >"$TMP/version" 2>&1 || true
check "--version names mldigest, libgit2, GMime and SQLite" \
	grep -qE '^mldigest [0-9.]+$' "$TMP/version" && grep -qE '^libgit2 [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/version" &&
	grep -qE '^GMime 3\.[0-9]+\.[0-9]+$' "$TMP/version" && grep -qE '^SQLite 3\.[0-9]+\.[0-9]+$' "$TMP/version"

# The manual page: man renders it without a warning; groff is strict too.
if command -v man >/dev/null && command -v groff >/dev/null; then
	MANWIDTH=80 man -l "$man" >"$TMP/man.txt" 2>"$TMP/man.err"
	check "man -l renders the page" [ -s "$TMP/man.txt" ]
	check "man -l says no warning" [ ! -s "$TMP/man.err" ]
	[ -s "$TMP/man.err" ] && cat "$TMP/man.err"
	zcat -f "$man" | groff -man -ww -z >"$TMP/groff.err" 2>&1
	check "groff -ww says no warning" [ ! -s "$TMP/groff.err" ]
	[ -s "$TMP/groff.err" ] && cat "$TMP/groff.err"
	# Every option of --help is in the page, and the exit statuses.
	"$bin" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u >"$TMP/options"
	missing=
	while read -r opt; do
		grep -qF -- "$opt" "$TMP/man.txt" || missing="$missing $opt"
	done <"$TMP/options"
	check "the page documents every option of --help${missing:+ (missing:$missing)}" [ -z "$missing" ]
	for section in "EXIT STATUS" ENVIRONMENT FILES EXAMPLES CONFIGURATION; do
		check "the page has $section" grep -q "^$section" "$TMP/man.txt"
	done
else
	echo "# no man or groff: the page is not rendered (apt-get install man-db groff-base)"
fi

# The completion sources cleanly (even under set -u) and completes.
check "the completion sources cleanly" bash -c "set -eu; . '$completion'; complete -p mldigest >/dev/null"
out=$(bash -c ". '$completion'; COMP_WORDS=(mldigest --fe); COMP_CWORD=1; _mldigest; echo \"\${COMPREPLY[*]}\"" 2>&1)
check "the completion completes --fe to --fetch" [ "$out" = "--fetch" ]
out=$(bash -c ". '$completion'; COMP_WORDS=(mldigest --input-format m); COMP_CWORD=2; _mldigest; echo \"\${COMPREPLY[*]}\"" 2>&1)
check "the completion completes --input-format values" [ "$out" = "mbox maildir" ]

finish
