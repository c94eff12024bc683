#!/usr/bin/env bash
# Builds and starts Exotel Agent Tray, installing what it needs first (Debian/Ubuntu).
# The app lives in the system tray; its window opens at start (--show) and from the tray menu.
# Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-deps.sh build
# Built as scripts/package.sh and scripts/bench.sh build it, so the three share one build.
cargo build --locked --release -p exotel-agent-tray --bins --features tauri/custom-protocol
cargo build --locked --release -p exotel-agent
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No graphical display here (DISPLAY and WAYLAND_DISPLAY are unset), so the tray app cannot start: run this from a desktop session, or use the command line, target/release/exotel-agent --help." >&2
  exit 1
fi
exec target/release/exotel-agent-tray --show "$@"
