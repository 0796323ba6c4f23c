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
import { durationToMs } from './runbooks/shared/names';
import { defaultQueries } from './runbooks/shared/queries';
import { backupsSchema } from './runbooks/backup/config';
import { incidentsSchema, playbooksSchema } from './runbooks/incident/config';
import {
  channelSchema,
  databaseSchema,
  environmentSchema,
  name,
  schedulesSchema,
  secretRef,
  serviceSchema,
  url,
} from './configSections';
import { deployGateSchema, deploySchema } from './runbooks/deploy/config';

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
    docker: z
      .object({ socketPath: z.string().default('/var/run/docker.sock') })
      .strict()
      .prefault({}),
    prometheus: z
      .object({ url: url.default('http://127.0.0.1:9090') })
      .strict()
      .prefault({}),
    alertmanager: z
      .object({ url: url.default('http://127.0.0.1:9093') })
      .strict()
      .prefault({}),
    databases: z.record(name, databaseSchema).default({}),
    environments: z.record(name, environmentSchema).prefault({ dev: {}, paper: {}, live: {} }),
    services: z.array(serviceSchema).default([]),
    queries: z.record(z.string(), z.string().min(1)).default({}),
    notify: z
      .object({ channels: z.array(channelSchema).default([{ type: 'log' }]) })
      .strict()
      .prefault({}),
    dataDir: z.string().default('.atc/data'),
    backups: backupsSchema, // backup / restore / restore-test (src/runbooks/backup/config.ts)
    incidents: incidentsSchema, // incident runbook: escalation, silence on ack (src/runbooks/incident/config.ts)
    playbooks: playbooksSchema, // incident first-response rules: label matchers → actions
    deploy: deploySchema.prefault({}), // deploy / rollback: gates, analysis window, timeouts (src/runbooks/deploy/config.ts)
    schedules: schedulesSchema,
  })
  .strict()
  .superRefine((c, ctx) => {
    const names = new Set<string>();
    c.services.forEach((s, i) => {
      if (names.has(s.name))
        ctx.addIssue({ code: 'custom', message: `duplicate service ${s.name}`, path: ['services', i, 'name'] });
      names.add(s.name);
      s.environments.forEach((e, j) => {
        if (!(e in c.environments))
          ctx.addIssue({
            code: 'custom',
            message: `unknown environment ${e}`,
            path: ['services', i, 'environments', j],
          });
      });
    });
    if (!(c.schedules.restoreTest.environment in c.environments))
      ctx.addIssue({
        code: 'custom',
        message: `unknown environment ${c.schedules.restoreTest.environment}`,
        path: ['schedules', 'restoreTest', 'environment'],
      });
    (c.schedules.restoreTest.databases ?? []).forEach((d, i) => {
      if (!(d in c.databases))
        ctx.addIssue({
          code: 'custom',
          message: `unknown database ${d}`,
          path: ['schedules', 'restoreTest', 'databases', i],
        });
    });
    c.schedules.dailyCheck.forEach((s, i) => {
      if (!(s.environment in c.environments))
        ctx.addIssue({
          code: 'custom',
          message: `unknown environment ${s.environment}`,
          path: ['schedules', 'dailyCheck', i, 'environment'],
        });
    });
    c.services.forEach((s, i) =>
      s.dependsOn.forEach((d, j) => {
        if (!names.has(d))
          ctx.addIssue({ code: 'custom', message: `unknown service ${d}`, path: ['services', i, 'dependsOn', j] });
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

/** Milliseconds of a configured duration (validated by the schema; anything else is bad input). */
export function durationMs(d: string): number {
  const ms = durationToMs(d);
  if (Number.isNaN(ms)) throw new BadInputError(`bad duration ${d}`);
  return ms;
}
