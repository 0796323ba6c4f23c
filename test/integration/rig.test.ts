/** The rig's real parts, the smoke runbook through `atc run`, and the same workflow started by the `temporal` CLI. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { activeTargets, jobsNotScraped, rigScrapeJobs, waitTargetsScraped } from '../../src/client/rig/monitoring';
import { findTemporalCli } from '../../src/client/rig/temporal';
import type { RigSmokeResult } from '../../src/runbooks/rig-smoke/contract';
import { atc } from '../support/cli';
import { REPO_ROOT } from '../support/paths';
import { rigState } from '../support/rig';
import { waitFor } from '../support/waitFor';

const execFileAsync = promisify(execFile);

test('rig status: every part up, with the versions of the real parts used by these tests', async () => {
  const r = await atc(['rig', 'status', '--json']);
  const status = JSON.parse(r.stdout) as {
    up: boolean;
    parts: { part: string; ready: boolean }[];
    versions: Record<string, string>;
  };
  process.stdout.write(
    `versions used by the integration tests:\n${Object.entries(status.versions)
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n')}\n`,
  );
  expect(status.parts.filter((p) => !p.ready)).toEqual([]);
  expect(r.code).toBe(0);
  expect(status.versions.temporal).toMatch(/^temporal version \d/);
  expect(status.versions.dockerd).toMatch(/^dockerd \d+\.\d+/);
  expect(status.versions.prometheus).toMatch(/^prometheus, version 2\./);
  expect(status.versions.alertmanager).toMatch(/^alertmanager, version 0\./);
  expect(status.versions.postgres).toMatch(/PostgreSQL\) 15\./);
});

test('rig up is ready only once Prometheus has scraped every target; a target not up is named', async () => {
  const url = `http://127.0.0.1:${rigState().ports.prometheus}`;
  const jobs = rigScrapeJobs(rigState());
  await expect(waitTargetsScraped(url, jobs, 30_000)).resolves.toBeUndefined(); // a test before may have restarted one
  expect(jobsNotScraped(await activeTargets(url), ['prometheus'])).toEqual([]);
  expect(jobsNotScraped([], ['prometheus'])).toEqual(['prometheus (no active target)']); // an empty list is not ready
  const never = {
    job: 'bot_x',
    instance: '127.0.0.1:1',
    health: 'unknown',
    lastScrape: '0001-01-01T00:00:00Z',
    lastError: '',
  };
  expect(jobsNotScraped([never], ['bot_x'])).toEqual(['bot_x 127.0.0.1:1 (unknown)']);
  await expect(waitTargetsScraped(url, [...jobs, 'no_such_job'], 600)).rejects.toThrow(
    /after 1 s; not up: no_such_job \(no active target\)$/,
  );
});

test('`atc run rig-smoke` touches every integration for real and succeeds', async () => {
  const r = await atc(['run', 'rig-smoke', '--env', 'paper', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const result = JSON.parse(r.stdout) as RigSmokeResult;
  expect(result.ok).toBe(true);
  const byCheck = Object.fromEntries(result.findings.map((f) => [f.check, f.detail]));
  expect(byCheck['docker: list containers']).toMatch(/3\/3 running/);
  expect(byCheck['prometheus: query up']).toMatch(/targets up/);
  expect(byCheck['postgres: select from trading']).toMatch(/trading\.bars: \d+ rows/);
  expect(byCheck['bot control: bot_paper state']).toMatch(/mode=paper/);
});

/** Starts rig-smoke with the `temporal` CLI itself (as an operator would from a shell), with JSON input. */
async function startRigSmokeWithTemporalCli(id: string, input: string, extra: string[] = []): Promise<void> {
  const cli = await findTemporalCli(REPO_ROOT);
  const address = `127.0.0.1:${rigState().ports.temporal}`;
  const args = ['workflow', 'start', '--address', address, '--task-queue', 'atc-ops', '--type', 'rigSmoke'];
  await execFileAsync(cli, [...args, '--workflow-id', id, '--input', input, ...extra]);
}

async function waitForResult(id: string): Promise<{ status: string; result?: RigSmokeResult; type: string }> {
  return waitFor(
    `${id} finished`,
    async () => {
      const shown = JSON.parse((await atc(['show', id, '--json'])).stdout) as {
        status: string;
        result?: RigSmokeResult;
        type: string;
      };
      return shown.status !== 'RUNNING' && shown;
    },
    { timeoutMs: 60_000, everyMs: 250 },
  );
}

test('a workflow started with the `temporal` CLI and JSON input runs the same as `atc run`', async () => {
  const id = `rig-smoke-temporal-cli-${Date.now()}`;
  await startRigSmokeWithTemporalCli(id, '{"environment":"paper"}', ['--search-attribute', 'AtcRunbook="rig-smoke"']);
  const viaTemporal = await waitForResult(id);
  const viaAtc = JSON.parse((await atc(['run', 'rig-smoke', '--env', 'paper', '--json'])).stdout) as RigSmokeResult;
  expect(viaTemporal.status).toBe('COMPLETED');
  expect(viaTemporal.type).toBe('rigSmoke');
  expect(viaTemporal.result?.ok).toBe(true);
  expect(viaTemporal.result?.findings.map((f) => [f.check, f.ok])).toEqual(viaAtc.findings.map((f) => [f.check, f.ok]));
  const listed = JSON.parse((await atc(['list', '--runbook', 'rig-smoke', '--json', '--limit', '50'])).stdout) as {
    workflowId: string;
  }[];
  expect(listed.map((w) => w.workflowId)).toContain(id);
});

test('bad JSON input from the `temporal` CLI fails the workflow with the reason', async () => {
  const id = `rig-smoke-bad-input-${Date.now()}`;
  await startRigSmokeWithTemporalCli(id, '{"environment":"Paper Trading","rounds":0}');
  const shown = await waitForResult(id);
  expect(shown.status).toBe('FAILED');
  const failure = (JSON.parse((await atc(['show', id, '--json'])).stdout) as { failure: string }).failure;
  expect(failure).toMatch(/invalid input: environment: .*rounds/);
});
