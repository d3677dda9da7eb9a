#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, then configures, builds and runs the consumer
# project in test/consumer against it with find_package(sfq). Proves the exported package works.
set -euo pipefail
build_dir=$1 consumer_src=$2 cmake=$3 cxx=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cmake" --install "$build_dir" --prefix "$work/prefix" >"$work/install.log"
"$cmake" -S "$consumer_src" -B "$work/build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
         -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Debug >"$work/configure.log" \
  || { cat "$work/configure.log"; exit 1; }
"$cmake" --build "$work/build" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
"$work/build/sfq_consumer"
