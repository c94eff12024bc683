#!/usr/bin/env bash
# Builds the installable packages with Tauri's bundler (its CLI pinned in scripts/tauri-cli):
# on Linux a .deb and an .rpm, written under target/release/bundle/. Extra arguments go to
# `tauri build`, e.g. `scripts/package.sh --bundles deb`.
# macOS (.app/.dmg) and Windows (.msi/NSIS) packages are configured in src-tauri/tauri.conf.json
# and are built the same way on those systems (`scripts/package.sh` under Git Bash on Windows).
# AppImage is not built: its bundler downloads linuxdeploy and its plugins from GitHub while
# building, which this project's machines cannot reach.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/install-deps.sh package
args=("$@")
if [ "${#args[@]}" -eq 0 ]; then
  case "$(uname -s)" in
    Linux) args=(--bundles deb,rpm) ;;
    *) args=() ;;
  esac
fi
# `tauri build` builds the app in release mode with its assets embedded (feature
# tauri/custom-protocol), then the bundle's `beforeBundleCommand` builds `exotel-agent`, which
# the Linux packages ship beside it.
bash scripts/tauri-cli.sh build --ci "${args[@]}"
echo "==> Packages:"
find target/release/bundle -maxdepth 2 -type f \( -name '*.deb' -o -name '*.rpm' -o -name '*.dmg' -o -name '*.msi' -o -name '*.exe' \) -printf '    %p (%s bytes)\n'
# With the release key: the update channel (signed packages and latest.json) in
# target/update-channel, for UPDATE_BASE_URL (default: this version's GitHub release).
if [ -n "${TAURI_SIGNING_PRIVATE_KEY_PATH:-}${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
  mapfile -t packages < <(find target/release/bundle -maxdepth 2 -type f \( -name '*.deb' -o -name '*.rpm' \))
  bash scripts/update-channel.sh "${UPDATE_BASE_URL:-https://github.com/exotel/agent-tray/releases/download/v$version}" \
    target/update-channel "${packages[@]}"
fi
