/**
 * The layout's import rules (eslint.config.mjs, plugin `layout`) fail `make check`: each case lints a real file of
 * the tree with one offending import added (eslint --stdin under the file's own path) and expects that rule's message.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

const ESLINT = path.join(REPO_ROOT, 'node_modules', '.bin', 'eslint');

function lintWith(file: string, extra: string): Promise<{ code: number; out: string }> {
  const text = `${extra}\n${readFileSync(path.join(REPO_ROOT, file), 'utf8')}`;
  return new Promise((resolve) => {
    const child = execFile(ESLINT, ['--no-warn-ignored', '--stdin', '--stdin-filename', file], { cwd: REPO_ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 99) : 0, out: `${stdout}${stderr}` });
    });
    child.stdin?.end(text);
  });
}

const cases: [string, string, string, RegExp][] = [
  ['a workflow imports an activity value', 'src/runbooks/bot-halt/workflow.ts', "import { BOT_POLL_MS } from './activities';\nexport const pollMs = BOT_POLL_MS;", /workflow code imports a value from activity code \('\.\/activities'\)/],
  ['a workflow imports the config', 'src/runbooks/deploy/change.ts', "import { loadConfig } from '../../config';\nexport const load = loadConfig;", /workflow code must not import '\.\.\/\.\.\/config'/],
  ['a runbook imports another past its contract', 'src/runbooks/bot-resume/steps.ts', "import type { BotWait } from '../bot-halt/activities';\nexport type W = BotWait;", /only through its contract\.ts/],
  ['an integration imports Temporal', 'src/integrations/http.ts', "import { Connection } from '@temporalio/client';\nexport const c = Connection;", /integrations know neither Temporal/],
  ['an integration imports a client module', 'src/integrations/docker.ts', "import { main } from '../client/cli';\nexport const m = main;", /integrations know neither Temporal/],
];

test.each(cases)('%s → make check fails with the rule', async (_name, file, extra, message) => {
  const { code, out } = await lintWith(file, extra);
  expect(out).toMatch(message);
  expect(code).toBe(1);
});

test('the same files as they are pass', async () => {
  const { code, out } = await lintWith('src/runbooks/bot-halt/workflow.ts', '');
  expect(out).toBe('');
  expect(code).toBe(0);
});
