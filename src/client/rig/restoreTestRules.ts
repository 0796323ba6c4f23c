/**
 * Prometheus rules for the monthly restore test (metric served by atc-ops: atc_restore_test_last_success_timestamp_seconds).
 * RestoreTestStale: the last success of a database is older than 35 days. RestoreTestNeverSucceeded: a configured
 * database has no sample at all (never succeeded, or the state file is gone) for 35 days in a row — the `for`
 * gives a new installation the same grace period as the staleness threshold.
 */
export const RESTORE_TEST_MAX_AGE_DAYS = 35;

export function restoreTestRuleGroup(databases: string[]): unknown {
  const maxAge = `${RESTORE_TEST_MAX_AGE_DAYS} * 86400`;
  const metric = 'atc_restore_test_last_success_timestamp_seconds';
  return {
    name: 'atc-ops-restore-test',
    interval: '5s',
    rules: [
      {
        alert: 'RestoreTestStale',
        expr: `time() - max by (job, service, database) (${metric}) > ${maxAge}`,
        for: '1m',
        labels: { severity: 'warning' },
        annotations: {
          summary: `No successful restore test of {{ $labels.database }} for more than ${RESTORE_TEST_MAX_AGE_DAYS} days (run: atc run restore-test)`,
        },
      },
      ...databases.map((database) => ({
        alert: 'RestoreTestNeverSucceeded',
        expr: `absent(${metric}{database=${JSON.stringify(database)}})`,
        for: `${RESTORE_TEST_MAX_AGE_DAYS * 24}h`,
        labels: { severity: 'warning', database },
        annotations: {
          summary: `No successful restore test of ${database} on record for ${RESTORE_TEST_MAX_AGE_DAYS} days (run: atc run restore-test)`,
        },
      })),
    ],
  };
}
