#!/usr/bin/env bash
# Runs Tauri's CLI, pinned in scripts/tauri-cli/package.json (a prebuilt binary from the npm
# registry; installed on first use with `npm ci`, into scripts/tauri-cli/node_modules).
#   scripts/tauri-cli.sh --version
#   scripts/tauri-cli.sh build --bundles deb,rpm
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cli="$here/tauri-cli/node_modules/.bin/tauri"
want="$(sed -n 's/.*"@tauri-apps\/cli": "\(.*\)".*/\1/p' "$here/tauri-cli/package.json")"
if [ ! -x "$cli" ] || ! "$cli" --version 2>/dev/null | grep -qx "tauri-cli $want"; then
  command -v npm >/dev/null 2>&1 || bash "$here/install-deps.sh" package
  echo "==> Installing Tauri's CLI $want (npm ci in scripts/tauri-cli)" >&2
  npm ci --prefix "$here/tauri-cli" --no-audit --no-fund --loglevel=error >&2
fi
exec "$cli" "$@"
