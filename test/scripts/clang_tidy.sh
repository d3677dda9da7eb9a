#!/usr/bin/env bash
# clang_tidy.sh BUILD_DIR [SOURCE_ROOT] [--all] — clang-tidy with the repository's .clang-tidy
# (warnings are errors) over the library's core, using BUILD_DIR/compile_commands.json.
#
# By default it checks the layers where lifetime and concurrency bugs live — src/io, src/sqlapi,
# src/client, src/decode — so that the `clang_tidy` ctest stays cheap on two cores; --all checks
# every source of the client, the front ends and the emulator (minutes: for a clean-up, not for
# every test run).
set -euo pipefail
build=$(cd "$1" && pwd)
root=$(cd "${2:-$(dirname "$0")/../..}" && pwd)
all=${3:-}
cd "$root"
if [[ ! -f $build/compile_commands.json ]]; then
  echo "clang_tidy: $build/compile_commands.json is missing (configure with a preset)" >&2
  exit 1
fi
if [[ $all == --all ]]; then
  mapfile -t files < <(ls src/*/*.cpp mock_snowflake/src/*.cpp mock_snowflake/src/*/*.cpp)
else
  mapfile -t files < <(ls src/io/*.cpp src/sqlapi/*.cpp src/client/*.cpp src/decode/*.cpp)
fi
start=$SECONDS
# GCC's flags in the compile database that clang does not know are not findings.
printf '%s\n' "${files[@]}" |
  xargs -P "${SFQ_TIDY_JOBS:-2}" -n 1 clang-tidy -p "$build" --quiet --warnings-as-errors='*' \
    --extra-arg=-Wno-unknown-warning-option
echo "clang_tidy: ${#files[@]} files clean in $((SECONDS - start)) s"
