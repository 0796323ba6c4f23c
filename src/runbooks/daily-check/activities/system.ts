/**
 * System section (`docker ps`): every critical container of the environment exists and runs, is healthy where it
 * has a healthcheck, and its restart count has not risen since the previous check (restart-counts.json).
 */
import { servicesOf, type ServiceConfig } from '../../../config';
import { errorMessage } from '../../../errors';
import type { ContainerStatus } from '../../../integrations/docker';
import type { ActivityDeps } from '../../shared/deps';
import { evidence, timedSection, unknownItem } from './probe';
import { baselineFor, nextRecord, readRestartCounts, writeRestartCounts } from './restartCounts';
import type { CheckItem, CheckSection, Evidence } from '../contract';

let fileLock: Promise<unknown> = Promise.resolve(); // one read-modify-write of restart-counts.json at a time per process

export async function checkSystemSection(
  deps: ActivityDeps,
  environment: string,
  checkId: string,
): Promise<CheckSection> {
  return timedSection('system', async () => {
    const critical = servicesOf(deps.config, environment).filter((s) => s.critical);
    if (critical.length === 0) {
      const note = evidence('docker', `config services (critical, environment ${environment})`, 'none configured');
      return [
        {
          name: 'critical containers',
          status: 'OK',
          value: 0,
          threshold: 'no critical service configured',
          evidence: [note],
        },
      ];
    }
    const statuses = await Promise.all(critical.map((s) => inspect(deps, s)));
    const run = fileLock.then(() => restartItems(deps.config.dataDir, checkId, statuses));
    fileLock = run.catch(() => undefined);
    const restarts = await run;
    return statuses.flatMap((s, i) => [runningItem(s), restarts[i]!]);
  });
}

type Inspected = { service: ServiceConfig; call: string; status?: ContainerStatus; error?: string };

async function inspect(deps: ActivityDeps, service: ServiceConfig): Promise<Inspected> {
  const call = `docker inspect ${service.container}`;
  try {
    return { service, call, status: await deps.containers.status(service.container) };
  } catch (err) {
    return { service, call, error: errorMessage(err) };
  }
}

function describe(s: ContainerStatus): string {
  return JSON.stringify({
    exists: s.exists,
    state: s.state,
    running: s.running,
    health: s.health,
    restartCount: s.restartCount,
    exitCode: s.exitCode,
  });
}

function runningItem(i: Inspected): CheckItem {
  const name = `${i.service.name} container`;
  const threshold = 'running; healthy when it has a healthcheck';
  if (!i.status) return unknownItem(name, threshold, [evidence('docker', i.call, `error: ${i.error}`)]);
  const s = i.status;
  const ev = [evidence('docker', i.call, describe(s))];
  if (!s.exists) return { name, status: 'FAIL', value: 'missing', threshold, evidence: ev };
  if (!s.running) return { name, status: 'FAIL', value: s.state ?? 'stopped', threshold, evidence: ev };
  const status = s.health === 'unhealthy' ? 'FAIL' : s.health === 'starting' ? 'WARN' : 'OK';
  return { name, status, value: s.health === 'none' ? 'running' : `running (${s.health})`, threshold, evidence: ev };
}

async function restartItems(dataDir: string, checkId: string, inspected: Inspected[]): Promise<CheckItem[]> {
  const counts = await readRestartCounts(dataDir);
  const items = inspected.map((i): CheckItem => {
    const name = `${i.service.name} restarts`;
    const threshold = 'not rising since the previous check (rising: warn)';
    const s = i.status;
    if (!s?.exists || s.id === undefined || s.restartCount === undefined) {
      return unknownItem(name, threshold, [
        evidence('docker', i.call, i.error ? `error: ${i.error}` : 'no container to read a restart count from'),
      ]);
    }
    const base = baselineFor(counts[s.name], checkId);
    counts[s.name] = nextRecord(counts[s.name], checkId, s.id, s.restartCount);
    const ev: Evidence[] = [
      evidence(
        'docker',
        i.call,
        `RestartCount=${s.restartCount}; previous check: ${base ? `${base.count} (container ${base.containerId.slice(0, 12)})` : 'none'}`,
      ),
    ];
    const sameContainer = base?.containerId === s.id;
    const rising = sameContainer && s.restartCount > base.count;
    return { name, status: rising ? 'WARN' : 'OK', value: s.restartCount, threshold, evidence: ev };
  });
  try {
    await writeRestartCounts(dataDir, counts);
  } catch (err) {
    for (const item of items)
      item.evidence.push(evidence('docker', 'save restart-counts.json', `error: ${errorMessage(err)}`));
  }
  return items;
}
