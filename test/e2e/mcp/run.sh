#!/usr/bin/env bash
# run.sh SFQ_BINARY WORK_DIR — the MCP SDK end-to-end test: installs the pinned
# @modelcontextprotocol/sdk with `npm ci` into WORK_DIR (outside the source tree; reinstalled
# only when package-lock.json changes), then runs sdk_test.mjs against `SFQ_BINARY mcp --mock`.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
binary=${1:?usage: run.sh SFQ_BINARY WORK_DIR}
work=${2:?usage: run.sh SFQ_BINARY WORK_DIR}

command -v node >/dev/null || { echo "mcp_sdk: node is not installed (tools/bootstrap installs it)" >&2; exit 1; }
mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/sdk_test.mjs" "$work/"
cd "$work"
stamp=node_modules/.sfq-lock-sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$want" >"$stamp"
fi
exec node sdk_test.mjs "$binary"
