/**
 * Hands one environment's part of a notification to Temporal with signal-with-start. The incident's id is
 * incident-<env>-<hash(groupKey, env)>, and -2, -3, ... for later incidents of the same group: ids are started with
 * WorkflowIdReusePolicy REJECT_DUPLICATE, so a closed incident is never reopened; "already started" (a closed run)
 * moves on to the next generation. A resolved-only notification never opens a new generation (the previous one is
 * closed: it is a late duplicate), except for a group never seen before. The client fails fast (short connect and
 * RPC deadlines) so the webhook can answer 503 and Alertmanager retries.
 */
import {
  Client,
  Connection,
  WorkflowNotFoundError,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
} from '@temporalio/client';
import { TypedSearchAttributes, WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { AtcConfig } from '../../config';
import { errorMessage } from '../../errors';
import { alertsSignal, type IncidentInput } from '../../runbooks/incident/contract';
import { environmentKey, runbookKey, serviceKey, severityKey } from '../../runbooks/shared/messages';
import { isTemporalUnavailable } from '../temporalClient';
import { coalescing } from './coalesce';
import type { EnvironmentPart } from './payload';

export class TemporalUnavailable extends Error {}

export interface Delivery {
  workflowId: string;
  environment: string;
  alerts: number;
  outcome: 'signaled' | 'ignored-closed';
}

const MAX_GENERATIONS = 1000;
const CACHE_LIMIT = 10_000;
const generationId = (base: string, g: number) => (g === 1 ? base : `${base}-${g}`);

export function createIncidentStarter(
  config: AtcConfig,
  opts: { connectTimeoutMs?: number; rpcTimeoutMs?: number } = {},
) {
  const connectTimeoutMs = opts.connectTimeoutMs ?? 2000;
  const rpcTimeoutMs = opts.rpcTimeoutMs ?? 4000;
  const generations = new Map<string, number>(); // base id → latest generation seen (a bounded cache, not state)
  let client: Promise<Client> | undefined;

  function connect(): Promise<Client> {
    client ??= Connection.connect({
      address: config.temporal.address,
      connectTimeout: connectTimeoutMs,
      interceptors: [
        makeGrpcRetryInterceptor(
          defaultGrpcRetryOptions({ maxAttempts: 4, initialIntervalMs: () => 50, maxIntervalMs: () => 500 }),
        ),
      ],
    }).then((connection) => new Client({ connection, namespace: config.temporal.namespace }));
    return client;
  }
  /** Drops the connection so the next request dials again (a gRPC channel in backoff would keep failing for long). */
  function reset(failed: Promise<Client> | undefined): void {
    if (client !== failed || !failed) return;
    client = undefined;
    failed.then((c) => c.connection.close()).catch(() => undefined);
  }

  async function call<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    const current = connect();
    try {
      const c = await current;
      return await c.connection.withDeadline(Date.now() + rpcTimeoutMs, () => fn(c));
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError || err instanceof WorkflowNotFoundError) throw err;
      if (
        isTemporalUnavailable(err) ||
        !(await current.then(
          () => true,
          () => false,
        ))
      ) {
        reset(current);
        throw new TemporalUnavailable(
          `Temporal at ${config.temporal.address} is unavailable: ${errorMessage(err).slice(0, 200)}`,
        );
      }
      throw err;
    }
  }

  function signalWithStart(part: EnvironmentPart, workflowId: string) {
    const input: IncidentInput = {
      source: 'alertmanager',
      environment: part.environment,
      groupKey: part.notifications[0]!.groupKey,
      groupLabels: part.groupLabels,
      externalURL: part.externalURL,
    };
    const attrs: ConstructorParameters<typeof TypedSearchAttributes>[0] = [
      { key: runbookKey, value: 'incident' },
      { key: environmentKey, value: part.environment },
      { key: severityKey, value: part.severity },
    ];
    if (part.service) attrs.push({ key: serviceKey, value: part.service });
    return call((c) =>
      c.workflow.signalWithStart('incident', {
        taskQueue: config.temporal.taskQueue,
        workflowId,
        args: [input],
        signal: alertsSignal,
        signalArgs: [part.notifications.length === 1 ? part.notifications[0]! : { batch: part.notifications }],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: new TypedSearchAttributes(attrs),
      }),
    );
  }

  /** Running → signal it; closed → try the next generation; none yet → start (only the first generation when resolved-only). */
  async function deliver(part: EnvironmentPart): Promise<Delivery> {
    const base = part.baseId;
    const done = (g: number, outcome: Delivery['outcome']): Delivery => {
      if (generations.size >= CACHE_LIMIT && !generations.has(base))
        generations.delete(generations.keys().next().value!);
      generations.set(base, g);
      return {
        workflowId: generationId(base, g),
        environment: part.environment,
        alerts: part.notifications.reduce((n, x) => n + x.alerts.length, 0),
        outcome,
      };
    };
    for (let g = generations.get(base) ?? 1; g <= MAX_GENERATIONS; g++) {
      const id = generationId(base, g);
      if (part.allResolved) {
        const status = await call((c) => c.workflow.getHandle(id).describe()).then(
          (d) => d.status.name,
          (err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return 'NONE';
            throw err;
          },
        );
        if (status === 'NONE' && g > 1) return done(g - 1, 'ignored-closed');
        if (status !== 'RUNNING' && status !== 'NONE') continue;
      }
      try {
        await signalWithStart(part, id);
        return done(g, 'signaled');
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        if (part.allResolved) return done(g, 'ignored-closed'); // closed between describe and signal
      }
    }
    throw new Error(`more than ${MAX_GENERATIONS} incidents for group ${base}`);
  }

  return {
    deliver: coalescing(deliver),
    async close(): Promise<void> {
      const c = client;
      client = undefined;
      if (c) await c.then((x) => x.connection.close()).catch(() => undefined);
    },
  };
}
export type IncidentStarter = ReturnType<typeof createIncidentStarter>;
