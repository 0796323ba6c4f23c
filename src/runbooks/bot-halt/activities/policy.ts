/**
 * What the bot runbooks read from config and from the world before they act: the bot's target (container,
 * timeouts, approvers), open critical alerts and running critical incidents of its environment, and notifications.
 */
import { durationMs, type AtcConfig, type ServiceConfig } from '../../../config';
import { BadInputError } from '../../../errors';
import type { Notification } from '../../../integrations/notifier';
import type { ActivityDeps } from '../../shared/deps';
import type { OpenExecution } from '../../shared/visibility';

export interface BotTarget {
  environment: string;
  service: string;
  container: string;
  haltConfirmTimeoutMs: number;
  requireApproval: boolean;
  approvers: string[];
  approvalTimeoutMs: number;
}

export interface OpenAlertSummary {
  alertname: string;
  service?: string;
  fingerprint: string;
  startsAt: string;
}
export interface CriticalAlerts {
  open: OpenAlertSummary[];
  ignored: OpenAlertSummary[]; // the bot's own TargetDown while its container is stopped: resume repairs exactly that
  call: string;
}

/** The alert that a stopped bot container raises by itself; it does not block that bot's resume. */
export const OWN_TARGET_DOWN_ALERT = 'TargetDown';

export function resolveBot(config: AtcConfig, service: string, environment?: string): ServiceConfig {
  const bot = config.services.find((s) => s.name === service && s.role === 'bot');
  if (!bot?.controlUrl) throw new BadInputError(`no bot named ${service} in the config`);
  if (environment && !bot.environments.includes(environment)) {
    throw new BadInputError(
      `bot ${service} does not run in environment ${environment} (it runs in ${bot.environments.join(', ')})`,
    );
  }
  return bot;
}

const summary = (a: { fingerprint: string; startsAt: string; labels: Record<string, string> }): OpenAlertSummary => ({
  alertname: a.labels.alertname ?? '?',
  service: a.labels.service,
  fingerprint: a.fingerprint,
  startsAt: a.startsAt,
});

export function createBotPolicyActivities(deps: ActivityDeps) {
  return {
    async botTarget(environment: string, service: string): Promise<BotTarget> {
      const bot = resolveBot(deps.config, service, environment);
      const env = deps.config.environments[environment];
      if (!env) throw new BadInputError(`unknown environment ${environment}`);
      return {
        environment,
        service,
        container: bot.container,
        haltConfirmTimeoutMs: durationMs(env.haltConfirmTimeout),
        requireApproval: env.requireApproval,
        approvers: env.approvers,
        approvalTimeoutMs: durationMs(env.approvalTimeout),
      };
    },

    /** Active, unsilenced, uninhibited alerts with severity=critical and environment=<env>. */
    async botCriticalAlerts(environment: string, service: string): Promise<CriticalAlerts> {
      const filter = ['severity="critical"', `environment="${environment}"`];
      const alerts = await deps.alerts.listAlerts({ active: true, silenced: false, inhibited: false, filter });
      const active = alerts.filter((a) => a.state !== 'suppressed' && a.silencedBy.length === 0).map(summary);
      const container = await deps.containers.status(resolveBot(deps.config, service).container);
      const isOwnDown = (a: OpenAlertSummary) =>
        !container.running && a.alertname === OWN_TARGET_DOWN_ALERT && a.service === service;
      return {
        open: active.filter((a) => !isOwnDown(a)),
        ignored: active.filter(isOwnDown),
        call: `GET /api/v2/alerts?active=true&silenced=false&inhibited=false&filter=${filter.join('&filter=')}`,
      };
    },

    botCriticalIncidents: (environment: string): Promise<OpenExecution[]> =>
      deps.running.running('incident', { environment, severity: 'critical' }),

    notifyBotEvent: (n: Notification): Promise<void> => deps.notifier.notify(n),
  };
}
