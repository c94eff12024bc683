#!/usr/bin/env bash
# Builds and starts Exotel Agent Tray, installing what it needs first (Debian/Ubuntu).
# The app lives in the system tray; its window opens at start (--show) and from the tray menu.
# Extra arguments go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-deps.sh build
bash scripts/build-release.sh
# Without a usable display the app itself says so in one sentence and exits 1.
exec target/release/exotel-agent-tray --show "$@"
