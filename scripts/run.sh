#!/usr/bin/env bash
# Builds and starts Exotel Agent Tray, installing what it needs first (Debian/Ubuntu).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-deps.sh build
cargo build --locked --release -p exotel-sandbox -p exotel-agent
echo "The desktop app is not built yet; starting the sandbox. Sign in to it with exotel-agent:"
exec target/release/exotel-sandbox --port "${SANDBOX_PORT:-8787}"
