#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# message.c's fast path (plain text/plain mail read without GMime's parser)
# gives the same fields as GMime, mail by mail: on the test mail, the mail
# made for the fast path's edges (tests/data/fastpath), the fuzz corpora,
# the seed window (LF and CR LF line ends), and the kvm-ppc archive when
# ../shared/corpora is there.
#   fastpath.sh MLDIGEST MESSAGE_DIFF
. "$(dirname "$0")/lib.sh"
DIFF=${2:?usage: $0 path/to/mldigest path/to/message_diff}
FUZZ=$(dirname "$0")/../../fuzz

diff_ok() { # NAME ARGS...
	local name=$1
	shift
	if "$DIFF" "$@" >"$TMP/diff.out" 2>"$TMP/diff.err"; then
		ok "$name: $(cat "$TMP/diff.out")"
	else
		not_ok "$name: $(cat "$TMP/diff.out") $(head -c 2000 "$TMP/diff.err")"
	fi
}

diff_ok "test mail" "$DATA/mail" "$DATA/fastpath"
diff_ok "fuzz corpora" "$FUZZ/corpus/message" "$FUZZ/regressions/message"
diff_ok "seed window" --archive "$DATA/seed-window/seed-window.mbox"
sed 's/$/\r/' "$DATA/seed-window/seed-window.mbox" >"$TMP/crlf.mbox"
diff_ok "seed window, CR LF" --archive "$TMP/crlf.mbox"
bundle=$SHARED/corpora/kvm-ppc.bundle
if [ -f "$bundle" ]; then
	git clone -q --mirror "$bundle" "$TMP/kvm-ppc.git" || exit 1
	diff_ok "kvm-ppc archive" --archive "$TMP/kvm-ppc.git"
else
	echo "# no $bundle: the kvm-ppc archive is not compared"
fi
finish
