#!/usr/bin/env bash
# Packs Windows binaries into the MSI: scripts/windows/msi.sh <folder with the .exe files> <out.msi> [version]
# wixl (msitools) builds it from src-tauri/windows/ExotelAgentTray.wxs; msibuild then adds the
# Start-menu shortcut's AppUserModelID (wixl has no ShortcutProperty), so Windows shows the
# app's notifications under its name. The version defaults to the workspace's (Cargo.toml).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$(cd "$1" && pwd)"
out="$2"
version="${3:-$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' "$root/Cargo.toml")}"
aumid="$(sed -n 's/^  "identifier": "\(.*\)",/\1/p' "$root/src-tauri/tauri.conf.json")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The files, gathered where the .wxs names them (wixl wants sources relative to it).
cp "$bin/exotel-agent-tray.exe" "$bin/exotel-agent.exe" "$bin/WebView2Loader.dll" "$root/README.md" "$root/SECURITY.md" \
    "$root/docs/presets.example.toml" "$root/icons/icon.ico" "$root/src-tauri/windows/ExotelAgentTray.wxs" \
    "$root/src-tauri/windows/policy/ExotelAgentTray.admx" "$root/src-tauri/windows/policy/en-US/ExotelAgentTray.adml" "$work/"
cp "$root/icons/128x128.png" "$work/icon.png"
(cd "$work" && wixl -a x64 -D "Version=$version" -o app.msi ExotelAgentTray.wxs)
printf 'MsiShortcutProperty\tShortcut_\tPropertyKey\tPropVariantValue\ns72\ts72\ts0\ts0\nMsiShortcutProperty\tMsiShortcutProperty\nAumid\tStartMenu\tSystem.AppUserModel.ID\t%s\n' \
    "$aumid" >"$work/MsiShortcutProperty.idt"
# The rollout's properties reach the install's elevated part (WiX's Secure="yes").
msiinfo export "$work/app.msi" Property | tr -d '\r' \
    | sed 's/^\(SecureCustomProperties\t.*\)$/\1;HOST;APP_ID;USER_ID;AUTOSTART;UPDATES;UPDATE_URL/' >"$work/Property.idt"
(cd "$work" && for table in MsiShortcutProperty Property; do msibuild app.msi -i "$table.idt"; done)
mkdir -p "$(dirname "$out")"
mv "$work/app.msi" "$out"
echo "$out: Exotel Agent Tray $version (AppUserModelID $aumid)"
