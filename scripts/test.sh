#!/usr/bin/env bash
# make test: static checks, the unit tests (no rig, parallel workers), then a rig of its own (ATC_HOME=.atc/test) and
# the integration tests against it (in band: they share the rig). Writes the two jest runs' JSON results, merged, to
# .atc/test/jest-results.json (read by .ci/run); tears the rig down at the end. A failure in either run fails it.
set -uo pipefail
cd "$(dirname "$0")/.."
export ATC_HOME="${ATC_HOME:-$PWD/.atc/test}"
mkdir -p "$ATC_HOME"
rm -f "$ATC_HOME"/jest-results*.json
code=0

echo "== typecheck and lint"
npx tsc --noEmit -p tsconfig.json || exit 1
npx eslint . || exit 1

# Sums the counts of the given runs' results (jest-results-<run>.json) into jest-results.json, which .ci/run reads;
# a run that wrote no results (jest crashed, the rig never came up) counts as one failed suite.
merge_results() {
  node -e '
    const fs = require("fs");
    const [out, ...files] = process.argv.slice(1);
    const runs = files.map((f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : { numRuntimeErrorTestSuites: 1, success: false }));
    const sum = (k) => runs.reduce((n, r) => n + (r[k] || 0), 0);
    const keys = ["numTotalTests", "numPassedTests", "numFailedTests", "numPendingTests", "numTodoTests", "numTotalTestSuites", "numPassedTestSuites", "numFailedTestSuites", "numRuntimeErrorTestSuites"];
    const merged = Object.fromEntries(keys.map((k) => [k, sum(k)]));
    merged.success = runs.length > 0 && runs.every((r) => r.success);
    merged.testResults = runs.flatMap((r) => r.testResults || []);
    fs.writeFileSync(out, JSON.stringify(merged));
  ' "$ATC_HOME/jest-results.json" "${@/#/$ATC_HOME/jest-results-}"
}

echo "== jest: unit (no rig, parallel)"
npx jest --ci --selectProjects unit --passWithNoTests --json --outputFile="$ATC_HOME/jest-results-unit.json" "$@" || code=1
merge_results unit.json

echo "== rig up (ATC_HOME=$ATC_HOME)"
trap 'rc=$?; [ "$rc" = 0 ] || code=$rc; echo "== rig down"; node bin/atc rig down || code=1; merge_results unit.json integration.json; exit $code' EXIT
node bin/atc rig up || { code=3; exit 3; }
node bin/atc rig status || true

echo "== jest: integration (the rig, in band)"
npx jest --ci --selectProjects integration --runInBand --passWithNoTests --json --outputFile="$ATC_HOME/jest-results-integration.json" "$@" || code=1
