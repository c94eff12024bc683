#!/usr/bin/env bash
# Makes every icon in icons/ from the SVG sources in icons/src, with Tauri's own icon command:
# the app icon (icons/src/app.svg) at every size the bundlers ask for (Linux PNGs, Windows
# .ico and Store logos, macOS .icns), and the tray icons (icons/src/tray-*.svg) at 64 px, with
# their monochrome template versions for macOS.
# The PNGs are committed; run this after changing an SVG.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
bash scripts/tauri-cli.sh icon icons/src/app.svg -o "$tmp/app" >/dev/null
# Android and iOS are not targets of a tray app.
rm -rf "$tmp/app/android" "$tmp/app/ios"
cp "$tmp"/app/* icons/
for svg in icons/src/tray-*.svg; do
  name="$(basename "$svg" .svg)"
  bash scripts/tauri-cli.sh icon "$svg" -p 64 -o "$tmp/$name" >/dev/null
  cp "$tmp/$name/64x64.png" "icons/$name.png"
  # macOS draws tray icons as templates (black and clear, tinted by the menu bar): the same
  # shapes, their white parts cut out, so each status keeps its own shape (ImageMagick).
  convert "icons/$name.png" -fuzz 25% -transparent white -fill black -colorize 100 \
    "icons/${name/tray-/tray-template-}.png"
done
ls icons
