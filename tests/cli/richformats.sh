#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The richer formats on the seed window: golden files (expected.md,
# expected.html, expected.json, made with --archive-url), the JSON against
# its schema, --mailmap and --orgmap in every format, and their errors.
. "$(dirname "$0")/lib.sh"
seed_archive
CHECK="python3 $(dirname "$0")/formatcheck.py"
SCHEMA=$(dirname "$0")/../../docs/digest.schema.json
URL=https://lore.kernel.org/kvm/
W=$SEED_FROM..$SEED_TO

for f in markdown:md html:html json:json; do
	format=${f%%:*} ext=${f#*:}
	expected=$DATA/seed-window/expected.$ext
	run_md --no-state --list KVM --format "$format" --archive-url "$URL" "$TMP/kvm.git" "$W"
	check "$format: exits 0, nothing on stderr" [ "$status" -eq 0 -a ! -s "$TMP/err" ]
	if cmp -s "$TMP/out" "$expected"; then
		ok "$format: the seed window is expected.$ext"
	else
		not_ok "$format: differs from expected.$ext"
		diff -u "$expected" "$TMP/out" | head -30
	fi
	cp "$TMP/out" "$TMP/seed.$ext"
done
check "html: only our tags, attributes and links" $CHECK html-safe "$TMP/seed.html" "$URL"
check "markdown: fences hold, mail text escaped" $CHECK md-safe "$TMP/seed.md"
status=0
$CHECK schema "$TMP/seed.json" "$SCHEMA" || status=$?
if [ "$status" -eq 77 ]; then
	echo "# skipped the schema check: python3-jsonschema is not installed"
else
	check "json: valid under docs/digest.schema.json" [ "$status" -eq 0 ]
fi
check "json: the schema's version is the output's" [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$TMP/seed.json")" = 1 ]

# The text digest is not touched by the options of the other formats.
run_md --no-state --list KVM --archive-url "$URL" "$TMP/kvm.git" "$W"
check "text with --archive-url is expected.txt" cmp -s "$TMP/out" "$DATA/seed-window/expected.txt"

# Without --archive-url: no links at all.
run_md --no-state --list KVM --format html "$TMP/kvm.git" "$W"
check "html without --archive-url has no external link" bash -c "! grep -q 'href=\"http' '$TMP/out'"
run_md --no-state --list KVM --format json "$TMP/kvm.git" "$W"
check "json without --archive-url: every url is null" bash -c "! grep -q '\"url\": \"' '$TMP/out'"

# --mailmap merges two people; --orgmap adds a third list, in every format.
cat >"$TMP/mailmap" <<'MAP'
# Oliver's patches counted as Ani's, under one proper name
Ani S. Sinha <anisinha@redhat.com>
Ani S. Sinha <anisinha@redhat.com> <osteffen@redhat.com>
MAP
cat >"$TMP/orgmap" <<'MAP'
redhat.com	Red Hat
kernel.org	Linux Foundation < 2000-01-01
amazon.com	Amazon
MAP
run_md --no-state --list KVM --mailmap "$TMP/mailmap" --orgmap "$TMP/orgmap" "$TMP/kvm.git" "$W"
check "mailmap: two people merged" grep -q '^     31  "Ani S. Sinha" <anisinha@redhat.com>$' "$TMP/out"
check "orgmap: a third list after the two" [ "$(sed -n '/^Top 15 contributor organisations (Based on Email Body)$/,/^=====/p' "$TMP/out" | sed -n '3,5p')" = "$(printf '     31  Red Hat\n     24  (Unknown)\n      5  Amazon')" ]
check "orgmap: the first two lists as they were" cmp -s <(sed -n '1,/^Top 15 contributors/p' "$TMP/out") <(sed -n '1,/^Top 15 contributors/p' "$DATA/seed-window/expected.txt")
run_md --no-state --list KVM --format json --mailmap "$TMP/mailmap" --orgmap "$TMP/orgmap" "$TMP/kvm.git" "$W"
check "json: top_organisations" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
orgs = d["stats"]["top_organisations"]
assert orgs[0] == {"name": "Red Hat", "count": 31}, orgs
authors = {s["author"]["address"]: s["author"]["organisation"] for s in d["series"]}
assert authors["anisinha@redhat.com"] == "Red Hat" and "osteffen@redhat.com" not in authors, authors
' "$TMP/out"
[ "$status" -eq 77 ] || check "json with orgmap: valid under the schema" $CHECK schema "$TMP/out" "$SCHEMA"
run_md --no-state --list KVM --format markdown --orgmap "$TMP/orgmap" "$TMP/kvm.git" "$W"
check "markdown: top organisations" grep -q '^## Top 15 organisations$' "$TMP/out"
run_md --no-state --list KVM --format html --orgmap "$TMP/orgmap" "$TMP/kvm.git" "$W"
check "html: top organisations" grep -q '<figcaption>Top 15 organisations</figcaption>' "$TMP/out"

# Errors: bad files are input errors naming the file and line; bad URLs and
# formats are usage errors.
printf 'Good <a@x>\nno address here\n' >"$TMP/bad.mailmap"
expect_error "a bad mailmap line" 2 "^mldigest: cannot read mailmap '$TMP/bad.mailmap': line 2: no <address>$" --no-state --mailmap "$TMP/bad.mailmap" "$TMP/kvm.git" "$W"
printf 'redhat.com Red Hat < tomorrow\n' >"$TMP/bad.orgmap"
expect_error "a bad orgmap date" 2 "^mldigest: cannot read orgmap '$TMP/bad.orgmap': line 1: the date after '<' is not YYYY-MM-DD$" --no-state --orgmap "$TMP/bad.orgmap" "$TMP/kvm.git" "$W"
expect_error "a missing mailmap" 2 "^mldigest: cannot read mailmap '$TMP/none': No such file or directory$" --no-state --mailmap "$TMP/none" "$TMP/kvm.git" "$W"
expect_error "a javascript: archive URL" 1 "^mldigest: --archive-url takes an http or https URL" --no-state --archive-url 'javascript:alert(1)//' "$TMP/kvm.git" "$W"
expect_error "an archive URL with a quote" 1 "^mldigest: --archive-url takes an http or https URL" --no-state --archive-url 'https://x/"onmouseover=alert(1)' "$TMP/kvm.git" "$W"
expect_error "an unknown format" 1 "^mldigest: unknown format 'pdf' \(formats: text, markdown, html, json, email\)$" --no-state --format pdf "$TMP/kvm.git" "$W"

finish
