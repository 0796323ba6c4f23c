/**
 * The validated configuration of atc-ops. This module is the only reader of process.env.
 * A config file is YAML; defaults match the simulated stack. Secrets are references (file or env name);
 * their values are read by `readSecret` at the edge and never stored in the config object.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { BadInputError } from './errors';
import { defaultQueries } from './queries';
import { backupsSchema } from './backupConfig';
import { incidentsSchema, playbooksSchema } from './incidentConfig';

const name = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, _ or -, starting with a letter');
const url = z.string().url();
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 30s, 5m, 1h, 2d');
const secretRef = z.union([z.object({ file: z.string().min(1) }).strict(), z.object({ env: z.string().min(1) }).strict()]);

const environmentSchema = z
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

const serviceSchema = z
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

const databaseSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(1).max(65535).default(5432),
    user: z.string().min(1),
    database: z.string().min(1),
    password: secretRef.optional(),
    protected: z.boolean().default(false),
  })
  .strict();

const channelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('log') }).strict(),
  z.object({ type: z.literal('file'), path: z.string().min(1) }).strict(),
  z.object({ type: z.literal('webhook'), url, token: secretRef.optional() }).strict(),
]);

/** Temporal Schedules that `atc schedules apply` keeps in step with the config (none unless configured). */
const cronSpec = z.string().regex(/^\S+(\s+\S+){4}$/, 'a five-field cron expression such as "0 7 * * *"');
const timezone = z.string().refine((tz) => {
  try {
    return Boolean(new Intl.DateTimeFormat('en', { timeZone: tz }));
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Prague or UTC');
const scheduleSchema = z.object({ environment: name, cron: cronSpec, timezone: timezone.default('UTC') }).strict();
const schedulesSchema = z
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
const deployGateSchema = z
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
const deploySchema = z
  .object({
    gates: z.array(deployGateSchema).default(DEFAULT_DEPLOY_GATES as never),
    analysisWindow: duration.default('30s'), // gates are evaluated repeatedly over this window; 0s = once
    gateInterval: duration.default('5s'), // time between two evaluations within the window
    healthTimeout: duration.default('60s'), // running + healthy + scraped by Prometheus, for the new and a restored container
    openOrdersTimeout: duration.default('30s'), // a halted bot's open orders must reach 0 within this
    stopTimeout: duration.default('10s'), // docker stop grace period for the old container
  })
  .strict();

export const configSchema = z
  .object({
    temporal: z
      .object({
        address: z.string().default('127.0.0.1:7233'),
        namespace: z.string().default('default'),
        taskQueue: z.string().min(1).default('atc-ops'),
        uiUrl: url.default('http://127.0.0.1:8233'),
      })
      .strict()
      .prefault({}),
    server: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8480),
        webhookToken: secretRef.optional(),
        bodyLimitBytes: z.number().int().positive().default(1_048_576),
        workerMetricsPort: z.number().int().min(0).max(65535).default(0),
      })
      .strict()
      .prefault({}),
    docker: z.object({ socketPath: z.string().default('/var/run/docker.sock') }).strict().prefault({}),
    prometheus: z.object({ url: url.default('http://127.0.0.1:9090') }).strict().prefault({}),
    alertmanager: z.object({ url: url.default('http://127.0.0.1:9093') }).strict().prefault({}),
    databases: z.record(name, databaseSchema).default({}),
    environments: z.record(name, environmentSchema).prefault({ dev: {}, paper: {}, live: {} }),
    services: z.array(serviceSchema).default([]),
    queries: z.record(z.string(), z.string().min(1)).default({}),
    notify: z.object({ channels: z.array(channelSchema).default([{ type: 'log' }]) }).strict().prefault({}),
    dataDir: z.string().default('.atc/data'),
    backups: backupsSchema, // backup / restore / restore-test (src/backupConfig.ts)
    incidents: incidentsSchema, // incident runbook: escalation, silence on ack (src/incidentConfig.ts)
    playbooks: playbooksSchema, // incident first-response rules: label matchers → actions
    deploy: deploySchema.prefault({}), // deploy / rollback: gates, analysis window, timeouts
    schedules: schedulesSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.services.forEach((s, i) => {
      if (names.has(s.name)) ctx.addIssue({ code: 'custom', message: `duplicate service ${s.name}`, path: ['services', i, 'name'] });
      names.add(s.name);
      s.environments.forEach((e, j) => {
        if (!(e in c.environments)) ctx.addIssue({ code: 'custom', message: `unknown environment ${e}`, path: ['services', i, 'environments', j] });
      });
    });
    if (!(c.schedules.restoreTest.environment in c.environments)) ctx.addIssue({ code: 'custom', message: `unknown environment ${c.schedules.restoreTest.environment}`, path: ['schedules', 'restoreTest', 'environment'] });
    (c.schedules.restoreTest.databases ?? []).forEach((d, i) => {
      if (!(d in c.databases)) ctx.addIssue({ code: 'custom', message: `unknown database ${d}`, path: ['schedules', 'restoreTest', 'databases', i] });
    });
    c.schedules.dailyCheck.forEach((s, i) => {
      if (!(s.environment in c.environments)) ctx.addIssue({ code: 'custom', message: `unknown environment ${s.environment}`, path: ['schedules', 'dailyCheck', i, 'environment'] });
    });
    c.services.forEach((s, i) =>
      s.dependsOn.forEach((d, j) => {
        if (!names.has(d)) ctx.addIssue({ code: 'custom', message: `unknown service ${d}`, path: ['services', i, 'dependsOn', j] });
      }),
    );
  });

export type AtcConfig = Omit<z.infer<typeof configSchema>, 'queries'> & { queries: Record<string, string> };
export type ServiceConfig = z.infer<typeof serviceSchema>;
export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type DatabaseConfig = z.infer<typeof databaseSchema>;
export type SecretRef = z.infer<typeof secretRef>;
export type ChannelConfig = z.infer<typeof channelSchema>;
export type DeployConfig = z.infer<typeof deploySchema>;
export type DeployGateConfig = z.infer<typeof deployGateSchema>;

/** Validates a parsed config object; every problem is listed with its path. */
export function parseConfig(raw: unknown, source = 'config'): AtcConfig {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new BadInputError(`invalid ${source}:\n${lines.join('\n')}`);
  }
  return { ...result.data, queries: { ...defaultQueries, ...result.data.queries } };
}

/** Where the config comes from: an explicit path, ATC_CONFIG, the rig's own config, or the embedded default. */
export function configPath(explicit?: string): string | undefined {
  if (explicit) return explicit;
  if (process.env.ATC_CONFIG) return process.env.ATC_CONFIG;
  return undefined;
}

export function loadConfig(explicit?: string): AtcConfig {
  const file = configPath(explicit);
  if (!file) return parseConfig({}, 'embedded default config');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BadInputError(`cannot read config file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new BadInputError(`config file ${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const config = parseConfig(raw, `config file ${file}`);
  const base = path.dirname(path.resolve(file));
  return { ...config, dataDir: path.resolve(base, config.dataDir) };
}

/** Reads a secret's value from its file or environment variable. The value must never be logged. */
export function readSecret(ref: SecretRef | undefined): string | undefined {
  if (!ref) return undefined;
  if ('env' in ref) return process.env[ref.env];
  return readFileSync(ref.file, 'utf8').trim();
}

/** Environment switches for tools and tests (kept here: this is the only reader of process.env). */
export function envSetting(nameOf: 'ATC_HOME' | 'TEMPORAL_CLI_PATH' | 'ATC_LOG_LEVEL' | 'CI'): string | undefined {
  return process.env[nameOf];
}

export function servicesOf(config: AtcConfig, environment: string, role?: ServiceConfig['role']): ServiceConfig[] {
  return config.services.filter((s) => s.environments.includes(environment) && (!role || s.role === role));
}

export function durationMs(d: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(d);
  if (!m) throw new BadInputError(`bad duration ${d}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
