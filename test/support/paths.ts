/** Where the test run keeps its files: the rig of `make test` lives in ATC_HOME (default .atc/test). */
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export function testHome(): string {
  return process.env.ATC_HOME ?? path.join(REPO_ROOT, '.atc', 'test');
}
export function bundlePath(): string {
  return path.join(testHome(), 'workflow-bundle.js');
}
