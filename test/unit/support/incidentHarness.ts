/**
 * The harness of the incident unit tests: the real incident workflow with a stub botHalt child, bundled once per
 * file and run on the rig's Temporal dev server; stubbed activities that record what they were asked; alert and
 * notification builders. Every incident a test starts is terminated when its worker ends.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle, WorkflowHandleWithSignaledRunId } from '@temporalio/client';
import type { IncidentSettings } from '../../../src/runbooks/incident/activities';
import { planActions } from '../../../src/runbooks/incident/activities/playbookPlan';
import { parseConfig } from '../../../src/config';
import type { Notification } from '../../../src/integrations/notifier';
import {
  alertsSignal,
  incidentQuery,
  type AlertNotification,
  type IncidentInput,
  type IncidentView,
} from '../../../src/runbooks/incident/contract';
import { waitFor } from '../../support/waitFor';
import { useTestWorkflows } from './temporal';
import type { StubActivities } from './stubs';
import type { StubHaltResult } from './incidentWorkflows';

export const config = parseConfig({
  services: [
    { name: 'live_connector', role: 'feed', environments: ['paper'], container: 'live_connector' },
    {
      name: 'bot_paper',
      role: 'bot',
      environments: ['paper'],
      container: 'bot_paper',
      controlUrl: 'http://127.0.0.1:1',
    },
  ],
});

export function settings(over: Partial<IncidentSettings> = {}): IncidentSettings {
  return {
    escalationMs: { critical: [60_000], warning: [60_000], info: [] },
    levels: ['primary', 'secondary', 'lead'],
    silenceOnAck: true,
    silenceDurationMs: 3_600_000,
    restartVerifyTimeoutMs: 1000,
    waitForFirstAlertMs: 10_000,
    continueAsNewAfterEvents: 10_000,
    timelineLimit: 2000,
    ...over,
  };
}

/** The activities of the stub botHalt child of incidentWorkflows.ts. */
export type IncidentStubActivities = StubActivities<{
  stubBotHalt(input: { service: string; reason?: string }): Promise<StubHaltResult>;
}>;

export function stubs(s: IncidentSettings, over: Partial<IncidentStubActivities> = {}) {
  const seen = {
    notified: [] as Notification[],
    halts: [] as { service: string; reason?: string }[],
    silences: [] as string[],
    expired: [] as string[],
    postmortems: [] as IncidentView[],
    restarts: [] as string[],
  };
  const activities = {
    incidentSettings: async () => s,
    planIncidentActions: async (environment: string, alerts: Parameters<typeof planActions>[2]) =>
      planActions(config, environment, alerts),
    notifyIncident: async (n: Notification) => void seen.notified.push(n),
    restartContainerOnce: async (c: string) => (
      seen.restarts.push(c),
      { restarted: true, detail: 'started (it was exited)' }
    ),
    awaitContainerRunning: async () => ({ running: true, state: 'running', health: 'healthy', waitedMs: 5 }),
    createIncidentSilence: async (id: string) => (
      seen.silences.push(id),
      { silenceId: `sil-${seen.silences.length}`, reused: false }
    ),
    expireIncidentSilence: async (id: string) => void seen.expired.push(id),
    writePostmortem: async (v: IncidentView) => (seen.postmortems.push(v), `/tmp/postmortems/${v.id}.md`),
    recordIncidentMetric: async () => undefined,
    stubBotHalt: async (i: { service: string; reason?: string }): Promise<StubHaltResult> => (
      seen.halts.push(i),
      { service: i.service, path: 'halted', confirmed: true, detail: 'stub halted' }
    ),
    ...over,
  } satisfies IncidentStubActivities;
  return { seen, activities };
}

let fp = 0;
export function alert(
  alertname: string,
  over: {
    status?: 'firing' | 'resolved';
    severity?: string;
    service?: string;
    fingerprint?: string;
    startsAt?: string;
  } = {},
) {
  return {
    status: over.status ?? 'firing',
    fingerprint: over.fingerprint ?? `fp${++fp}`,
    startsAt: over.startsAt ?? '2026-01-01T00:00:00Z',
    endsAt: over.status === 'resolved' ? '2026-01-01T00:05:00Z' : '0001-01-01T00:00:00Z',
    labels: {
      alertname,
      environment: 'paper',
      severity: over.severity ?? 'critical',
      service: over.service ?? 'live_connector',
    },
    annotations: { summary: `${alertname} summary` },
  };
}
export const note = (alerts: AlertNotification['alerts'], groupKey = 'g'): AlertNotification => ({
  receivedAt: new Date().toISOString(),
  status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
  groupKey,
  alerts,
});
export const resolvedCopy = (n: AlertNotification): AlertNotification =>
  note(
    n.alerts.map((a) => ({ ...a, status: 'resolved' as const, endsAt: '2026-01-01T00:05:00Z' })),
    n.groupKey,
  );

export async function waitView(
  h: WorkflowHandle,
  pred: (v: IncidentView) => boolean,
  timeoutMs = 20_000,
): Promise<IncidentView> {
  let last: IncidentView | undefined;
  try {
    return await waitFor(
      `the incident view to satisfy ${pred.toString()}`,
      async () => ((last = await h.query(incidentQuery)), pred(last) && last),
      { timeoutMs },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last timeline: ${JSON.stringify(last?.timeline ?? null)}`);
  }
}

/** Call at the top of a test file: connects and bundles in beforeAll; returns the worker and start helpers. */
export function incidentHarness() {
  // A dev server of its own, not the time-skipping test server: under load, a cancelled incident waited there for its
  // compensations until the test's timeout (once in a CI run); the escalation tests wait out their few real seconds.
  const { client, withWorker, sleep } = useTestWorkflows(require.resolve('./incidentWorkflows'), 'dev');
  // never leave an open incident behind: other runbooks refuse to act while a critical one is open
  const started = new Set<string>(); // the incidents the current worker's test started
  return {
    client,
    sleep,
    started,
    withWorker<T>(activities: IncidentStubActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
      return withWorker({ activities, taskQueuePrefix: 'incident-test', started }, fn);
    },
    startFromWebhook(
      taskQueue: string,
      n: AlertNotification,
      id = `incident-test-${randomUUID()}`,
    ): Promise<WorkflowHandleWithSignaledRunId> {
      const input: IncidentInput = {
        source: 'alertmanager',
        environment: 'paper',
        groupKey: n.groupKey,
        groupLabels: { alertname: n.alerts[0]!.labels.alertname!, environment: 'paper' },
      };
      started.add(id);
      return client().workflow.signalWithStart('incident', {
        taskQueue,
        workflowId: id,
        args: [input],
        signal: alertsSignal,
        signalArgs: [n],
      });
    },
  };
}
