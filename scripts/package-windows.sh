#!/usr/bin/env bash
# `make package-windows`: a release build of both programs for Windows (the Windows lane's
# toolchain: Debian's rustc-web, -Zbuild-std, mingw-w64), then the MSI
# (target/windows/ExotelAgentTray-<version>.msi, scripts/windows/msi.sh). With SIGN_CERT and
# SIGN_KEY set, both .exe files and the MSI are signed (scripts/windows/sign.sh); without, an
# unsigned MSI, which Windows' SmartScreen warns about.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh windows
export RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
target=x86_64-pc-windows-gnu
PATH="/usr/bin:$PATH" /usr/bin/cargo build --release --locked -Zbuild-std=std,panic_abort --target "$target" \
    --target-dir target/windows -p exotel-agent -p exotel-agent-tray --bins
bin="target/windows/$target/release"
version="$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)"
if [ -n "${SIGN_CERT:-}" ]; then bash scripts/windows/sign.sh "$bin/exotel-agent.exe" "$bin/exotel-agent-tray.exe"; fi
msi="target/windows/ExotelAgentTray-$version.msi"
bash scripts/windows/msi.sh "$bin" "$msi" "$version"
if [ -n "${SIGN_CERT:-}" ]; then bash scripts/windows/sign.sh "$msi"; fi
# With the release key: the MSI in the update channel (target/update-channel, with its .sig and
# latest.json; after `make package` for the same version, the manifest lists both systems).
if [ -n "${TAURI_SIGNING_PRIVATE_KEY_PATH:-}${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  bash scripts/update-channel.sh "${UPDATE_BASE_URL:-https://github.com/exotel/agent-tray/releases/download/v$version}" \
    target/update-channel "$msi"
fi
