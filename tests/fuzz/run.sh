#!/bin/sh
# Build the fuzz targets in build-fuzz/ and fuzz each for SECONDS seconds
# (default 60) on a fresh copy of its seed corpus. Exits non-zero when any
# target crashes, hangs, leaks or trips a sanitizer; the input that did it is
# left in build-fuzz/fuzz-runs/TARGET/ and the report is printed.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]      (TARGET: fuzz_engine fuzz_args fuzz_packet fuzz_walk)
set -u

seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-fuzz_engine fuzz_args fuzz_packet fuzz_walk}

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DFOT_FUZZ=ON -DFOT_BUILD_PLUGIN=OFF >/dev/null || exit 2
# shellcheck disable=SC2086 # one word per target
cmake --build build-fuzz -j "$(nproc)" --target $targets >build-fuzz/fuzz-build.log 2>&1 ||
    { cat build-fuzz/fuzz-build.log; exit 2; }

status=0
for target in $targets; do
    work=build-fuzz/fuzz-runs/$target
    rm -rf "$work"
    mkdir -p "$work/corpus" "$work/artifacts"
    cp tests/fuzz/corpus/"$target"/* "$work/corpus/"
    # -timeout: an input that runs 30 s is a hang. Leaks end the run (ASan's LeakSanitizer).
    build-fuzz/tests/fuzz/"$target" -max_total_time="$seconds" -timeout=30 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1
    rc=$?
    artifacts=$(find "$work/artifacts" -type f)
    if [ $rc -ne 0 ] || [ -n "$artifacts" ]; then
        status=1
        echo "$target: FAILED (exit $rc); log $work/log; input:"
        echo "$artifacts"
        grep -v '^4o6top: ' "$work/log" | tail -n 40
    else
        done_line=$(grep '^#[0-9]*[[:space:]]*DONE' "$work/log" | tail -n 1)
        echo "$target: ok in $seconds s: $done_line"
    fi
done
exit $status
