#!/usr/bin/env bash
# Runs fuzz targets one after another and prints how many executions each reached.
#
#   fuzz/run.sh -runs=1000000              every target, 10^6 executions each
#   fuzz/run.sh -max_total_time=60         every target, one minute each (the CI smoke)
#   fuzz/run.sh -runs=1000000 amount target   only those targets
#
# Needs the nightly toolchain and cargo-fuzz. Runs under `nice -n 19`. Targets are built without
# a sanitizer (the code is safe Rust; what is looked for is panics) and with debug assertions
# (so integer overflow panics too). A crash leaves its input in fuzz/artifacts/TARGET/ and makes
# this script exit 1 after the remaining targets have run.
set -uo pipefail
cd "$(dirname "$0")"
limit="${1:--runs=1000000}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
nice -n 19 cargo +nightly fuzz build -s none -a || exit 1
failed=()
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  log="$(mktemp)"
  nice -n 19 cargo +nightly fuzz run -s none -a "$target" "corpus/$target" -- \
    "$limit" -rss_limit_mb=4096 -print_final_stats=1 >"$log" 2>&1
  status=$?
  done_line="$(grep -E '^Done [0-9]+ runs' "$log" | tail -1)"
  execs="$(grep -E 'stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)"
  if [ $status -ne 0 ]; then
    failed+=("$target")
    echo "$target: CRASHED after ${execs:-?} executions (exit $status)"
    grep -E 'panicked at|ERROR|Test unit written|SUMMARY' "$log" | head -8
  else
    echo "$target: ${done_line:-${execs:-?} runs}"
  fi
  rm -f "$log"
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzzing found crashes in: ${failed[*]} (inputs under fuzz/artifacts/)"
  exit 1
fi
