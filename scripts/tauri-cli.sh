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
  if ! command -v npm >/dev/null 2>&1; then
    echo "==> Installing Node.js and npm (to fetch Tauri's CLI from the npm registry)" >&2
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  fi
  echo "==> Installing Tauri's CLI $want (npm ci in scripts/tauri-cli)" >&2
  npm ci --prefix "$here/tauri-cli" --no-audit --no-fund --loglevel=error >&2
fi
exec "$cli" "$@"
