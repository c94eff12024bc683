#!/usr/bin/env bash
# Installs what building, running or testing Exotel Agent Tray needs, and only what is missing.
#   scripts/install-deps.sh build     # to build and run the app
#   scripts/install-deps.sh package   # the above, plus npm (Tauri's CLI comes from its registry)
#   scripts/install-deps.sh test      # all of the above, plus what the tests need
#   scripts/install-deps.sh windows   # only what the Windows lane needs (scripts/test-windows.sh)
#   scripts/install-deps.sh macos     # only what the macOS check needs (scripts/check-macos.sh)
# On Debian/Ubuntu it uses apt-get (as root, or through sudo). Elsewhere it lists what to
# install and stops.
set -euo pipefail
what="${1:-build}"

build_pkgs=(build-essential pkg-config curl file libssl-dev libdbus-1-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev)
test_pkgs=(xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools webkit2gtk-driver
  dunst xdotool imagemagick x11-utils procps rpm2cpio cpio weston)

# The Windows lane (scripts/test-windows.sh): Debian's Rust 1.96 with its std's source and
# clippy (to build std for Windows), mingw-w64, Wine and Xvfb; wixl makes the MSI (msitools'
# msibuild adds the shortcut's AppUserModelID, msiinfo reads tables back),
# osslsigncode and openssl sign it and check the signature; python3 serves the app's update
# channel on loopback (and npm, below, brings Tauri's signer for it).
windows_pkgs=(rustc-web cargo-web rust-web-src rust-web-clippy gcc-mingw-w64-x86-64 wine wine64 xvfb xauth curl
  wixl msitools osslsigncode openssl python3)

pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}" "${windows_pkgs[@]}")
[ "$what" = windows ] && pkgs=("${windows_pkgs[@]}")
# The macOS check (scripts/check-macos.sh): the same Rust, no Wine.
[ "$what" = macos ] && pkgs=(rustc-web cargo-web rust-web-src rust-web-clippy build-essential)
# npm fetches Tauri's CLI (scripts/tauri-cli.sh); an npm already on PATH (from apt or not) does.
if { [ "$what" = package ] || [ "$what" = test ] || [ "$what" = windows ]; } && ! command -v npm >/dev/null 2>&1; then pkgs+=(nodejs npm); fi

say() { printf '==> %s\n' "$*" >&2; }

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else
      say "Missing packages: ${missing[*]}. Install them as root (apt-get install ${missing[*]}) and run this again."
      exit 1
    fi
    say "Installing system packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  say "Not a Debian/Ubuntu system: install the equivalents of: ${pkgs[*]}"
  say "(on Fedora: webkit2gtk4.1-devel libappindicator-gtk3-devel librsvg2-devel dbus-devel openssl-devel"
  say " gnome-keyring libsecret xorg-x11-server-Xvfb webkit2gtk4.1 dunst xdotool ImageMagick), then run this again."
fi

# Rust: the stable toolchain with rustfmt and clippy.
if ! command -v cargo >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/cargo" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
  say "Rust is not installed: installing it with rustup (https://rustup.rs)."
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  export PATH="$HOME/.cargo/bin:$PATH"
fi
if command -v rustup >/dev/null 2>&1; then
  for c in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$c" || rustup component add "$c"
  done
fi

# The WebDriver bridge for the end-to-end tests (from crates.io; pinned to the 2.x line).
if [ "$what" = test ] && ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  say "Installing tauri-driver (cargo install tauri-driver@^2 --locked)"
  cargo install tauri-driver@^2 --locked --quiet
fi

# axe-core, the accessibility checker the end-to-end tests inject into the window (pinned in
# tests/axe/package.json and its lock file; from the npm registry).
if [ "$what" = test ]; then
  axe="$(cd "$(dirname "$0")/../tests/axe" && pwd)"
  want="$(sed -n 's/.*"axe-core": "\(.*\)".*/\1/p' "$axe/package.json")"
  have=""
  if [ -f "$axe/node_modules/axe-core/package.json" ]; then
    have="$(sed -n '/"version":/{s/.*"version": "\(.*\)".*/\1/p;q;}' "$axe/node_modules/axe-core/package.json")"
  fi
  if [ "$have" != "$want" ]; then
    say "Installing axe-core $want (npm ci in tests/axe)"
    npm ci --prefix "$axe" --no-audit --no-fund --loglevel=error
  fi
fi
