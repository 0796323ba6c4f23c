/**
 * Activities of the bot-halt and bot-resume runbooks: the bot's control contract and its container.
 * Every side effect checks the state first, so a retry after a worker kill does not repeat it:
 * halt/resume POST only when newOrdersEnabled still has the other value; stop/start only when needed.
 */
import { PermanentError, TransientError, errorMessage } from '../../../errors';
import type { BotState } from '../../../integrations/botControl';
import { activitySleep, firstScheduledAtMs, heartbeatIfActivity } from '../../shared/activityContext';
import { createBotPolicyActivities, resolveBot } from './policy';
import { createBotSilenceActivities, type SilenceLister } from './silences';
import type { ActivityDeps } from '../../shared/deps';

export const BOT_POLL_MS = 200;
const STOP_GRACE_SECONDS = 10;

export interface BotRequest {
  requested: boolean; // false: the bot already had the wanted state, nothing was sent
  before: BotState;
}
export interface BotWait {
  confirmed: boolean;
  lastState?: BotState;
  error?: string; // the last poll error when the state could not be read
  polls: number;
  waitedMs: number;
}
export interface BotContainerState {
  container: string;
  exists: boolean;
  running: boolean;
  changed: boolean; // this call stopped / started it
  state?: string;
  health?: string;
}

/** `listSilences` is injectable for tests (the AlertSource interface has no silence listing). */
export function createBotActivities(deps: ActivityDeps, listSilences?: SilenceLister) {
  const controlUrl = (service: string) => resolveBot(deps.config, service).controlUrl!;
  const containerOf = (service: string) => resolveBot(deps.config, service).container;
  const readState = (service: string) => deps.bots.state(controlUrl(service));

  /** Polls the control state until newOrdersEnabled === wanted or the deadline of the first attempt passes. */
  async function awaitOrders(service: string, wanted: boolean, timeoutMs: number): Promise<BotWait> {
    const started = Date.now();
    const deadline = firstScheduledAtMs() + timeoutMs;
    let lastState: BotState | undefined;
    let error: string | undefined;
    let polls = 0;
    for (;;) {
      polls++;
      try {
        lastState = await readState(service);
        error = undefined;
        if (lastState.newOrdersEnabled === wanted)
          return { confirmed: true, lastState, polls, waitedMs: Date.now() - started };
      } catch (err) {
        error = errorMessage(err);
      }
      heartbeatIfActivity({ polls, lastState, error });
      if (Date.now() + BOT_POLL_MS > deadline)
        return { confirmed: false, lastState, error, polls, waitedMs: Date.now() - started };
      await activitySleep(BOT_POLL_MS);
    }
  }

  async function containerState(service: string, changed: boolean): Promise<BotContainerState> {
    const s = await deps.containers.status(containerOf(service));
    return { container: s.name, exists: s.exists, running: s.running, changed, state: s.state, health: s.health };
  }

  return {
    ...createBotPolicyActivities(deps),
    ...createBotSilenceActivities(deps, listSilences),
    readBotState: (service: string): Promise<BotState> => readState(service),

    async requestBotHalt(service: string, reason: string): Promise<BotRequest> {
      const before = await readState(service);
      if (!before.newOrdersEnabled) return { requested: false, before };
      await deps.bots.halt(controlUrl(service), reason);
      return { requested: true, before };
    },

    awaitBotHalted: (service: string, timeoutMs: number): Promise<BotWait> => awaitOrders(service, false, timeoutMs),

    async requestBotResume(service: string): Promise<BotRequest> {
      const before = await readState(service);
      if (before.newOrdersEnabled) return { requested: false, before };
      await deps.bots.resume(controlUrl(service));
      return { requested: true, before };
    },

    awaitBotResumed: (service: string, timeoutMs: number): Promise<BotWait> => awaitOrders(service, true, timeoutMs),

    readBotContainer: (service: string): Promise<BotContainerState> => containerState(service, false),

    /** Stops the bot's container (if it runs) and returns its state read back afterwards. */
    async stopBotContainer(service: string): Promise<BotContainerState> {
      const before = await containerState(service, false);
      if (!before.running) return before;
      await deps.containers.stop(before.container, STOP_GRACE_SECONDS);
      return containerState(service, true);
    },

    /** Starts the bot's container (if it is not running) and waits until it is healthy and its control state answers. */
    async startBotContainer(service: string, readyTimeoutMs: number): Promise<BotContainerState> {
      const before = await containerState(service, false);
      if (!before.exists) throw new PermanentError(`container ${before.container} of ${service} does not exist`);
      if (!before.running) await deps.containers.start(before.container);
      const deadline = Date.now() + readyTimeoutMs;
      let last = 'not checked yet';
      for (;;) {
        const now = await containerState(service, !before.running);
        const healthy = now.running && (now.health === 'healthy' || now.health === 'none');
        if (healthy) {
          try {
            await readState(service);
            return now;
          } catch (err) {
            last = `control state: ${errorMessage(err)}`;
          }
        } else last = `state ${now.state}, health ${now.health}`;
        heartbeatIfActivity(last);
        if (Date.now() > deadline)
          throw new TransientError(`${service} not ready after ${readyTimeoutMs} ms (${last})`);
        await activitySleep(BOT_POLL_MS);
      }
    },
  };
}
