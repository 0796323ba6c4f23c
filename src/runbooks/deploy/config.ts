/** The deploy and rollback runbooks' config (`deploy:` in the config file): gates, analysis window, timeouts. */
import { z } from 'zod';
import { duration } from '../shared/names';

/** Deploy gates: PromQL ({job}, {service} placeholders) compared with a threshold; every sample must pass, none = fail. */
export const deployGateSchema = z
  .object({
    name: z.string().min(1),
    query: z.string().min(1),
    op: z.enum(['<', '>', '<=', '>=', '==']),
    threshold: z.number(),
    roles: z
      .array(z.enum(['platform', 'feed', 'bot']))
      .min(1)
      .optional(), // default: every role
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
