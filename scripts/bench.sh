#!/usr/bin/env bash
# The benchmark: builds in release mode and prints one table (figure, budget, ok/OVER),
# measured against the sandbox on loopback with the app under Xvfb. Writes the table to
# docs/benchmarks-latest.md (docs/benchmarks.md keeps the before/after history, by hand).
# Extra arguments go to agent-bench (--changes N, --launches N, --idle-secs N, --idle-only, --window).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-deps.sh test
bash scripts/build-release.sh
cargo build --release --locked -p agent-bench
exec target/release/agent-bench --write docs/benchmarks-latest.md "$@"
