/** Daily-check plumbing: the plan (bots, fail-safe flag), the Markdown report file, the summary notification. */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { servicesOf } from '../../../config';
import { BadInputError } from '../../../errors';
import type { Notification } from '../../../integrations/notifier';
import type { ActivityDeps } from '../../shared/deps';
import type { CheckStatus } from '../contract';

export interface DailyCheckPlan {
  environment: string;
  bots: string[];
  haltBotsOnFeedFailure: boolean;
}

export function dailyCheckPlan(deps: ActivityDeps, environment: string): DailyCheckPlan {
  const env = Object.prototype.hasOwnProperty.call(deps.config.environments, environment)
    ? deps.config.environments[environment]
    : undefined;
  if (!env)
    throw new BadInputError(
      `unknown environment ${JSON.stringify(environment)} (configured: ${Object.keys(deps.config.environments).join(', ')})`,
    );
  const bots = servicesOf(deps.config, environment, 'bot').map((s) => s.name);
  return { environment, bots, haltBotsOnFeedFailure: env.haltBotsOnFeedFailure };
}

export function reportFile(dataDir: string, workflowId: string): string {
  return path.join(dataDir, 'reports', 'daily-check', `${workflowId.replace(/[^A-Za-z0-9._-]/g, '_')}.md`);
}

/** Writes (overwrites) the report atomically; a retry writes the same bytes to the same place. */
export async function writeReport(dataDir: string, workflowId: string, markdown: string): Promise<string> {
  const file = reportFile(dataDir, workflowId);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, markdown);
  await rename(tmp, file);
  return file;
}

export interface DailyCheckSummary {
  environment: string;
  overall: CheckStatus;
  workflowId: string;
  text: string;
}

export const severityOf = (overall: CheckStatus): Notification['severity'] =>
  overall === 'OK' ? 'info' : overall === 'WARN' ? 'warning' : 'critical';

export async function notifySummary(deps: ActivityDeps, s: DailyCheckSummary): Promise<void> {
  await deps.notifier.notify({
    severity: severityOf(s.overall),
    title: `daily check ${s.environment}: ${s.overall}`,
    text: s.text,
    runbook: 'daily-check',
    workflowId: s.workflowId,
    environment: s.environment,
  });
}
