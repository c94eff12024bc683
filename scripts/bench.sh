#!/usr/bin/env bash
# The benchmark: builds in release mode and prints one table (figure, budget, ok/OVER),
# measured against the sandbox on loopback with the app under Xvfb. Writes docs/benchmarks.md.
# Extra arguments go to agent-bench (--changes N, --launches N, --idle-secs N).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-deps.sh test
cargo build --release --locked -p exotel-agent-tray -p exotel-agent -p agent-bench
exec target/release/agent-bench --write docs/benchmarks.md "$@"
