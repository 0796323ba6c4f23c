/** CLI entry of the daily-check runbook: `atc run daily-check --env <env>`; exit 0 for OK/WARN, 1 for FAIL/UNKNOWN. */
import { renderDailyCheckReport } from '../../workflows/dailyCheckReport';
import { dailyCheckFailed, dailyCheckInput, type DailyCheckResult } from '../../workflows/dailyCheckTypes';
import { stamp, str, type RunbookEntry } from './entry';

export const dailyCheckEntry: RunbookEntry = {
  workflowType: 'dailyCheck',
  input: dailyCheckInput,
  fromFlags: (f) => ({ environment: str(f.env), requestedBy: str(f.as) }), // --env is required: no silent default
  workflowId: (i, now) => `daily-check-${String(i.environment)}-${stamp(now)}`,
  failed: (r) => dailyCheckFailed(r as DailyCheckResult),
  render: (r) => {
    const res = r as DailyCheckResult;
    const markdown = res.markdown ?? renderDailyCheckReport(res);
    const tail = [`report: ${res.reportPath}`, ...(res.notifyError ? [`notification FAILED: ${res.notifyError}`] : [])];
    return `${markdown}\n${tail.join('\n')}`;
  },
};
