#!/usr/bin/env bash
# Builds and starts Exotel Agent Tray, installing what it needs first (Debian/Ubuntu).
# The app lives in the system tray; its window opens at start (--show) and from the tray menu.
# Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-deps.sh build
cargo build --locked --release -p exotel-agent-tray -p exotel-agent
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No graphical display here (DISPLAY and WAYLAND_DISPLAY are unset): run this from a desktop session." >&2
  echo "The command line works anywhere: target/release/exotel-agent --help" >&2
  exit 1
fi
exec target/release/exotel-agent-tray --show "$@"
