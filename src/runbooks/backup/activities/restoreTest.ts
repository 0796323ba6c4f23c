/** Activities of the restore-test runbook: which databases, the report (Markdown + JSON), the last-success state. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ActivityDeps } from '../../shared/deps';
import { reportsDir, restoreTestStateFile } from '../config';
import { BadInputError } from '../../../errors';
import { recordRestoreTestRuns, type RestoreTestRun } from '../../../integrations/restoreTestState';

export interface RestoreTestDbResult {
  database: string;
  ok: boolean;
  backupId?: string;
  scratch?: string;
  reason?: string; // why it failed
  tables?: { table: string; expected: number; actual: number | null }[];
  rows?: number;
  dropped: boolean; // the scratch database is gone
  durations: { verifyBackupMs?: number; restoreMs?: number; verifyRowsMs?: number; totalMs: number };
  finishedAt: string;
}
export interface RestoreTestReport {
  workflowId: string;
  environment: string;
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  databases: RestoreTestDbResult[];
}

export function renderRestoreTestMarkdown(r: RestoreTestReport): string {
  const lines = [
    `# Restore test ${r.ok ? 'PASSED' : 'FAILED'}`,
    '',
    `- workflow: \`${r.workflowId}\`  environment: ${r.environment}`,
    `- started ${r.startedAt}, finished ${r.finishedAt}`,
    '',
    '| database | result | backup | tables | rows | restore s | verify s | scratch dropped | reason |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const d of r.databases) {
    const s = (ms?: number) => (ms === undefined ? '' : (ms / 1000).toFixed(1));
    lines.push(
      `| ${d.database} | ${d.ok ? 'OK' : 'FAIL'} | ${d.backupId ?? '—'} | ${d.tables?.length ?? ''} | ${d.rows ?? ''} | ${s(d.durations.restoreMs)} | ${s(d.durations.verifyRowsMs)} | ${d.dropped ? 'yes' : 'NO'} | ${(d.reason ?? '').replace(/\|/g, '\\|')} |`,
    );
  }
  for (const d of r.databases.filter((x) => x.tables?.some((t) => t.actual !== t.expected))) {
    lines.push('', `## ${d.database}: row count mismatches`, '', '| table | manifest | restored |', '|---|---|---|');
    for (const t of d.tables!.filter((x) => x.actual !== x.expected))
      lines.push(`| ${t.table} | ${t.expected} | ${t.actual ?? 'missing'} |`);
  }
  return `${lines.join('\n')}\n`;
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

async function writeAtomic(file: string, text: string): Promise<void> {
  await writeFile(`${file}.tmp`, text);
  await rename(`${file}.tmp`, file);
}

export function createRestoreTestActivities(deps: ActivityDeps) {
  return {
    /** The databases to test: the requested ones (each must be configured) or every configured one. */
    async restoreTestTargets(requested?: string[]): Promise<string[]> {
      const configured = Object.keys(deps.config.databases).sort();
      if (!requested?.length) return configured;
      const unknown = requested.filter((d) => !configured.includes(d));
      if (unknown.length)
        throw new BadInputError(
          `unknown database(s) ${unknown.join(', ')} (configured: ${configured.join(', ') || 'none'})`,
        );
      return requested;
    },

    async restoreTestJobs(): Promise<number> {
      return deps.config.backups.restoreJobs;
    },

    async restoreTestWriteReport(report: RestoreTestReport): Promise<{ markdown: string; json: string }> {
      const dir = reportsDir(deps.config);
      await mkdir(dir, { recursive: true });
      const base = path.join(dir, safeName(report.workflowId));
      await writeAtomic(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
      await writeAtomic(`${base}.md`, renderRestoreTestMarkdown(report));
      return { markdown: `${base}.md`, json: `${base}.json` };
    },

    async restoreTestRecord(input: { workflowId: string; runs: RestoreTestRun[] }): Promise<void> {
      await recordRestoreTestRuns(restoreTestStateFile(deps.config), input.workflowId, input.runs);
    },
  };
}
