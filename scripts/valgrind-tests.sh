#!/usr/bin/env bash
# Run every C unit test under valgrind memcheck: any leak or error fails.
set -euo pipefail
build=${1:-build}
failed=0 passed=0
for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    if valgrind -q --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=99 "$t" >"$t.valgrind.log" 2>&1; then
        passed=$((passed + 1))
    else
        rc=$?
        if [ "$rc" -eq 77 ]; then continue; fi
        failed=$((failed + 1)); echo "valgrind: $t failed (exit $rc)"; tail -40 "$t.valgrind.log"
    fi
done
echo "valgrind: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
