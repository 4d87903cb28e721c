#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every error path: exit 2 (1 for usage), one line on stderr naming the
# problem, nothing on stdout, no output file, an existing output untouched.
. "$(dirname "$0")/lib.sh"
seed_archive
A=$TMP/kvm.git

expect_error "missing path" 2 "^mldigest: cannot read '$TMP/nope': " "$TMP/nope"
mkdir "$TMP/plain"
expect_error "not a git repository" 2 "^mldigest: cannot read '$TMP/plain': not a git repository$" "$TMP/plain"
expect_error "a file is not a git repository" 2 "^mldigest: cannot read '$DATA/seed-window/RANGE'" "$DATA/seed-window/RANGE"
# A directory inside a repository is not the repository (no upward search).
expect_error "subdirectory of a repository" 2 "not a git repository" "$A/refs"
expect_error "unknown revision" 2 "^mldigest: unknown revision 'nosuch' in '$A'$" "$A" "nosuch..$SEED_TO"
expect_error "ambiguous abbreviated id" 2 "^mldigest: ambiguous revision 'abc' in '$A'$" "$A" "abc..$SEED_TO"
expect_error "unknown TO" 2 "^mldigest: unknown revision 'nosuchref' in '$A'$" "$A" "$SEED_FROM..nosuchref"
expect_error "FROM not an ancestor of TO" 2 "^mldigest: '$SEED_TO' is not an ancestor of '$SEED_FROM' in '$A'$" "$A" "$SEED_TO..$SEED_FROM"
expect_error "empty window" 2 "^mldigest: empty window '$SEED_TO..$SEED_TO' in '$A'$" "$A" "$SEED_TO..$SEED_TO"

# A fork: FROM on another branch is not an ancestor.
git init -q "$TMP/fork" && (
	cd "$TMP/fork" &&
	printf 'Subject: [PATCH] a\n\nx\n' >m && git add m && git -c user.name=t -c user.email=t@t commit -qm a &&
	git checkout -qb side && printf 'Subject: [PATCH] b\n\nx\n' >m && git -c user.name=t -c user.email=t@t commit -qam b &&
	git checkout -q - && printf 'Subject: [PATCH] c\n\nx\n' >m && git -c user.name=t -c user.email=t@t commit -qam c
) || exit 1
expect_error "FROM on a side branch" 2 "^mldigest: 'side' is not an ancestor of 'HEAD' in '$TMP/fork'$" "$TMP/fork" "side..HEAD"

# Output paths that cannot be written: nothing is created, nothing printed.
expect_error "-o into a missing directory" 2 "^mldigest: cannot write '$TMP/missing/d.txt': " -o "$TMP/missing/d.txt" "$A" "$SEED_FROM..$SEED_TO"
check "no file in a missing directory" [ ! -e "$TMP/missing" ]
expect_error "-o under a regular file" 2 "^mldigest: cannot write '$DATA/seed-window/RANGE/d.txt': " -o "$DATA/seed-window/RANGE/d.txt" "$A" "$SEED_FROM..$SEED_TO"
if [ -w /dev/full ]; then
	status=0
	"$MLDIGEST" "$A" "$SEED_FROM..$SEED_TO" >/dev/full 2>"$TMP/err" || status=$?
	check "stdout on a full disk exits 2" [ "$status" -eq 2 ]
	check "stdout on a full disk says so" grep -qx "mldigest: cannot write to standard output: No space left on device" "$TMP/err"
fi

# A failing run leaves an existing output file as it was, with no leftovers.
mkdir "$TMP/o" && echo "previous digest" >"$TMP/o/d.txt"
expect_error "bad window with -o" 2 "unknown revision" -o "$TMP/o/d.txt" "$A" "nosuch..$SEED_TO"
check "existing output untouched" [ "$(cat "$TMP/o/d.txt")" = "previous digest" ]
check "no temporary file left" [ "$(ls "$TMP/o")" = "d.txt" ]

# libgit2 is loaded on first need (src/archive/libgit2.h).  Here it cannot
# be: a library of its name without its functions comes first on the path.
# A run that needs it (an abbreviated id) says so; one that does not (full
# ids, read by pack.c and gitdir.c) never loads it, and gives the digest.
soname=$(grep -ao 'libgit2\.so\.[0-9][0-9.]*' "$MLDIGEST" | head -1)
# Package tools learn of it from the binary's .note.dlopen (libgit2.c).
if command -v readelf >/dev/null; then
	check "the .note.dlopen names $soname" \
		bash -c "readelf -p .note.dlopen '$MLDIGEST' | grep -qF '\"soname\":[\"$soname\"]'"
fi
mkdir "$TMP/fakelib"
if [ -n "$soname" ] &&
	printf 'int not_libgit2;\n' | ${CC:-cc} -shared -fPIC -x c -o "$TMP/fakelib/$soname" - 2>/dev/null; then
	LD_LIBRARY_PATH=$TMP/fakelib expect_error "libgit2 that cannot be loaded" 2 \
		"^mldigest: cannot resolve revision '${SEED_FROM:0:10}' in '$A': $soname has no git_libgit2_init$" \
		"$A" "${SEED_FROM:0:10}..$SEED_TO"
	LD_LIBRARY_PATH=$TMP/fakelib run_md --no-state --list KVM "$A" "$SEED_FROM..$SEED_TO"
	check "a window of full ids needs no libgit2" cmp -s "$TMP/out" "$DATA/seed-window/expected.txt"
else
	echo "# skipped the libgit2 loading checks: no soname in $MLDIGEST, or no C compiler"
fi

# Usage errors exit 1.
expect_error "no archive" 1 "^mldigest: no archive given" --top 3
expect_error "unknown option" 1 "^mldigest: unknown option '--bogus'; try 'mldigest --help'$" --bogus "$A"
expect_error "missing option argument" 1 "^mldigest: option '--top' needs an argument; try 'mldigest --help'$" "$A" --top
expect_error "bad --top" 1 "^mldigest: --top takes a whole number" --top x "$A"
expect_error "negative --top" 1 "^mldigest: --top takes a whole number" --top -1 "$A"
expect_error "bad --abbrev" 1 "^mldigest: --abbrev takes a whole number from 4 to 40" --abbrev 41 "$A"
expect_error "unknown format" 1 "^mldigest: unknown format 'pdf'" --format pdf "$A"
expect_error "window without dots" 1 "^mldigest: the window must be FROM..TO" "$A" "$SEED_TO"
expect_error "extra argument" 1 "^mldigest: unexpected argument 'x'" "$A" "$SEED_FROM..$SEED_TO" x

# Terminal controls in what an error quotes are dropped.
expect_error "controls in a revision" 2 "^mldigest: unknown revision 'a\[31mb' in" "$A" $'a\e[31mb..HEAD'

finish
