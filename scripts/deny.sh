#!/usr/bin/env bash
# Supply chain: `cargo deny` with deny.toml (licences, bans, sources, advisories).
# Installs cargo-deny (pinned) from crates.io if it is missing. Run by scripts/test.sh.
#
# Advisories need RustSec's database, which cargo-deny clones from GitHub. Where GitHub cannot
# be reached (this project's build machines), a copy already in ~/.cargo/advisory-dbs is used
# and its date printed; with no copy, advisories are reported as NOT CHECKED (not as passed).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
want="0.20.2"
if ! cargo deny --version 2>/dev/null | grep -qx "cargo-deny $want"; then
  echo "==> Installing cargo-deny $want (cargo install --locked)" >&2
  cargo install "cargo-deny@$want" --locked --quiet
fi
cargo fetch --locked --quiet

# Licences, bans and sources need only the lock file and the crates' manifests.
# (Duplicate versions are allowed in deny.toml's sense: Tauri's tree has many; not listed here.)
cargo deny --offline --locked check --allow duplicate licenses bans sources

db_root="${CARGO_HOME:-$HOME/.cargo}/advisory-dbs"
if timeout 20 git ls-remote --exit-code https://github.com/rustsec/advisory-db HEAD >/dev/null 2>&1; then
  echo "advisories: checking against RustSec's database, fetched now"
  cargo deny --locked check advisories
elif db="$(ls -d "$db_root"/advisory-db-* 2>/dev/null | head -n 1)" && [ -n "$db" ]; then
  when="$(git -C "$db" log -1 --format=%cs 2>/dev/null || echo "unknown date")"
  echo "advisories: GitHub unreachable; checking against the copy in $db (last advisory commit $when)"
  cargo deny --offline --locked check advisories
else
  echo "advisories: NOT CHECKED: RustSec's database is on GitHub, which this machine cannot reach, and no copy is in $db_root (run scripts/deny.sh where GitHub is reachable)"
fi
