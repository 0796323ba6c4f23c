/** CLI entry of the rig-smoke runbook. */
import { rigSmokeInput } from './contract';
import type { RigSmokeResult } from './contract';
import { stamp, str, type RunbookEntry } from '../shared/cli';

export const rigSmokeEntry: RunbookEntry = {
  summary: 'proves every part of the rig answers (containers, Prometheus, Alertmanager, PostgreSQL, bots)',
  flags: {
    env: { type: 'string', value: 'E', help: 'the environment (default: paper)' },
    as: { type: 'string', value: 'who', help: 'who asks' },
  },
  workflowType: 'rigSmoke',
  input: rigSmokeInput,
  fromFlags: (f) => ({ environment: str(f.env) ?? 'paper', requestedBy: str(f.as) }),
  workflowId: (i, now) => `rig-smoke-${String(i.environment)}-${stamp(now)}`,
  failed: (r) => !(r as RigSmokeResult).ok,
  render: (r) => {
    const res = r as RigSmokeResult;
    const lines = res.findings.map((f) => `  ${f.ok ? 'OK  ' : 'FAIL'} ${f.check}: ${f.detail}`);
    return [`rig-smoke (${res.environment}): ${res.ok ? 'OK' : 'FAILED'}`, ...lines].join('\n');
  },
};
