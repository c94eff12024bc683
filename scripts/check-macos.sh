#!/usr/bin/env bash
# The macOS check, run on this Linux machine: type-checks and lints (clippy, warnings are
# errors) every crate of the workspace, the desktop app included, for aarch64-apple-darwin,
# with Debian's rustc-web and its std's source (-Zbuild-std). Nothing is linked or run: Apple's
# SDK and linker are not here. Ends with one line: `macos: N crates checked, clippy clean`.
#
# One stand-in: build scripts that compile C for the target (aws-lc, the TLS crypto under
# rustls) get scripts/macos/cc-check-only, which makes empty objects: C cannot be compiled for
# macOS without the SDK, and a check links nothing. The Rust of every crate is checked as is.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "Installing what the macOS check needs (rustc-web, its std source, clippy)"
bash scripts/install-deps.sh macos

export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc
export CC_aarch64_apple_darwin="$PWD/scripts/macos/cc-check-only" AR_aarch64_apple_darwin=ar
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
crates=(exotel-api exotel-sandbox agent-core desk-events exotel-agent exotel-agent-tray os-events test-session agent-bench desktop-e2e)
args=()
for c in "${crates[@]}"; do args+=(-p "$c"); done

step "clippy for aarch64-apple-darwin (the whole workspace, all targets)"
CARGO_INCREMENTAL=0 PATH="/usr/bin:$PATH" /usr/bin/cargo clippy --locked -Zbuild-std=std,panic_abort --target aarch64-apple-darwin \
    --target-dir target/macos "${args[@]}" --all-targets -- -D warnings 2>&1 | { grep -v '^warning: aws-lc-sys@' || true; }
echo "macos: ${#crates[@]} crates checked, clippy clean"
