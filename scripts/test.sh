#!/usr/bin/env bash
# make test: static checks, then a rig of its own (ATC_HOME=.atc/test), then every jest test against it.
# Writes jest's JSON results to .atc/test/jest-results.json (read by .ci/run); tears the rig down at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
export ATC_HOME="${ATC_HOME:-$PWD/.atc/test}"
mkdir -p "$ATC_HOME"
rm -f "$ATC_HOME/jest-results.json"

echo "== typecheck and lint"
npx tsc --noEmit -p tsconfig.json || exit 1
npx eslint . || exit 1

echo "== rig up (ATC_HOME=$ATC_HOME)"
trap 'code=$?; echo "== rig down"; node bin/atc rig down || code=1; exit $code' EXIT
node bin/atc rig up || exit 3
node bin/atc rig status || true

echo "== jest"
npx jest --ci --runInBand --json --outputFile="$ATC_HOME/jest-results.json" "$@"
