/** CLI entry of the daily-check runbook: `atc run daily-check --env <env> [--only s1,s2]`; exit 0 for OK/WARN, 1 for FAIL/UNKNOWN. */
import { renderDailyCheckReport } from './report';
import { dailyCheckFailed, dailyCheckInput, type DailyCheckResult } from './contract';
import { stamp, str, type RunbookEntry } from '../shared/cli';

export const dailyCheckEntry: RunbookEntry = {
  summary: 'the on-call check: system, feed, bots, drift, alerts; a Markdown report',
  flags: {
    env: { type: 'string', value: 'E', required: true, help: 'the environment to check' },
    only: {
      type: 'string',
      value: 'S1,S2',
      help: 're-check some of system,feed,bots,drift,alerts (default: all five)',
    },
    as: { type: 'string', value: 'who', help: 'who asks' },
  },
  workflowType: 'dailyCheck',
  input: dailyCheckInput,
  // --env is required: no silent default. --only feed,system re-checks some sections (absent: all five).
  fromFlags: (f) => ({
    environment: str(f.env),
    requestedBy: str(f.as),
    sections: str(f.only)
      ?.split(',')
      .map((s) => s.trim()),
  }),
  workflowId: (i, now) => `daily-check-${String(i.environment)}-${stamp(now)}`,
  failed: (r) => dailyCheckFailed(r as DailyCheckResult),
  render: (r) => {
    const res = r as DailyCheckResult;
    const markdown = res.markdown ?? renderDailyCheckReport(res);
    const tail = [`report: ${res.reportPath}`, ...(res.notifyError ? [`notification FAILED: ${res.notifyError}`] : [])];
    return `${markdown}\n${tail.join('\n')}`;
  },
};
