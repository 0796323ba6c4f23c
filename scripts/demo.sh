#!/usr/bin/env bash
# make demo: bring the rig up, start the service, run the smoke runbook, print the result and where to look.
set -euo pipefail
cd "$(dirname "$0")/.."
node bin/atc rig up
echo
code=0
node bin/atc run rig-smoke --env paper --follow || code=$?
echo
node bin/atc rig status || true
ui=$(node -e "console.log(require('./dist/client/rig/state').readRigState().ports.temporalUi)")
echo
echo "Temporal Web UI: http://127.0.0.1:${ui}"
echo "The rig and the atc-ops service keep running. Try: npx atc list, npx atc sim fault live_connector stall"
echo "Stop everything with: npx atc rig down"
exit $code
