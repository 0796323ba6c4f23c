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

echo "== typecheck, lint and format"
npx tsc --noEmit -p tsconfig.json || exit 1
npx eslint . || exit 1
npx prettier --check src test || exit 1

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

# The integration files run on two rigs at once, each in band (files of one rig share it): most of their time is
# waiting (scrapes, health checks, alert rules), not CPU. Rig A takes the deploy crash matrix (the longest file) and
# the files listed here; rig B every other file, so a new file lands on B.
RIG_A="$ATC_HOME"
RIG_B="$ATC_HOME-b"
A_FILES='deployCrash|backupKill|cli|webhook|webhookRetry|incidentE2E|rig|service|integrations[A-Za-z]*|schedules'
A_PATTERN="test/integration/($A_FILES)\.test\.ts$"

rigs_down() {
  for home in "$RIG_A" "$RIG_B"; do echo "== rig down ($home)"; ATC_HOME="$home" node bin/atc rig down || code=1; done
}
echo "== rig up (A: $RIG_A, B: $RIG_B)"
trap 'rc=$?; [ "$rc" = 0 ] || code=$rc; rigs_down; merge_results unit.json integration-a.json integration-b.json; exit $code' EXIT
ATC_HOME="$RIG_A" node bin/atc rig up > "$RIG_A.rig-up.log" 2>&1 &
up_a=$!
mkdir -p "$RIG_B"
ATC_HOME="$RIG_B" node bin/atc rig up > "$RIG_B.rig-up.log" 2>&1 &
up_b=$!
wait $up_a || { cat "$RIG_A.rig-up.log"; code=3; exit 3; }
wait $up_b || { cat "$RIG_B.rig-up.log"; code=3; exit 3; }
cat "$RIG_A.rig-up.log"
ATC_HOME="$RIG_A" node bin/atc rig status || true

echo "== jest: integration on two rigs (each in band)"
integration() { # <rig home> <results name> <jest path options...>
  local home=$1 name=$2
  shift 2
  ATC_HOME="$home" npx jest --ci --selectProjects integration --runInBand --passWithNoTests --json \
    --outputFile="$ATC_HOME/jest-results-$name.json" "$@" > "$home.jest.log" 2>&1
}
integration "$RIG_A" integration-a --testPathPatterns "$A_PATTERN" "$@" &
jest_a=$!
integration "$RIG_B" integration-b --testPathIgnorePatterns "$A_PATTERN" "$@" &
jest_b=$!
wait $jest_a || code=1
wait $jest_b || code=1
for home in "$RIG_A" "$RIG_B"; do echo "== jest output ($home)"; cat "$home.jest.log"; done
