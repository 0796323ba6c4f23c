/** Matching alert labels against the configured playbook rules, and turning a match into concrete actions. */
import type { AtcConfig } from '../../../config';
import type { PlaybookRule } from '../config';

export type PlannedKind = 'halt-bot' | 'restart-container' | 'notify' | 'skip';
export interface PlannedAction {
  key: string; // kind:target — an incident does each key at most once
  kind: PlannedKind;
  target: string;
  rule: string;
  reason: string; // what the alert said, for the halt reason / notification
  detail?: string; // why a 'skip' was skipped
  bot?: string; // restart-container of a bot's container: the bot, halted again after the restart (never resumed)
  environment?: string; // halt-bot: the bot's environment when it is not the incident's (absent: the incident's)
}
export interface AlertToPlan {
  fingerprint: string;
  labels: Record<string, string>;
  summary?: string;
}

const regexCache = new Map<string, RegExp>();
function anchored(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) regexCache.set(source, (re = new RegExp(`^(?:${source})$`)));
  return re;
}

/** One matcher: value, =value, !=value, =~regex, !~regex; a missing label matches as the empty string (as in Prometheus). */
export function labelMatches(spec: string, value: string | undefined): boolean {
  const v = value ?? '';
  if (spec.startsWith('=~')) return anchored(spec.slice(2)).test(v);
  if (spec.startsWith('!~')) return !anchored(spec.slice(2)).test(v);
  if (spec.startsWith('!=')) return v !== spec.slice(2);
  if (spec.startsWith('=')) return v === spec.slice(1);
  return v === spec;
}

export function firstMatchingRule(
  rules: PlaybookRule[],
  labels: Record<string, string>,
): [PlaybookRule, number] | undefined {
  const i = rules.findIndex((r) => Object.entries(r.match).every(([name, spec]) => labelMatches(spec, labels[name])));
  return i < 0 ? undefined : [rules[i]!, i];
}

/** The actions for a batch of newly firing alerts (first matching rule per alert), deduplicated by key. */
export function planActions(config: AtcConfig, environment: string, alerts: AlertToPlan[]): PlannedAction[] {
  const out = new Map<string, PlannedAction>();
  const add = (a: PlannedAction) => void (out.has(a.key) ? undefined : out.set(a.key, a));
  const botsOf = (env: string) => config.services.filter((s) => s.role === 'bot' && s.environments.includes(env));
  const bots = botsOf(environment);
  for (const alert of alerts) {
    const match = firstMatchingRule(config.playbooks, alert.labels);
    if (!match) continue;
    const [rule, index] = match;
    const ruleName = rule.name ?? `rule ${index + 1}`;
    const service = alert.labels.service ?? alert.labels.bot;
    const reason =
      `${alert.labels.alertname ?? 'alert'}${service ? ` on ${service}` : ''}${alert.summary ? `: ${alert.summary}` : ''}`.slice(
        0,
        300,
      );
    const base = { rule: ruleName, reason };
    for (const action of rule.actions) {
      if (action === 'halt-feed-bots' || action === 'halt-env-bots') {
        if (bots.length === 0)
          add({
            ...base,
            key: `skip:halt-env-bots:${environment}`,
            kind: 'skip',
            target: environment,
            detail: `no bot is configured in ${environment}`,
          });
        for (const b of bots) add({ ...base, key: `halt-bot:${b.name}`, kind: 'halt-bot', target: b.name });
        if (action === 'halt-env-bots') continue;
        // halt-feed-bots: also the bots of the other environments the feed serves, where their config says so
        const feed = config.services.find(
          (s) =>
            s.role === 'feed' && (s.name === alert.labels.service || (s.prometheusJob ?? s.name) === alert.labels.job),
        );
        for (const env of (feed?.environments ?? []).filter((e) => e !== environment && botsOf(e).length > 0)) {
          if (config.environments[env]?.haltBotsOnFeedFailure) {
            for (const b of botsOf(env))
              add({
                ...base,
                key: `halt-bot:${b.name}`,
                kind: 'halt-bot',
                target: b.name,
                environment: env,
                reason: `${reason} (feed ${feed!.name} also serves ${env})`.slice(0, 300),
              });
          } else
            add({
              ...base,
              key: `skip:halt-feed-bots:${env}`,
              kind: 'skip',
              target: env,
              detail: `feed ${feed!.name} also serves ${env}, where haltBotsOnFeedFailure is off`,
            });
        }
      } else if (action === 'halt-service-bot') {
        const bot = config.services.find(
          (s) => s.role === 'bot' && (s.name === alert.labels.service || s.name === alert.labels.bot),
        );
        if (bot) add({ ...base, key: `halt-bot:${bot.name}`, kind: 'halt-bot', target: bot.name });
        else
          add({
            ...base,
            key: `skip:halt-service-bot:${service ?? '?'}`,
            kind: 'skip',
            target: service ?? '?',
            detail: `no bot named ${service ?? '(no service label)'} in the config`,
          });
      } else if (action === 'restart-container-once') {
        const svc = config.services.find((s) => s.name === (alert.labels.service ?? alert.labels.job));
        if (svc)
          add({
            ...base,
            key: `restart-container:${svc.container}`,
            kind: 'restart-container',
            target: svc.container,
            bot: svc.role === 'bot' ? svc.name : undefined,
          });
        else
          add({
            ...base,
            key: `skip:restart:${service ?? alert.labels.job ?? '?'}`,
            kind: 'skip',
            target: service ?? '?',
            detail: `no container is configured for ${service ?? alert.labels.job ?? '(no service label)'}`,
          });
      } else {
        add({ ...base, key: `notify:${ruleName}:${alert.fingerprint}`, kind: 'notify', target: 'on-call' });
      }
    }
  }
  return [...out.values()];
}
