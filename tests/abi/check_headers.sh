#!/bin/sh
# Every public header compiles on its own, warning-free with -pedantic, as C89, C99 and C11
# and as C++98, C++11 and C++17 (a consumer's own flags must not break on our headers).
# Usage: check_headers.sh INCLUDE_DIR [CC] [CXX]
set -eu
inc=$1 cc=${2:-cc} cxx=${3:-c++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for h in "$inc"/foil/*.h; do
    name=$(basename "$h")
    printf '#include <foil/%s>\nint main(void) { return 0; }\n' "$name" >"$tmp/c.c"
    cp "$tmp/c.c" "$tmp/cxx.cpp"
    for std in c89 c99 c11; do
        "$cc" -std=$std -Wall -Wextra -pedantic -Werror -I"$inc" -c "$tmp/c.c" -o "$tmp/o" \
            2>"$tmp/err" || { echo "$name as $std:"; head -5 "$tmp/err"; failed=1; }
    done
    if command -v "$cxx" >/dev/null; then
        for std in c++98 c++11 c++17; do
            "$cxx" -std=$std -Wall -Wextra -pedantic -Werror -I"$inc" -c "$tmp/cxx.cpp" \
                -o "$tmp/o" 2>"$tmp/err" || { echo "$name as $std:"; head -5 "$tmp/err"; failed=1; }
        done
    fi
done
[ $failed = 0 ] && echo "every header in $inc/foil compiles as C89/C99/C11 and C++98/11/17"
exit $failed
