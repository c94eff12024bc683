#!/usr/bin/env bash
# Builds the app and exotel-agent in release mode exactly as `tauri build` (scripts/package.sh)
# builds them: the app alone with its assets embedded (feature tauri/custom-protocol), the
# command line alone. So `make run`, `make bench` and `make package` share one build, and the
# benchmark measures the binary that ships.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --release -p exotel-agent-tray --bins --features tauri/custom-protocol
cargo build --locked --release -p exotel-agent
