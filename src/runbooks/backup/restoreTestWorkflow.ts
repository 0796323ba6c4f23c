/**
 * restore-test (monthly Schedule): for each configured database (or the given ones), its latest backup →
 * verify checksums → restore into a scratch database atc_restore_test_<db>_<stamp> → exact row counts vs the
 * manifest → drop the scratch database (always: compensation in finally, non-cancellable) → report (Markdown +
 * JSON) → last success time per database (the metric). A failure notifies on-call (critical) and opens an incident.
 */
import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import type { RestoreTestDbResult, RestoreTestReport } from './activities/restoreTest';
import { failureText } from '../shared/failures';
import { restoreTestInput, type RestoreTestInput } from './contract';
import { incident } from '../incident/workflow';
import { setOutcome, StepLog, tagExecution, validateInput, workflowTimeMs } from '../shared/steps';
import { dropDatabase, restoreInto, shortAct, verifyBackup } from './restoreSteps';

export interface RestoreTestResult extends RestoreTestReport {
  reportFiles?: { markdown: string; json: string };
  incidentId?: string;
}

export const scratchName = (database: string, at: Date): string =>
  `atc_restore_test_${database.slice(0, 29)}_${at.toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase()}`;

async function testOne(steps: StepLog, database: string, scratch: string, jobs: number): Promise<RestoreTestDbResult> {
  const t0 = workflowTimeMs();
  const r: RestoreTestDbResult = { database, ok: false, dropped: false, durations: { totalMs: 0 }, finishedAt: '' };
  const done = (reason?: string) =>
    Object.assign(r, {
      ok: !reason,
      ...(reason ? { reason } : {}),
      finishedAt: new Date().toISOString(),
      durations: { ...r.durations, totalMs: workflowTimeMs() - t0 },
    });
  const resolved = await shortAct.restoreResolveBackup({ database, backup: 'latest' });
  steps.end(
    `${database}: latest backup`,
    resolved.ok ? 'ok' : 'failed',
    resolved.ok ? resolved.backupId : resolved.reason,
  );
  if (!resolved.ok) return done(resolved.reason);
  r.backupId = resolved.backupId;
  const verified = await verifyBackup(steps, resolved.backupId);
  r.durations.verifyBackupMs = verified.durationMs;
  if (verified.problems.length)
    return done(`backup ${resolved.backupId} failed verification: ${verified.problems.join('; ')}`);
  r.scratch = scratch;
  let reason: string | undefined;
  try {
    const ts = resolved.timescaleVersion;
    const { restoreMs, check } = await restoreInto(steps, {
      database,
      backupId: resolved.backupId,
      name: scratch,
      timescaleVersion: ts,
      jobs: ts ? 1 : jobs,
    });
    Object.assign(r, { tables: check.tables, rows: check.rows });
    Object.assign(r.durations, { restoreMs, verifyRowsMs: check.durationMs });
    if (!check.ok)
      reason = `row counts differ from the manifest: ${check.tables
        .filter((t) => t.actual !== t.expected)
        .map((t) => `${t.table} ${t.actual ?? 'missing'}/${t.expected}`)
        .join(', ')}`;
  } catch (err) {
    reason = failureText(err);
  } finally {
    const drop = await dropDatabase(steps, database, scratch);
    r.dropped = drop.dropped;
    if (!drop.dropped)
      reason = `${reason ? `${reason}; ` : ''}scratch database ${scratch} could not be dropped: ${drop.error}`;
  }
  return done(reason);
}

export async function restoreTest(raw: RestoreTestInput): Promise<RestoreTestResult> {
  const input = validateInput(restoreTestInput, raw);
  tagExecution('restore-test', input.environment);
  const steps = new StepLog('restore-test');
  const { workflowId } = workflowInfo();
  const startedAt = new Date().toISOString();
  const databases = await steps.step(
    'databases',
    () => shortAct.restoreTestTargets(input.databases),
    (d) => d.join(', '),
  );
  const jobs = await shortAct.restoreTestJobs();
  const results: RestoreTestDbResult[] = [];
  for (const database of databases)
    results.push(await testOne(steps, database, scratchName(database, new Date()), jobs));
  const report: RestoreTestResult = {
    workflowId,
    environment: input.environment,
    ok: results.length > 0 && results.every((d) => d.ok),
    startedAt,
    finishedAt: new Date().toISOString(),
    databases: results,
  };
  report.reportFiles = await steps.step(
    'report',
    () => shortAct.restoreTestWriteReport(report),
    (f) => f.markdown,
  );
  await steps.step('record last success', () =>
    shortAct.restoreTestRecord({
      workflowId,
      runs: results.map((d) => ({
        database: d.database,
        ok: d.ok,
        at: d.finishedAt,
        backupId: d.backupId,
        reason: d.reason,
      })),
    }),
  );
  if (!report.ok) {
    const failed = results.filter((d) => !d.ok);
    const title = `restore test failed: ${failed.map((d) => d.database).join(', ') || 'no database configured'}`;
    const summary =
      failed
        .map((d) => `${d.database}: ${d.reason}`)
        .join('\n')
        .slice(0, 1900) || 'no database to test';
    await steps.step('notify on-call', () =>
      shortAct.backupNotify({
        severity: 'critical',
        title,
        text: summary,
        runbook: 'restore-test',
        workflowId,
        environment: input.environment,
      }),
    );
    report.incidentId = await steps.step('open incident', async () => {
      const child = await startChild(incident, {
        workflowId: `incident-${input.environment}-restore-test-${workflowId}`.slice(0, 200),
        args: [{ source: 'manual', environment: input.environment, severity: 'critical', title, summary }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
      return child.workflowId;
    });
  }
  setOutcome(report.ok ? 'succeeded' : 'failed');
  steps.finish();
  return report;
}
