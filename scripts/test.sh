#!/usr/bin/env bash
# Runs every test of Exotel Agent Tray, installing what they need first (Debian/Ubuntu).
# The same command runs in CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A test run is a whole build: cargo's incremental caches would only double target/'s size
# (they made a clean clone's run fill a small CI disk). A developer's own `cargo build` keeps
# them; the workspace's own crates are rebuilt whenever the two alternate (the setting is part
# of their fingerprint), the dependencies never.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
step() { printf '\n==> %s\n' "$*"; }
# Free space where target/ lives, and what target/ holds: printed first and last, so a run that
# fills its disk says so beside the error.
disk() {
    mkdir -p target
    printf 'disk: %s free on the target'"'"'s filesystem, target/ holds %s\n' \
        "$(df -h --output=avail target | tail -1 | tr -d ' ')" "$(du -sh target 2>/dev/null | cut -f1)"
}
# On a small disk, a lane about to build gets room from earlier lanes' output that nothing after
# it reads (a later run rebuilds it): `make_room GB folder...` removes the folders one at a time,
# in the order given, until GB are free, and stops there (a roomy disk keeps them all).
make_room() {
    local need=$1 folder removed=""
    shift
    for folder in "$@"; do
        [ "$(df -k --output=avail target | tail -1 | tr -d ' ')" -lt $((need * 1024 * 1024)) ] || break
        [ -e "$folder" ] || continue
        echo "disk: under $need GB free; removing $folder ($(du -sh "$folder" 2>/dev/null | cut -f1)) to make room"
        rm -rf "$folder"
        removed=1
    done
    if [ -n "$removed" ]; then disk; fi
}

# What git says of the tree before any test (a developer's own edits are theirs).
TREE_BEFORE_TESTS="$(git status --porcelain 2>/dev/null || true)"

disk
step "Installing what the build and the tests need"
bash scripts/install-deps.sh test

step "Formatting (cargo fmt --check)"
cargo fmt --all --check

step "Lints (cargo clippy, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Supply chain (cargo deny: licences, bans, sources, advisories)"
bash scripts/deny.sh

step "Building the binaries the end-to-end tests run (the desktop app, exotel-agent, the sandbox)"
cargo build --workspace --bins --locked

step "Building the Linux packages (.deb and .rpm, release mode) for the package test"
# With a throwaway release key (Tauri's signer), so that the package test can check the update
# channel `make package` writes against the packaged app; the project's key never comes near a
# test. Its manifest announces 9.9.9, so the packaged 0.1.0 is offered it.
channel_key_dir="$(mktemp -d)"
bash scripts/tauri-cli.sh signer generate --ci -p "" -w "$channel_key_dir/release.key" >/dev/null
TAURI_SIGNING_PRIVATE_KEY_PATH="$channel_key_dir/release.key" CHANNEL_VERSION=9.9.9 \
    UPDATE_BASE_URL=http://127.0.0.1:9/channel bash scripts/package.sh
export EXOTEL_TEST_CHANNEL_KEY="$channel_key_dir/release.key.pub"

log="$(mktemp)"
# The disk report closes every run, a failed one too (a full disk fails it).
trap 'rm -f "$log"; disk' EXIT

step "Tests: unit, sandbox, controller, keyring, command line, and the desktop app over WebDriver"
# Each end-to-end test starts its own Xvfb, D-Bus session, gnome-keyring and notification
# server in a temporary HOME, so nothing here needs a display or a desktop session.
cargo test --workspace --locked 2>&1 | tee -a "$log"

step "The packages: the .deb's contents and its unpacked app started to the tray and quit; the .rpm against it; the update channel"
cargo test -p desktop-e2e --locked --test package -- --ignored 2>&1 | tee -a "$log"

step "The safety model: random days of events against the away rules, with its tally"
cargo test -p agent-core --locked --test safety_model -- --ignored --nocapture 2>&1 | tee -a "$log" \
    | grep -E "^(safety model:|Test failed|minimal failing input)"

step "The freshness model: random reads, failures and changes against what the tray and window show"
cargo test -p agent-core --locked --test freshness_model -- --ignored --nocapture 2>&1 | tee -a "$log" \
    | grep -E "^(freshness model:|Test failed|minimal failing input)"

step "The fault matrix and the fault paths (every direction x fault x step), with their tallies"
cargo test -p agent-core --locked --test fault_matrix -- --nocapture 2>&1 | grep -E "^(FAILED|fault matrix:)"
cargo test -p agent-core --locked --test fault_paths -- --nocapture 2>&1 | grep -E "^(FAILED|fault paths:)"

step "The Windows lane: cross-built, linted, tested under Wine (its own tally)"
# The lane's folder grows to about 6 GB (two builds of the app, Wine's prefix, three MSIs). Only
# the package test read the release build, and nothing from here on reads the Linux debug build
# but the sandbox, which the lane builds again if it is gone (a CI disk once filled up here with
# both kept: 44 MB left, target/ at 11 GB).
make_room 8 target/release target/debug
bash scripts/test-windows.sh

step "The macOS check: every crate type-checked and linted for aarch64-apple-darwin"
# The check takes about 1.5 GB; the Windows lane has reported its tally.
make_room 3 target/windows/x86_64-pc-windows-gnu target/windows/debug
bash scripts/check-macos.sh

step "The tests left the tree as they found it (git status)"
# Nothing a test writes may land in a tracked or unignored file (screenshots go to target/).
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    before="${TREE_BEFORE_TESTS:-}"
    after="$(git status --porcelain)"
    if [ "$after" != "$before" ]; then
        echo "FAILED: the tests changed the tree:"
        diff <(echo "$before") <(echo "$after") || true
        exit 1
    fi
    echo "tree: unchanged by the tests"
fi

step "Summary"
# One closing line over every test binary above (cargo prints one line per binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f; if (p == 0 || f > 0) exit 1 }' "$log"
