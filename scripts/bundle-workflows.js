#!/usr/bin/env node
// Part of `npm run build`: bundles dist/runbooks/workflows.js once into dist/workflow-bundle.js, which `atc serve` loads
// instead of bundling at every start (seconds each time on a 2-core machine).
'use strict';
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const { bundleWorkflowCode } = require('@temporalio/worker');

const dist = path.resolve(__dirname, '..', 'dist');
const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m) => process.stderr.write(`${m}\n`) };
bundleWorkflowCode({ workflowsPath: path.join(dist, 'runbooks', 'workflows.js'), logger: quiet }).then(
  ({ code }) => writeFileSync(path.join(dist, 'workflow-bundle.js'), code),
  (err) => {
    process.stderr.write(`bundling workflows failed: ${err.stack || err}\n`);
    process.exit(1);
  },
);
