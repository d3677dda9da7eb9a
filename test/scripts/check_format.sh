#!/usr/bin/env bash
# Fails when any C++ source in the tree is not clang-format clean.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard \
                         '*.cpp' '*.hpp' '*.h' '*.cc' | sort -u)
else
  mapfile -t files < <(find . \( -path ./build -o -path '*/node_modules' -o -path ./.git \) \
                         -prune -o -type f \( -name '*.cpp' -o -name '*.hpp' -o -name '*.h' \) \
                         -print | sort)
fi
existing=()
for f in "${files[@]}"; do [[ -f $f ]] && existing+=("$f"); done
if ((${#existing[@]} == 0)); then
  echo "check_format: no C++ files found under $root" >&2
  exit 1
fi
clang-format --dry-run --Werror "${existing[@]}"
echo "check_format: ${#existing[@]} files are clang-format clean"
