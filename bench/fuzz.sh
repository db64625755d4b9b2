#!/usr/bin/env bash
# bench/fuzz.sh [MINUTES] [TARGET...]: fuzzes every target of fuzz/ (or those named) for
# MINUTES each (default 1), one after the other, and prints per target the executions,
# the coverage (libFuzzer's cov and ft at the end) and the crashes, then a total.
# bench/fuzz.sh cmin: folds what the runs found into the committed corpus, minimised.
#
# One core, niced: one libFuzzer process at a time, in-process (no -jobs/-fork: with
# them libFuzzer forks workers; without, a run is one process on one core), at nice 19
# so that compiles on the other core go first. Built without a sanitizer: the code is safe
# Rust, so what the campaign looks for are panics, aborts (stack overflows), hangs and
# memory blow-ups, which libFuzzer reports by itself, at twice the speed ASan would allow;
# overflow checks and debug assertions are on.
#
# New inputs go to fuzz/target/corpus-work/<target> (kept between runs, not committed):
# rounds add up. Every crash's input is copied to fuzz/artifacts-kept/<target>/, which
# `cargo test -p certisante-pki --test fuzz_corpus` replays (commit it with its fix). Each
# run appends a line to fuzz/target/fuzz-runs.tsv; the "all runs" table sums them.
#
# Needs the nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz
# from crates.io into the project's tools folder if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tools="${CERTISANTE_TOOLS_DIR:-$HOME/.cache/certisante/tools}"
export PATH="$tools/bin:$PATH"
# cargo-fuzz builds into fuzz/target (gitignored), never into the workspace's target dir.
unset CARGO_TARGET_DIR

if ! command -v cargo-fuzz >/dev/null; then
  echo "fuzz.sh: cargo install cargo-fuzz"
  nice -n 19 cargo install cargo-fuzz --locked --root "$tools"
fi
fuzz() { nice -n 19 cargo +nightly fuzz "$@"; }
work="$root/fuzz/target/corpus-work"
stats="$root/fuzz/target/fuzz-runs.tsv"

if [ "${1:-}" = cmin ]; then
  shift
  targets=("$@")
  [ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(fuzz list)
  for target in "${targets[@]}"; do
    # Minimise the committed corpus and the runs' findings together into a fresh folder.
    merged="$root/fuzz/target/cmin/$target"
    rm -rf "$merged" && mkdir -p "$merged" "$work/$target"
    fuzz run -s none -a "$target" "$merged" "$root/fuzz/corpus/$target" "$work/$target" -- -merge=1 -timeout=20 2>&1 | tail -n 1
    rm -rf "$root/fuzz/corpus/$target" && mv "$merged" "$root/fuzz/corpus/$target"
    echo "$target: $(find "$root/fuzz/corpus/$target" -type f | wc -l) files, $(du -sh "$root/fuzz/corpus/$target" | cut -f1)"
  done
  exit 0
fi

minutes=${1:-1}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(fuzz list)
seconds=$((minutes * 60))

fuzz build -s none -a >/dev/null
mkdir -p "$work" "$root/fuzz/target/logs"
[ -f "$stats" ] || printf 'target\tseconds\texecutions\tcov\tft\tcrashes\n' >"$stats"

printf '%-20s %8s %12s %8s %8s %8s\n' target minutes executions cov ft crashes
total_execs=0 total_crashes=0
for target in "${targets[@]}"; do
  mkdir -p "$work/$target" "$root/fuzz/artifacts/$target" "$root/fuzz/artifacts-kept/$target"
  [ -n "$(ls -A "$work/$target")" ] || cp "$root/fuzz/corpus/$target/"* "$work/$target/" 2>/dev/null || true
  execs=0 crashes=0 cov=0 ft=0
  deadline=$((SECONDS + seconds))
  # A crash stops libFuzzer: note it, keep its input, and go on for the time left.
  while [ $((deadline - SECONDS)) -gt 0 ]; do
    log="$root/fuzz/target/logs/$target-$(date +%Y%m%d-%H%M%S).log"
    left=$((deadline - SECONDS))
    if fuzz run -s none -a "$target" "$work/$target" "$root/fuzz/corpus/$target" -- \
      -max_total_time="$left" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$root/fuzz/artifacts/$target/" >"$log" 2>&1; then
      status=0
    else
      status=$?
    fi
    run_execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$' || true)
    # Without final stats (a crash), the last progress line counts.
    [ -n "$run_execs" ] || run_execs=$(grep -o '^#[0-9]*' "$log" | tail -n 1 | tr -d '#' || true)
    execs=$((execs + ${run_execs:-0}))
    line=$(grep -E '^#[0-9]+.*cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)
    if [ -n "$line" ]; then
      cov=$(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$line")
      ft=$(sed -E 's/.*ft: ([0-9]+).*/\1/' <<<"$line")
    fi
    if [ "$status" -ne 0 ]; then
      crashes=$((crashes + 1))
      artifact=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -n 1 | sed 's/Test unit written to //' || true)
      if [ -n "$artifact" ] && [ -f "$artifact" ]; then
        cp "$artifact" "$root/fuzz/artifacts-kept/$target/"
        echo "  $target: crash, input kept as fuzz/artifacts-kept/$target/$(basename "$artifact") (log $log)" >&2
      else
        echo "  $target: libFuzzer failed without an input (log $log)" >&2
        break
      fi
    fi
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$target" "$seconds" "$execs" "$cov" "$ft" "$crashes" >>"$stats"
  printf '%-20s %8s %12s %8s %8s %8s\n' "$target" "$minutes" "$execs" "$cov" "$ft" "$crashes"
  total_execs=$((total_execs + execs)) total_crashes=$((total_crashes + crashes))
done
printf '%-20s %8s %12s %8s %8s %8s\n' total "$((minutes * ${#targets[@]}))" "$total_execs" - - "$total_crashes"

echo
echo "all runs recorded in fuzz/target/fuzz-runs.tsv:"
awk -F'\t' 'NR > 1 { s[$1] += $2; e[$1] += $3; c[$1] += $6; cov[$1] = $4; ft[$1] = $5 }
  END { printf "%-20s %8s %12s %8s %8s %8s\n", "target", "minutes", "executions", "cov", "ft", "crashes";
        for (t in s) { printf "%-20s %8.1f %12d %8s %8s %8d\n", t, s[t] / 60, e[t], cov[t], ft[t], c[t]; ts += s[t]; te += e[t]; tc += c[t] }
        printf "%-20s %8.1f %12d %8s %8s %8d\n", "total", ts / 60, te, "-", "-", tc }' "$stats"
