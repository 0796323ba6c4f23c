/** CLI entries of the backup, restore and restore-test runbooks. Exit 1 when a restore is refused or fails. */
import { userInfo } from 'node:os';
import type { RestoreTestResult } from './restoreTestWorkflow';
import type { BackupResult } from './workflow';
import type { RestoreResult } from './restoreWorkflow';
import { backupInput, restoreInput, restoreTestInput } from './contract';
import { stamp, str, type RunbookEntry } from '../shared/cli';

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const secs = (ms?: number) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);
const whoami = () => {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
};

export const backupEntry: RunbookEntry = {
  summary: 'pg_dump of one configured database into the catalogue, checked, then retention',
  flags: {
    env: { type: 'string', value: 'E', help: 'the environment (default: dev)' },
    database: { type: 'string', value: 'D', required: true, help: 'a key under `databases:` in the config' },
    as: { type: 'string', value: 'who', help: 'who asks' },
  },
  workflowType: 'backup',
  input: backupInput,
  fromFlags: (f) => ({ environment: str(f.env) ?? 'dev', database: str(f.database), requestedBy: str(f.as) }),
  workflowId: (i, now) => `backup-${String(i.database)}-${stamp(now)}`,
  failed: () => false, // a failed backup fails the workflow (exit 1 through the failure path)
  render: (r) => {
    const b = r as BackupResult;
    const lines = [
      `backup ${b.backupId}: OK — ${mb(b.dumpBytes)} ${b.format} dump of ${mb(b.databaseBytes)}, ${b.tables} tables, ${b.rows} rows, ${secs(b.durationMs)}`,
      `  sha256 ${b.sha256.join(', ')}`,
      `  retention removed: ${b.removedByRetention.join(', ') || 'none'}${b.retentionError ? ` (retention FAILED: ${b.retentionError})` : ''}`,
    ];
    return lines.join('\n');
  },
};

export const restoreEntry: RunbookEntry = {
  summary: 'a backup into a target database, checked row by row (two approvers over a protected database)',
  flags: {
    env: { type: 'string', value: 'E', help: 'the environment (default: dev)' },
    database: { type: 'string', value: 'D', required: true, help: 'whose backups, and which server' },
    backup: { type: 'string', value: '<id|latest>', help: 'the backup (default: latest)' },
    target: { type: 'string', value: 'DB', required: true, help: 'the database to restore into' },
    overwrite: { type: 'boolean', help: 'replace the target if it exists' },
    as: { type: 'string', value: 'who', help: 'who asks (default: the OS user)' },
  },
  workflowType: 'restore',
  input: restoreInput,
  fromFlags: (f) => ({
    environment: str(f.env) ?? 'dev',
    database: str(f.database),
    backup: str(f.backup) ?? 'latest',
    target: str(f.target),
    overwrite: f.overwrite === true,
    requestedBy: str(f.as) ?? whoami(),
  }),
  workflowId: (i, now) => `restore-${String(i.database)}-${stamp(now)}`,
  failed: (r) => (r as RestoreResult).outcome !== 'succeeded',
  render: (r) => {
    const x = r as RestoreResult;
    const head = `restore ${x.backupId ?? '?'} → ${JSON.stringify(x.target)}: ${x.outcome.toUpperCase()}${x.reason ? ` — ${x.reason}` : ''}`;
    const d = x.durations;
    const lines = [
      head,
      `  durations: verify backup ${secs(d.verifyBackupMs)}, restore ${secs(d.restoreMs)}, verify rows ${secs(d.verifyRowsMs)}, total ${secs(d.totalMs)}`,
    ];
    if (x.approvedBy.length) lines.push(`  approved by ${x.approvedBy.join(', ')}`);
    if (x.tables)
      lines.push(
        `  ${x.tables.length} tables, ${x.rows} rows${x.replaced ? ' (replaced the old database)' : ''}`,
        ...x.tables.map(
          (t) =>
            `    ${t.actual === t.expected ? 'ok  ' : 'DIFF'} ${t.table}: ${t.actual ?? 'missing'} / ${t.expected}`,
        ),
      );
    return lines.join('\n');
  },
};

export const restoreTestEntry: RunbookEntry = {
  summary: 'restores the latest backups into scratch databases and counts the rows (the monthly Schedule)',
  flags: {
    env: { type: 'string', value: 'E', help: 'the environment (default: dev)' },
    database: { type: 'string', value: 'D1,D2', help: 'the databases (default: every configured database)' },
    as: { type: 'string', value: 'who', help: 'who asks' },
  },
  workflowType: 'restoreTest',
  input: restoreTestInput,
  fromFlags: (f) => ({
    environment: str(f.env) ?? 'dev',
    databases: str(f.database)
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    requestedBy: str(f.as),
  }),
  workflowId: (i, now) => `restore-test-${String(i.environment)}-${stamp(now)}`,
  failed: (r) => !(r as RestoreTestResult).ok,
  render: (r) => {
    const x = r as RestoreTestResult;
    const lines = [`restore-test: ${x.ok ? 'PASSED' : 'FAILED'}`];
    for (const d of x.databases) {
      lines.push(
        `  ${d.ok ? 'OK  ' : 'FAIL'} ${d.database}: ${d.backupId ?? 'no backup'}${d.rows !== undefined ? `, ${d.tables?.length} tables, ${d.rows} rows` : ''}, restore ${secs(d.durations.restoreMs)}, scratch ${d.dropped ? 'dropped' : d.scratch ? 'NOT DROPPED' : 'none'}${d.reason ? ` — ${d.reason}` : ''}`,
      );
    }
    if (x.reportFiles) lines.push(`  report: ${x.reportFiles.markdown}`);
    if (x.incidentId) lines.push(`  incident opened: ${x.incidentId}`);
    return lines.join('\n');
  },
};
