/**
 * The shared sections of the atc-ops config (environments, services, databases, notify channels, schedules) and
 * the value shapes they share; src/config.ts puts them together, cross-checks them and loads the file.
 */
import { z } from 'zod';
import { checkLimitsSchema } from './runbooks/daily-check/config';
import { duration, nameOf } from './runbooks/shared/names';

export const name = nameOf();
export const url = z.string().url();
export const secretRef = z.union([
  z.object({ file: z.string().min(1) }).strict(),
  z.object({ env: z.string().min(1) }).strict(),
]);

export const environmentSchema = z
  .object({
    protected: z.boolean().default(false),
    requireApproval: z.boolean().default(false),
    approvers: z.array(z.string().min(1)).default([]),
    approvalTimeout: duration.default('1h'),
    limits: checkLimitsSchema, // daily check (src/runbooks/daily-check/config.ts)
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
  .refine((s) => s.role !== 'bot' || s.controlUrl !== undefined, {
    message: 'a bot needs controlUrl',
    path: ['controlUrl'],
  });

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
export const scheduleSchema = z
  .object({ environment: name, cron: cronSpec, timezone: timezone.default('UTC') })
  .strict();
export const schedulesSchema = z
  .object({
    dailyCheck: z.array(scheduleSchema).default([]),
    // monthly restore test; on by default whenever databases are configured (enabled: false turns it off)
    restoreTest: z
      .object({
        enabled: z.boolean().default(true),
        environment: name.default('dev'),
        cron: cronSpec.default('0 3 1 * *'),
        timezone: timezone.default('UTC'),
        databases: z.array(name).optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});
