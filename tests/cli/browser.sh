#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A real browser: the HTML digest of the whole kvm-ppc archive in headless
# Chromium, at a laptop's width and a phone's.  It must render (a
# screenshot of more than one colour), log no console error and no blocked
# fetch (the page's Content-Security-Policy allows none), and its DOM must
# hold every series.  Skips when Chromium or the corpus is not here.
. "$(dirname "$0")/lib.sh"
CHECK="python3 $(dirname "$0")/formatcheck.py"
bundle=$SHARED/corpora/kvm-ppc.bundle
[ -f "$bundle" ] || skip "no $bundle (../shared/corpora is not here)"
CHROMIUM=$(command -v chromium || command -v chromium-browser) ||
	skip "no chromium (Debian's chromium package; scripts/setup installs it as root)"
git clone -q --mirror "$bundle" "$TMP/kvm-ppc.git" || exit 1

run_md --no-state -q --format html --archive-url https://lore.kernel.org/kvm-ppc/ "$TMP/kvm-ppc.git"
check "the whole archive as html exits 0" [ "$status" -eq 0 -a ! -s "$TMP/err" ]
cp "$TMP/out" "$TMP/digest.html"
series=$(grep -c '^<article id="s' "$TMP/digest.html")
echo "# $series series, $(wc -c <"$TMP/digest.html") bytes"
check "html: only our tags, attributes and links" $CHECK html-safe "$TMP/digest.html" https://lore.kernel.org/kvm-ppc/

# chromium NAME ARGS...: one headless run, its log in $TMP/NAME.log.
chromium() {
	local name=$1
	shift
	# Root (CI) needs --no-sandbox; a profile of its own keeps $HOME clean.
	timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$TMP/profile-$name" --enable-logging=stderr --v=0 \
		--hide-scrollbars "$@" "file://$TMP/digest.html" 2>"$TMP/$name.log"
}

# console_clean NAME: no console message at warning level or worse, nothing
# refused by the Content-Security-Policy.
console_clean() {
	if grep -E 'CONSOLE|Uncaught|Refused to|Content.Security.Policy' "$TMP/$1.log" | grep -v 'source: chrome' >"$TMP/$1.bad"; [ -s "$TMP/$1.bad" ]; then
		head -5 "$TMP/$1.bad"
		return 1
	fi
	return 0
}

chromium dom --dump-dom >"$TMP/dom.html"
check "chromium dumps the DOM" [ -s "$TMP/dom.html" ]
check "the DOM holds every series ($series)" [ "$(grep -o '<article id="s[0-9]*"' "$TMP/dom.html" | wc -l)" -eq "$series" ]
check "the DOM holds no script" bash -c "! grep -qi '<script' '$TMP/dom.html'"
check "no console error, nothing refused (dump-dom)" console_clean dom

for size in laptop:1366,2000 phone:390,2000; do
	name=${size%%:*}
	chromium "$name" --window-size="${size#*:}" --screenshot="$TMP/$name.png" >/dev/null
	check "$name: a screenshot" [ -s "$TMP/$name.png" ]
	check "$name: not blank" $CHECK png-not-blank "$TMP/$name.png"
	check "$name: no console error, nothing refused" console_clean "$name"
	[ -n "${MLDIGEST_KEEP_SCREENSHOTS:-}" ] && cp "$TMP/$name.png" "$MLDIGEST_KEEP_SCREENSHOTS/$name.png"
done

finish
