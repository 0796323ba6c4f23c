/**
 * The layout's import rules (eslint.config.mjs, plugin `layout`) fail `make check`: each case lints a real file of
 * the tree with one offending import added (ESLint's lintText under the file's own path, all in one process) and
 * expects that rule's message.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/paths';

const LINT_TEXT = path.join(REPO_ROOT, 'test', 'support', 'lintText.mjs');

interface LintResult {
  file: string;
  errorCount: number;
  messages: string[];
}

/** Lints each file's text with `extra` added at its top, all in one ESLint process. */
function lintAll(items: { file: string; extra: string }[]): Promise<LintResult[]> {
  const input = items.map(({ file, extra }) => ({
    file,
    text: `${extra}\n${readFileSync(path.join(REPO_ROOT, file), 'utf8')}`,
  }));
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [LINT_TEXT],
      { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as LintResult[]),
    );
    child.stdin?.end(JSON.stringify(input));
  });
}

const cases: [string, string, string, RegExp][] = [
  [
    'a workflow imports an activity value',
    'src/runbooks/bot-halt/workflow.ts',
    "import { BOT_POLL_MS } from './activities';\nexport const pollMs = BOT_POLL_MS;",
    /workflow code imports a value from activity code \('\.\/activities'\)/,
  ],
  [
    'a workflow imports the config',
    'src/runbooks/deploy/change.ts',
    "import { loadConfig } from '../../config';\nexport const load = loadConfig;",
    /workflow code must not import '\.\.\/\.\.\/config'/,
  ],
  [
    'a runbook imports another past its contract',
    'src/runbooks/bot-resume/steps.ts',
    "import type { BotWait } from '../bot-halt/activities';\nexport type W = BotWait;",
    /only through its contract\.ts/,
  ],
  [
    'an integration imports Temporal',
    'src/integrations/http.ts',
    "import { Connection } from '@temporalio/client';\nexport const c = Connection;",
    /integrations know neither Temporal/,
  ],
  [
    'an integration imports a client module',
    'src/integrations/docker.ts',
    "import { main } from '../client/cli';\nexport const m = main;",
    /integrations know neither Temporal/,
  ],
];

let results: LintResult[] = [];
beforeAll(async () => {
  results = await lintAll([
    ...cases.map(([, file, extra]) => ({ file, extra })),
    { file: 'src/runbooks/bot-halt/workflow.ts', extra: '' },
  ]);
}, 120_000);

test.each(cases.map((c, i) => [...c, i] as const))(
  '%s → make check fails with the rule',
  (_name, _file, _extra, message, i) => {
    const r = results[i]!;
    expect(r.messages.join('\n')).toMatch(message);
    expect(r.errorCount).toBeGreaterThan(0);
  },
);

test('the same file as it is passes', () => {
  const r = results[cases.length]!;
  expect(r.messages).toEqual([]);
  expect(r.errorCount).toBe(0);
});
