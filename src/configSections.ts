/**
 * The sections of the atc-ops config (environments, services, databases, notify channels, schedules, deploy) and
 * the value shapes they share; src/config.ts puts them together, cross-checks them and loads the file.
 */
import { z } from 'zod';

export const name = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ or -, starting with a letter');
export const url = z.string().url();
export const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 30s, 5m, 1h, 2d');
export const secretRef = z.union([z.object({ file: z.string().min(1) }).strict(), z.object({ env: z.string().min(1) }).strict()]);

export const environmentSchema = z
  .object({
    protected: z.boolean().default(false),
    requireApproval: z.boolean().default(false),
    approvers: z.array(z.string().min(1)).default([]),
    approvalTimeout: duration.default('1h'),
    limits: z
      .object({
        feedLatencyWarnMs: z.number().positive().default(250),
        feedLatencyFailMs: z.number().positive().default(1000),
        feedWindow: duration.default('1m'),
        feedMinBarsInWindow: z.number().int().nonnegative().default(10),
        feedMaxReconnectsInWindow: z.number().int().nonnegative().default(3),
        dqGapsMaxInWindow: z.number().int().nonnegative().default(0),
        dqOutliersMaxInWindow: z.number().int().nonnegative().default(2),
        dqStaleMaxSeconds: z.number().nonnegative().default(5),
        botDrawdownWarnPct: z.number().nonnegative().default(5),
        botDrawdownFailPct: z.number().nonnegative().default(10),
        botTrackingErrorWarn: z.number().nonnegative().default(0.02),
        botTrackingErrorFail: z.number().nonnegative().default(0.05),
        botMinEquity: z.number().nonnegative().default(0),
        driftPsiWarn: z.number().nonnegative().default(0.1),
        driftPsiFail: z.number().nonnegative().default(0.25),
        driftMaxAgeHours: z.number().positive().default(36),
      })
      .strict()
      .prefault({}),
    haltConfirmTimeout: duration.default('10s'),
    haltBotsOnFeedFailure: z.boolean().default(true), // daily check: a feed FAIL/UNKNOWN halts every bot of the environment
  })
  .strict();

export const serviceSchema = z
  .object({
    name,
    role: z.enum(['platform', 'feed', 'bot']),
    environments: z.array(name).min(1),
    container: z.string().min(1),
    critical: z.boolean().default(true),
    prometheusJob: z.string().min(1).optional(),
    healthUrl: url.optional(),
    controlUrl: url.optional(),
    dependsOn: z.array(name).default([]),
  })
  .strict()
  .refine((s) => s.role !== 'bot' || s.controlUrl !== undefined, { message: 'a bot needs controlUrl', path: ['controlUrl'] });

export const databaseSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(5432),
    user: z.string().min(1),
    database: z.string().min(1),
    password: secretRef.optional(),
    protected: z.boolean().default(false),
  })
  .strict();

export const channelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('log') }).strict(),
  z.object({ type: z.literal('file'), path: z.string().min(1) }).strict(),
  z.object({ type: z.literal('webhook'), url, token: secretRef.optional() }).strict(),
]);

/** Temporal Schedules that `atc schedules apply` keeps in step with the config (none unless configured). */
export const cronSpec = z.string().regex(/^\S+(\s+\S+){4}$/, 'a five-field cron expression such as "0 7 * * *"');
export const timezone = z.string().refine((tz) => {
  try {
    return Boolean(new Intl.DateTimeFormat('en', { timeZone: tz }));
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Prague or UTC');
export const scheduleSchema = z.object({ environment: name, cron: cronSpec, timezone: timezone.default('UTC') }).strict();
export const schedulesSchema = z
  .object({
    dailyCheck: z.array(scheduleSchema).default([]),
    // monthly restore test; on by default whenever databases are configured (enabled: false turns it off)
    restoreTest: z
      .object({ enabled: z.boolean().default(true), environment: name.default('dev'), cron: cronSpec.default('0 3 1 * *'), timezone: timezone.default('UTC'), databases: z.array(name).optional() })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/** Deploy gates: PromQL ({job}, {service} placeholders) compared with a threshold; every sample must pass, none = fail. */
export const deployGateSchema = z
  .object({
    name: z.string().min(1),
    query: z.string().min(1),
    op: z.enum(['<', '>', '<=', '>=', '==']),
    threshold: z.number(),
    roles: z.array(z.enum(['platform', 'feed', 'bot'])).min(1).optional(), // default: every role
  })
  .strict();
export const DEFAULT_DEPLOY_GATES: z.input<typeof deployGateSchema>[] = [
  { name: 'target up', query: 'up{job="{job}"}', op: '==', threshold: 1 },
  { name: 'bot drawdown', query: 'max(atc_bot_drawdown_pct{job="{job}"})', op: '<', threshold: 10, roles: ['bot'] },
  { name: 'feed latency', query: 'max(atc_feed_latency_ms{job="{job}"})', op: '<', threshold: 1000, roles: ['feed'] },
];
export const deploySchema = z
  .object({
    gates: z.array(deployGateSchema).default(DEFAULT_DEPLOY_GATES as never),
    analysisWindow: duration.default('30s'), // gates are evaluated repeatedly over this window; 0s = once
    gateInterval: duration.default('5s'), // time between two evaluations within the window
    healthTimeout: duration.default('60s'), // running + healthy + scraped by Prometheus, for the new and a restored container
    openOrdersTimeout: duration.default('30s'), // a halted bot's open orders must reach 0 within this
    stopTimeout: duration.default('10s'), // docker stop grace period for the old container
  })
  .strict();
