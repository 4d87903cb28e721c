# SPDX-License-Identifier: GPL-2.0-or-later
# Two commands for a newcomer (Meson does the real work):
#   make demo    set up, build, and digest the sample archive in tests/data
#   make check   set up, build with ASan/UBSan, and run every test
.POSIX:
BUILD = build
CHECK_BUILD = build-check
SEED = tests/data/seed-window

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

setup:
	./scripts/setup

$(BUILD)/build.ninja:
	./scripts/setup
	meson setup $(BUILD) -Dtests=false

demo: all
	rm -rf $(BUILD)/demo && mkdir -p $(BUILD)/demo
	git clone -q --mirror $(SEED)/seed-window.bundle $(BUILD)/demo/kvm.git
	./$(BUILD)/mldigest --no-state --list KVM $(BUILD)/demo/kvm.git \
		"$$(cut -d' ' -f1 $(SEED)/RANGE)..$$(cut -d' ' -f2 $(SEED)/RANGE)"

check: setup
	[ -f $(CHECK_BUILD)/build.ninja ] || \
		meson setup $(CHECK_BUILD) -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C $(CHECK_BUILD)
	meson test -C $(CHECK_BUILD) --print-errorlogs || true
	./scripts/test-summary $(CHECK_BUILD)/meson-logs/testlog.json

clean:
	rm -rf $(BUILD) $(CHECK_BUILD)

.PHONY: all setup demo check clean
