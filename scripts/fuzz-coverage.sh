#!/usr/bin/env bash
# Line coverage a harness's corpus reaches (llvm-cov), for the files it is meant to test.
#
#   scripts/fuzz-coverage.sh HARNESS [FILE...]
#
# Builds the harnesses once more with clang's source-based coverage (build-fuzz-cov/),
# replays the committed seeds and the last fuzzing run's corpus (build-fuzz/work/<name>,
# left by scripts/fuzz.sh) without mutating, and prints llvm-cov's report for FILE...
# (paths under the repository; default: every file of core/src).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
[ $# -ge 1 ] || { sed -n '2,9p' "$0"; exit 2; }
name=$1
shift
corpus=${name#fuzz_}
cmake -S . -B build-fuzz-cov -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_C_FLAGS="-fprofile-instr-generate -fcoverage-mapping" \
    -DCMAKE_EXE_LINKER_FLAGS="-fprofile-instr-generate" \
    -DFOIL_BUILD_FUZZERS=ON -DFOIL_BUILD_TESTS=OFF -DFOIL_BUILD_SHARED=OFF -DFOIL_BUILD_EMULATOR=OFF \
    -DFOIL_BUILD_CLI=OFF >/dev/null
cmake --build build-fuzz-cov -j "$(nproc)" --target "$name" >/dev/null
inputs=()
[ -d "fuzz/corpus/$corpus" ] && inputs+=("fuzz/corpus/$corpus")
[ -d "build-fuzz/work/$corpus" ] && inputs+=("build-fuzz/work/$corpus")
profile=build-fuzz-cov/$name
rm -f "$profile".profraw
LLVM_PROFILE_FILE="$profile.profraw" "build-fuzz-cov/fuzz/$name" -runs=0 "${inputs[@]}" >/dev/null 2>&1
llvm-profdata merge -sparse "$profile.profraw" -o "$profile.profdata"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(core/src)
llvm-cov report "build-fuzz-cov/fuzz/$name" -instr-profile="$profile.profdata" "${files[@]}"
