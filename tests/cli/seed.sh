#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The golden test: the seed window gives expected.txt byte for byte.
. "$(dirname "$0")/lib.sh"
seed_archive
expected=$DATA/seed-window/expected.txt

run_md --no-state --list KVM "$TMP/kvm.git" "$SEED_FROM..$SEED_TO"
check "seed window exits 0" [ "$status" -eq 0 ]
check "seed window prints nothing on stderr" [ ! -s "$TMP/err" ]
if cmp -s "$TMP/out" "$expected"; then
	ok "seed window is expected.txt byte for byte"
else
	not_ok "seed window differs from expected.txt"
	diff -u "$expected" "$TMP/out" | head -40
fi

# -o writes the same bytes, and leaves no temporary file behind.
mkdir "$TMP/o"
run_md --list KVM -o "$TMP/o/digest.txt" "$TMP/kvm.git" "$SEED_FROM..$SEED_TO"
check "-o exits 0 and prints nothing" [ "$status" -eq 0 -a ! -s "$TMP/out" ]
check "-o file is expected.txt" cmp -s "$TMP/o/digest.txt" "$expected"
check "-o leaves only the digest" [ "$(ls "$TMP/o")" = "digest.txt" ]

# Abbreviated ids and refs name the same window (HEAD is one past TO).
run_md --list KVM "$TMP/kvm.git" "${SEED_FROM:0:7}..HEAD~1"
check "abbreviated FROM and HEAD~1 give the same digest" cmp -s "$TMP/out" "$expected"

# The same window given twice in one run would be the same: a re-run is stable.
run_md --list KVM "$TMP/kvm.git" "$SEED_FROM..$SEED_TO"
check "a second run gives the same digest" cmp -s "$TMP/out" "$expected"

# Without --list the title takes the List-Id (kvm.vger.kernel.org -> kvm).
run_md "$TMP/kvm.git" "$SEED_FROM..$SEED_TO"
check "default list name from List-Id" [ "$(sed -n 2p "$TMP/out")" = "kvm mailing list update from ${SEED_FROM:0:9} to ${SEED_TO:0:9}" ]

finish
