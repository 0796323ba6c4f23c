/** Determinism: saved histories of every workflow replay against today's code (Worker.runReplayHistories). */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from '@temporalio/worker';
import * as workflows from '../../src/runbooks/workflows';
import { bundlePath, REPO_ROOT } from '../support/paths';
import { quietRuntime } from './support/temporal';

const dir = path.join(REPO_ROOT, 'test', 'histories');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

test('every exported workflow has at least one saved history', () => {
  const covered = new Set(files.map((f) => f.split('-')[0]));
  expect(Object.keys(workflows).filter((w) => !covered.has(w))).toEqual([]);
});

test('saved histories replay without nondeterminism', async () => {
  quietRuntime();
  // Replay under the recorded workflow id: a workflow may derive ids from it (e.g. its child workflows' ids).
  const fileOf = new Map<string, string>();
  const histories = files.map((f) => {
    const history = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as {
      events?: { workflowExecutionStartedEventAttributes?: { workflowId?: string } }[];
    };
    const workflowId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId ?? f;
    fileOf.set(workflowId, f);
    return { workflowId, history: history as unknown };
  });
  const failures: string[] = [];
  let replayed = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath() } }, histories)) {
    replayed++;
    if (r.error) failures.push(`${fileOf.get(r.workflowId) ?? r.workflowId}: ${r.error.message}`);
  }
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
  expect(replayed).toBeGreaterThan(0);
});
