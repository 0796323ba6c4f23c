/**
 * Config keys of the incident runbook (`incidents:` and `playbooks:` in the config file), kept out of config.ts
 * so that file stays small. Playbook rules match alert labels: a value is an equality ("FeedStale"), "=value",
 * "!=value", "=~regex" or "!~regex" (regexes anchored, as in Prometheus). The first matching rule wins.
 */
import { z } from 'zod';
import { duration, environmentName } from '../shared/names';

// halt-feed-bots: every bot fed by the alerting feed — the bots of each environment the feed serves (the alert's own,
// and the others where haltBotsOnFeedFailure is on): one live feed serves paper and live alike. halt-env-bots: the
// bots of the alert's environment only.
export const PLAYBOOK_ACTIONS = [
  'halt-feed-bots',
  'halt-env-bots',
  'halt-service-bot',
  'restart-container-once',
  'notify',
] as const;
export type PlaybookAction = (typeof PLAYBOOK_ACTIONS)[number];

const matcherValue = z.string().refine((v) => {
  const m = /^(=~|!~)(.*)$/s.exec(v);
  if (!m) return true;
  try {
    new RegExp(`^(?:${m[2]})$`);
    return true;
  } catch {
    return false;
  }
}, 'a label matcher: value, =value, !=value, =~regex or !~regex (a valid regex)');

export const playbookRuleSchema = z
  .object({
    name: z.string().min(1).optional(),
    match: z
      .record(z.string().min(1), matcherValue)
      .refine((m) => Object.keys(m).length > 0, 'at least one label matcher'),
    actions: z.array(z.enum(PLAYBOOK_ACTIONS)).min(1),
  })
  .strict();
export type PlaybookRule = z.infer<typeof playbookRuleSchema>;

export const DEFAULT_PLAYBOOKS: PlaybookRule[] = [
  { name: 'feed alert: halt every bot the feed serves', match: { alertname: '=~Feed.*' }, actions: ['halt-feed-bots'] },
  { name: 'bot drawdown: halt that bot', match: { alertname: 'BotDrawdownBreach' }, actions: ['halt-service-bot'] },
  {
    name: 'container down: one restart, verified',
    match: { alertname: 'TargetDown' },
    actions: ['restart-container-once'],
  },
];

export const playbooksSchema = z.array(playbookRuleSchema).default(DEFAULT_PLAYBOOKS);

const levels = z.array(duration).max(10);
export const incidentsSchema = z
  .object({
    /** Offsets from the opening of an incident; each one that passes before an ack notifies the next level. */
    escalation: z
      .object({ critical: levels.default(['5m', '15m']), warning: levels.default(['30m']), info: levels.default([]) })
      .strict()
      .prefault({}),
    escalationLevels: z
      .array(z.string().min(1))
      .min(1)
      .default(['primary on-call', 'secondary on-call', 'engineering lead']),
    silenceOnAck: z.boolean().default(true),
    silenceDuration: duration.default('4h'), // the silence is expired again when the incident closes
    defaultEnvironment: environmentName.default('dev'), // for alerts without an environment label
    restartVerifyTimeout: duration.default('30s'),
    waitForFirstAlert: duration.default('10m'), // a webhook-sourced incident started without any alert gives up after this
    continueAsNewAfterEvents: z.number().int().min(100).max(50_000).default(5_000),
    timelineLimit: z.number().int().min(50).max(10_000).default(2_000),
  })
  .strict()
  .prefault({});
export type IncidentsConfig = z.infer<typeof incidentsSchema>;
