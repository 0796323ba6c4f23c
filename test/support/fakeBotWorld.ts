/**
 * An in-memory world for the bot runbooks' unit tests: the REAL bot activities (createBotActivities) over fake
 * integrations (a bot control endpoint, its container, Alertmanager, running incidents, the notifier), plus a
 * stubbed checkFeed. Tests flip the world's fields and count calls.
 */
import { createBotActivities } from '../../src/runbooks/bot-halt/activities';
import type { CheckSection, CheckStatus } from '../../src/runbooks/daily-check/contract';
import type { ActivityDeps } from '../../src/runbooks/shared/deps';
import { withFailureBoundary } from '../../src/runbooks/shared/failures';
import type { OpenExecution } from '../../src/runbooks/shared/visibility';
import { parseConfig } from '../../src/config';
import { TransientError, UnreachableError } from '../../src/errors';
import type { ActiveAlert, SilenceRequest } from '../../src/integrations/alertmanager';
import type { ContainerRuntime } from '../../src/integrations/docker';
import type { Notification } from '../../src/integrations/notifier';
import type { SilenceInfo } from '../../src/integrations/silences';
import type { StubActivities } from '../unit/support/stubs';

export const APPROVERS = ['alice', 'bob', 'carol'];

export function fakeBotWorld() {
  const world = {
    bot: { newOrdersEnabled: true, ignoreHalt: false, reachable: true, haltCalls: 0, resumeCalls: 0 },
    container: { running: true, stopFails: false, stopCalls: 0, startCalls: 0 },
    feed: 'OK' as CheckStatus,
    feedCalls: 0,
    feedUnreachable: false,
    alerts: [] as ActiveAlert[],
    incidents: [] as OpenExecution[],
    notifications: [] as Notification[],
    silences: [] as SilenceInfo[],
  };
  const config = parseConfig({
    environments: {
      dev: {},
      paper: { haltConfirmTimeout: '600ms' },
      live: { requireApproval: true, approvers: APPROVERS, haltConfirmTimeout: '600ms', approvalTimeout: '1h' },
    },
    services: ['paper', 'live'].map((env) => ({
      name: `bot_${env}`,
      role: 'bot',
      environments: [env],
      container: `bot_${env}`,
      controlUrl: 'http://127.0.0.1:1',
    })),
  });
  const reachable = () => {
    if (!world.bot.reachable || !world.container.running)
      throw new UnreachableError('GET http://127.0.0.1:1/control/state: cannot connect (ECONNREFUSED)');
  };
  const containers: Partial<ContainerRuntime> = {
    status: async (name) => ({
      exists: true,
      name,
      running: world.container.running,
      state: world.container.running ? 'running' : 'exited',
      health: 'healthy',
    }),
    stop: async () => {
      world.container.stopCalls++;
      if (world.container.stopFails) throw new TransientError('docker stop: engine busy');
      world.container.running = false;
    },
    start: async () => {
      world.container.startCalls++;
      world.container.running = true;
      world.bot.newOrdersEnabled = true; // a fresh bot process starts with new orders enabled, like the simulator
    },
  };
  const deps = {
    config,
    containers,
    bots: {
      state: async () => (reachable(), { newOrdersEnabled: world.bot.newOrdersEnabled, openOrders: 0, mode: 'paper' }),
      halt: async () => {
        reachable();
        world.bot.haltCalls++;
        if (!world.bot.ignoreHalt) world.bot.newOrdersEnabled = false;
      },
      resume: async () => {
        reachable();
        world.bot.resumeCalls++;
        world.bot.newOrdersEnabled = true;
      },
    },
    alerts: {
      listAlerts: async () => world.alerts,
      createSilence: async (req: SilenceRequest) => {
        const id = `silence-${world.silences.length + 1}`;
        world.silences.push({
          id,
          state: 'active',
          comment: req.comment,
          createdBy: req.createdBy,
          endsAt: req.endsAt,
          matchers: req.matchers,
        });
        return id;
      },
      expireSilence: async (id: string) =>
        void world.silences.filter((x) => x.id === id).forEach((x) => (x.state = 'expired')),
    },
    running: { running: async () => world.incidents, close: async () => undefined },
    notifier: { notify: async (n: Notification) => void world.notifications.push(n) },
  } as unknown as ActivityDeps;
  const feedSection = (): CheckSection => ({
    section: 'feed',
    status: world.feed,
    items: [
      {
        name: 'live_connector bars in window',
        status: world.feed,
        value: world.feed === 'OK' ? 60 : 0,
        threshold: '>= 10 bars in 1m',
        evidence: [],
      },
    ],
    durationMs: 1,
  });
  const activities = withFailureBoundary({
    ...createBotActivities(deps, async () => world.silences),
    checkFeed: async (_environment: string): Promise<CheckSection> => {
      world.feedCalls++;
      if (world.feedUnreachable) throw new UnreachableError('Prometheus at http://127.0.0.1:1 is unreachable');
      return feedSection();
    },
  } satisfies StubActivities);
  return { world, activities };
}

export function criticalAlert(alertname: string, environment: string, service: string): ActiveAlert {
  return {
    fingerprint: `${alertname}-${service}`,
    labels: { alertname, severity: 'critical', environment, service },
    annotations: {},
    startsAt: '2025-01-01T00:00:00Z',
    state: 'active',
    silencedBy: [],
    inhibitedBy: [],
  };
}
