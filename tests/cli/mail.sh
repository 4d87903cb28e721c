#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# --format email: the text digest as one mail for `sendmail -t`.  (The
# unit test test_email.c reads such mail back with GMime, part by part.)
. "$(dirname "$0")/lib.sh"
seed_archive
A=$TMP/kvm.git
W=$SEED_FROM..$SEED_TO
title="KVM mailing list update from ${SEED_FROM:0:9} to ${SEED_TO:0:9}"

run_md --no-state --list KVM --format email --from "KVM digest <digest@example.org>" \
	--to kvm@example.org --to '"Doe, Jane" <jane@example.org>,bob@example.org' "$A" "$W"
check "--format email exits 0" [ "$status" -eq 0 -a ! -s "$TMP/err" ]
headers() { sed '/^$/q' "$TMP/out"; }
check "the subject is the title line" grep -qx "Subject: $title" <(headers)
check "From: is --from" grep -qx "From: KVM digest <digest@example.org>" <(headers)
check "To: holds every --to" grep -qx 'To: kvm@example.org, "Doe, Jane" <jane@example.org>, bob@example.org' <(headers)
check "a Date:" grep -qE '^Date: [A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} 20[0-9]{2} ' <(headers)
check "a Message-ID in the sender's domain" grep -qiE '^Message-Id: <[^@ ]+@example\.org>$' <(headers)
check "text/plain in UTF-8" grep -qx "Content-Type: text/plain; charset=utf-8" <(headers)
check "quoted-printable (the seed has UTF-8 and 'From ' lines)" \
	grep -qx "Content-Transfer-Encoding: quoted-printable" <(headers)
check "no body line starts with 'From '" [ "$(grep -c '^From ' "$TMP/out")" -eq 0 ]
check "7-bit lines of at most 76 bytes" [ "$(LC_ALL=C awk 'length($0) > 76 || /[\200-\377]/' "$TMP/out" | wc -l)" -eq 0 ]

run_md --no-state --list KVM --format email --attach text --from digest@example.org --to kvm@example.org \
	-o "$TMP/digest.eml" "$A" "$W"
check "--attach text exits 0" [ "$status" -eq 0 ]
check "--attach: multipart/mixed" grep -q '^Content-Type: multipart/mixed; boundary=' "$TMP/digest.eml"
check "--attach: the second part is an attachment" \
	grep -q '^Content-Disposition: attachment; filename=digest.txt$' "$TMP/digest.eml"

expect_error "--format email without --to" 1 "^mldigest: --format email needs --from and --to\$" \
	--no-state --format email --from a@example.org "$A" "$W"
expect_error "--to without an address" 1 "^mldigest: --to: no valid address in 'kvm'\$" \
	--no-state --format email --from a@example.org --to kvm "$A" "$W"
expect_error "--attach without --format email" 1 "^mldigest: --attach goes with --format email\$" \
	--no-state --attach text "$A" "$W"
expect_error "--attach of an unknown format" 1 "^mldigest: unknown format 'pdf'" \
	--no-state --format email --attach pdf "$A" "$W"
expect_error "--format of an unknown format names email too" 1 "^mldigest: unknown format 'pdf' \(formats: .*email\)\$" \
	--no-state --format pdf "$A" "$W"

finish
