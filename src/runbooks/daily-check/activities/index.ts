/** createCheckActivities(deps): the five on-call check sections and the daily-check plumbing around them. */
import type { ActivityDeps } from '../../shared/deps';
import { checkAlertsSection } from './alerts';
import { checkBotsSection } from './bots';
import { checkDriftSection } from './drift';
import { checkFeedSection } from './feed';
import { dailyCheckPlan, notifySummary, writeReport, type DailyCheckPlan, type DailyCheckSummary } from './report';
import { checkSystemSection } from './system';
import type { CheckSection } from '../contract';

export function createCheckActivities(deps: ActivityDeps) {
  return {
    /** `checkId` (the calling workflow's id) keeps the restart-count baseline stable across retries. */
    checkSystem: (environment: string, checkId: string): Promise<CheckSection> =>
      checkSystemSection(deps, environment, checkId),
    checkFeed: (environment: string): Promise<CheckSection> => checkFeedSection(deps, environment),
    checkBots: (environment: string): Promise<CheckSection> => checkBotsSection(deps, environment),
    checkDrift: (environment: string): Promise<CheckSection> => checkDriftSection(deps, environment),
    checkAlerts: (environment: string): Promise<CheckSection> => checkAlertsSection(deps, environment),
    dailyCheckPlan: async (environment: string): Promise<DailyCheckPlan> => dailyCheckPlan(deps, environment),
    writeDailyCheckReport: (workflowId: string, markdown: string): Promise<string> =>
      writeReport(deps.config.dataDir, workflowId, markdown),
    notifyDailyCheck: (summary: DailyCheckSummary): Promise<void> => notifySummary(deps, summary),
  };
}
