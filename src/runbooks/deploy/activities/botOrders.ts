/**
 * A bot's new-orders state around a deploy: read it before the halt, wait for open orders to drain, and set it on
 * the container that runs afterwards (a fresh bot process starts with its own default). Each call reads the
 * control state first and only POSTs when it differs, so a retry does not repeat a halt or resume.
 */
import { PermanentError, TransientError, errorMessage } from '../../../errors';
import type { BotState } from '../../../integrations/botControl';
import { activitySleep, firstScheduledAtMs, heartbeatIfActivity } from '../../shared/activityContext';
import type { ActivityDeps } from '../../shared/deps';

const POLL_MS = 250;
const SET_CONFIRM_MS = 10_000;

export function createDeployBotActivities(deps: ActivityDeps) {
  const bot = (service: string) => {
    const svc = deps.config.services.find((s) => s.name === service && s.role === 'bot');
    if (!svc?.controlUrl) throw new PermanentError(`no bot named ${service} with a controlUrl`);
    return svc;
  };

  return {
    async deployBotState(service: string): Promise<BotState> {
      return deps.bots.state(bot(service).controlUrl!);
    },

    /** Waits until openOrders is 0 (or the container is not running: nothing can be open then). */
    async deployWaitOpenOrders(req: { service: string; timeoutMs: number }): Promise<{ ok: boolean; detail: string }> {
      const svc = bot(req.service);
      const deadline = firstScheduledAtMs() + req.timeoutMs;
      let last = 'no answer yet';
      for (;;) {
        const status = await deps.containers.status(svc.container);
        if (!status.running) return { ok: true, detail: `container ${svc.container} is not running: no open orders` };
        try {
          const s = await deps.bots.state(svc.controlUrl!);
          if (s.openOrders === 0) return { ok: true, detail: `openOrders=0 (newOrdersEnabled=${s.newOrdersEnabled})` };
          last = `openOrders=${s.openOrders}`;
        } catch (err) {
          last = `control state unreadable: ${errorMessage(err)}`;
        }
        if (Date.now() + POLL_MS > deadline) return { ok: false, detail: `${last} after ${req.timeoutMs} ms` };
        heartbeatIfActivity(last);
        await activitySleep(POLL_MS);
      }
    },

    /** Sets newOrdersEnabled on the running bot and reads it back. */
    async deploySetNewOrders(req: { service: string; enabled: boolean; reason: string }): Promise<BotState> {
      const url = bot(req.service).controlUrl!;
      let state = await deps.bots.state(url);
      if (state.newOrdersEnabled === req.enabled) return state;
      await (req.enabled ? deps.bots.resume(url) : deps.bots.halt(url, req.reason));
      const deadline = Date.now() + SET_CONFIRM_MS;
      while (state.newOrdersEnabled !== req.enabled) {
        if (Date.now() > deadline)
          throw new TransientError(`${req.service} still reports newOrdersEnabled=${state.newOrdersEnabled}`);
        await activitySleep(POLL_MS);
        state = await deps.bots.state(url);
      }
      return state;
    },
  };
}
