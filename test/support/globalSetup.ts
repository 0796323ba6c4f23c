/** Bundles the workflows once per test run (bundling per test costs seconds); tests load the bundle by path. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundlePath } from './paths';

// eslint-disable-next-line no-restricted-syntax -- jest loads a default export
export default async function globalSetup(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../../src/runbooks/workflows.ts'),
    logger: quietLogger,
  });
  mkdirSync(path.dirname(bundlePath()), { recursive: true });
  writeFileSync(bundlePath(), code);
}

const noop = () => undefined;
const quietLogger = {
  log: noop,
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (m: string) => process.stderr.write(`${m}\n`),
};
