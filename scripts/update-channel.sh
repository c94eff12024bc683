#!/usr/bin/env bash
# An update channel IT can host: signs each package with the release key (Tauri's signer,
# minisign, bound to the version: `--app-version`, which the app requires) and writes
# latest.json, the manifest the app reads (Tauri's updater's static format), into one folder with
# the packages and their .sig files.
#
#   TAURI_SIGNING_PRIVATE_KEY_PATH=release.key [TAURI_SIGNING_PRIVATE_KEY_PASSWORD=...] \
#     scripts/update-channel.sh <base-url> <out-folder> <package>...
#
# <base-url> is where the folder will be served (https), e.g.
# https://it.example.in/agent-tray/stable; the app's `update_url` policy is then
# <base-url>/latest.json. Packages: .deb (linux-<arch>-deb), .rpm (linux-<arch>-rpm), .msi
# (windows-x86_64-msi). The version is the workspace's (Cargo.toml), or CHANNEL_VERSION.
# `make package` and `make package-windows` call this when a signing key is set.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "$#" -lt 3 ]; then
  echo "usage: $0 <base-url> <out-folder> <package>..." >&2
  exit 2
fi
base="${1%/}"
out="$2"
shift 2
if [ -z "${TAURI_SIGNING_PRIVATE_KEY_PATH:-}${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  echo "update-channel: no release key (TAURI_SIGNING_PRIVATE_KEY_PATH or TAURI_SIGNING_PRIVATE_KEY)" >&2
  exit 2
fi
# The manifest is written with printf: every value is checked to need no escaping first.
case "$base" in
  https://*|http://127.0.0.1*|http://localhost*) ;;
  *) echo "update-channel: $base is not https" >&2; exit 2 ;;
esac
if ! [[ "$base" =~ ^[A-Za-z0-9:/._~%+-]+$ ]]; then
  echo "update-channel: $base has characters a manifest would need to escape" >&2
  exit 2
fi
version="${CHANNEL_VERSION:-$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml")}"
if ! [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]]; then
  echo "update-channel: $version is not a version" >&2
  exit 2
fi
export TAURI_SIGNING_PRIVATE_KEY_PASSWORD="${TAURI_SIGNING_PRIVATE_KEY_PASSWORD:-}"
mkdir -p "$out"
# Each platform's entry is kept in $out/.platforms, so runs for the same version add up (the
# Linux packages, then the MSI); another version starts afresh.
parts="$out/.platforms"
if [ "$(cat "$parts/VERSION" 2>/dev/null)" != "$version" ]; then rm -rf "$parts"; fi
mkdir -p "$parts"
echo "$version" >"$parts/VERSION"
arch="$(uname -m)"
for package in "$@"; do
  name="$(basename "$package")"
  case "$name" in
    *.deb) key="linux-$arch-deb" ;;
    *.rpm) key="linux-$arch-rpm" ;;
    *.msi) key="windows-x86_64-msi" ;;
    *) echo "update-channel: $name is not a .deb, .rpm or .msi" >&2; exit 2 ;;
  esac
  if ! [[ "$name" =~ ^[A-Za-z0-9._+-]+$ ]]; then
    echo "update-channel: $name has characters a manifest would need to escape" >&2
    exit 2
  fi
  if [ "$(cd "$(dirname "$package")" && pwd)" != "$(cd "$out" && pwd)" ]; then
    cp "$package" "$out/$name"
  fi
  rm -f "$out/$name.sig"
  bash "$root/scripts/tauri-cli.sh" signer sign --app-version "$version" "$out/$name" >/dev/null
  signature="$(tr -d '\n' <"$out/$name.sig")"
  printf '    "%s": { "url": "%s/%s", "signature": "%s" }' "$key" "$base" "$name" "$signature" >"$parts/$key"
done
entries=()
for part in "$parts"/*; do
  [ "$(basename "$part")" = VERSION ] || entries+=("$(cat "$part")")
done
{
  printf '{\n  "version": "%s",\n' "$version"
  printf '  "notes": "Exotel Agent Tray %s: see CHANGELOG.md",\n' "$version"
  printf '  "pub_date": "%s",\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '  "platforms": {\n'
  last=$(( ${#entries[@]} - 1 ))
  for i in "${!entries[@]}"; do
    if [ "$i" -lt "$last" ]; then printf '%s,\n' "${entries[$i]}"; else printf '%s\n' "${entries[$i]}"; fi
  done
  printf '  }\n}\n'
} >"$out/latest.json"
echo "update-channel: $out/latest.json (version $version, ${#entries[@]} package(s)); serve $out at $base"
