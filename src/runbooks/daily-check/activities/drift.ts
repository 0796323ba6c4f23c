/**
 * ML drift section: the latest PSI report per feature (trading.drift_reports) exists, is fresh and within the
 * thresholds — a missing or stale report is WARN, never OK; and no retrain run (mlflow: tag atc.retrain=true)
 * is RUNNING without the approval tag atc.approved_by.
 */
import { errorMessage } from '../../../errors';
import type { ActivityDeps } from '../../shared/deps';
import { describeLimits, evidence, grade, timedSection, unknownItem } from './probe';
import { worstStatus, type CheckItem, type CheckSection, type CheckStatus } from '../contract';

export const DRIFT_SQL = `WITH RECURSIVE names AS (
  SELECT min(name) AS name FROM features
  UNION ALL SELECT (SELECT min(name) FROM features WHERE name > names.name) FROM names WHERE names.name IS NOT NULL
), latest AS (
  SELECT DISTINCT ON (feature) feature, psi, created_at FROM drift_reports ORDER BY feature, created_at DESC
)
SELECT coalesce(n.name, l.feature) AS feature, l.psi, l.created_at, extract(epoch FROM now() - l.created_at) / 3600 AS age_hours
FROM (SELECT name FROM names WHERE name IS NOT NULL) n FULL JOIN latest l ON l.feature = n.name ORDER BY 1`;

export const UNAPPROVED_RETRAIN_SQL = `SELECT r.run_uuid, r.name, r.start_time FROM runs r
JOIN tags t ON t.run_uuid = r.run_uuid AND t.key = 'atc.retrain' AND t.value = 'true'
WHERE r.status = 'RUNNING' AND r.lifecycle_stage = 'active'
  AND NOT EXISTS (SELECT 1 FROM tags a WHERE a.run_uuid = r.run_uuid AND a.key = 'atc.approved_by' AND coalesce(a.value, '') <> '')
ORDER BY r.start_time`;

interface DriftRow {
  feature: string;
  psi: number | null;
  created_at: Date | null;
  age_hours: string | number | null;
}

export async function checkDriftSection(deps: ActivityDeps, environment: string): Promise<CheckSection> {
  return timedSection('drift', async () => {
    const [reports, retrain] = await Promise.all([driftItems(deps, environment), retrainItem(deps)]);
    return [...reports, retrain];
  });
}

async function driftItems(deps: ActivityDeps, environment: string): Promise<CheckItem[]> {
  const l = deps.config.environments[environment]!.limits;
  const limits = { warnAbove: l.driftPsiWarn, failAbove: l.driftPsiFail };
  const threshold = `PSI ${describeLimits(limits)}; report newer than ${l.driftMaxAgeHours} h (missing or older: warn)`;
  const call = `trading: ${DRIFT_SQL.replace(/\s+/g, ' ')}`;
  let rows: DriftRow[];
  try {
    rows = (await deps.sql.query<DriftRow>('trading', DRIFT_SQL)).rows;
  } catch (err) {
    return [unknownItem('drift report', threshold, [evidence('postgres', call, `error: ${errorMessage(err)}`)])];
  }
  if (rows.length === 0)
    return [
      {
        name: 'drift report',
        status: 'WARN',
        value: null,
        threshold,
        evidence: [evidence('postgres', call, 'no features and no drift report')],
      },
    ];
  return rows.map((r): CheckItem => {
    const ev = [
      evidence(
        'postgres',
        call,
        JSON.stringify({ feature: r.feature, psi: r.psi, created_at: r.created_at, age_hours: r.age_hours }),
      ),
    ];
    const name = `drift ${r.feature} PSI`;
    if (r.psi === null || r.created_at === null) return { name, status: 'WARN', value: null, threshold, evidence: ev };
    const age = Number(r.age_hours);
    const fresh: CheckStatus = age <= l.driftMaxAgeHours ? 'OK' : 'WARN';
    return { name, status: worstStatus([grade(r.psi, limits), fresh]), value: r.psi, threshold, evidence: ev };
  });
}

async function retrainItem(deps: ActivityDeps): Promise<CheckItem> {
  const name = 'retrain runs approved';
  const threshold = 'no RUNNING run tagged atc.retrain=true without atc.approved_by';
  const call = `mlflow: ${UNAPPROVED_RETRAIN_SQL.replace(/\s+/g, ' ')}`;
  try {
    const { rows } = await deps.sql.query<{ run_uuid: string; name: string | null }>('mlflow', UNAPPROVED_RETRAIN_SQL);
    const ev = [evidence('postgres', call, rows.length ? JSON.stringify(rows) : 'no rows')];
    return { name, status: rows.length ? 'FAIL' : 'OK', value: rows.length, threshold, evidence: ev };
  } catch (err) {
    return unknownItem(name, threshold, [evidence('postgres', call, `error: ${errorMessage(err)}`)]);
  }
}
