#!/usr/bin/env bash
# Mutation testing with cargo-mutants over exotel-api and agent-core: each small change to the
# code (a mutant) is built and the crate's tests run against it; a mutant the tests do not
# notice shows a test that is missing (or a change that makes no difference). Writes
# docs/mutants-latest.md: one line per crate, `mutants: caught N of M viable (P%)` (a timeout
# counts as caught), and every surviving mutant. docs/mutants.md keeps the annotated history.
#
# Too long for CI (hours on 2 cores for both crates). Arguments go to cargo-mutants, e.g.
# `bash scripts/mutants.sh -f away.rs -f controller.rs` for some files only, or `--crates
# exotel-api` (this script's own flag) for one crate.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
command -v cargo-mutants >/dev/null || cargo install --locked cargo-mutants

crates=(exotel-api agent-core)
if [[ "${1:-}" == "--crates" ]]; then
    IFS=, read -r -a crates <<<"$2"
    shift 2
fi
out=target/mutants
report=docs/mutants-latest.md
{
    echo "# Mutation testing: the latest run"
    echo
    echo "Run $(date -u +%Y-%m-%d) with \`bash scripts/mutants.sh $*\` (cargo-mutants $(cargo mutants --version | awk '{print $2}'))."
    echo
} >"$report"
for crate in "${crates[@]}"; do
    # cargo-mutants exits non-zero when a mutant survives: that is the report, not a failure.
    cargo mutants -p "$crate" --cap-lints=true -o "$out/$crate" "$@" || true
    dir="$out/$crate/mutants.out"
    count() { [[ -f "$dir/$1" ]] && grep -c . "$dir/$1" || echo 0; }
    caught=$(count caught.txt)
    missed=$(count missed.txt)
    timeout=$(count timeout.txt)
    viable=$((caught + missed + timeout))
    pct=$(awk -v c=$((caught + timeout)) -v v="$viable" 'BEGIN { printf "%.1f", v ? 100 * c / v : 0 }')
    {
        echo "## $crate"
        echo
        echo "mutants: caught $((caught + timeout)) of $viable viable (${pct}%)"
        echo
        echo "Unviable (did not build): $(count unviable.txt). Timeouts (counted as caught): $timeout."
        echo
        echo "Survivors:"
        echo
        if [[ -f "$dir/missed.txt" ]]; then sed 's/^/- /' "$dir/missed.txt"; fi
        echo
    } >>"$report"
done
cat "$report"
