/** Activities of the rig-smoke runbook: one read-only call into every integration. */
import { BadInputError } from '../../errors';
import type { ActivityDeps } from '../shared/deps';
import type { SmokeFinding } from './contract';

export function createSmokeActivities(deps: ActivityDeps) {
  return {
    async smokeListContainers(): Promise<SmokeFinding> {
      const list = await deps.containers.listContainers();
      const running = list.filter((c) => c.state === 'running');
      return {
        ok: list.length > 0,
        detail: `${running.length}/${list.length} running: ${list.map((c) => `${c.name}(${c.state})`).join(', ')}`,
      };
    },
    async smokeQueryPrometheus(): Promise<SmokeFinding> {
      const result = await deps.metrics.query('up');
      const up = result.samples.filter((s) => s.value === 1).length;
      return { ok: result.samples.length > 0, detail: `query "up": ${up}/${result.samples.length} targets up` };
    },
    async smokeListAlerts(): Promise<SmokeFinding> {
      const alerts = await deps.alerts.listAlerts({ active: true });
      return {
        ok: true,
        detail: `${alerts.length} active alert(s)${alerts.length ? `: ${alerts.map((a) => a.labels.alertname).join(', ')}` : ''}`,
      };
    },
    async smokeSelectTrading(): Promise<SmokeFinding> {
      const r = await deps.sql.query<{ n: string; latest: Date | null }>(
        'trading',
        'SELECT count(*) AS n, max(ts) AS latest FROM bars',
      );
      const row = r.rows[0];
      return {
        ok: Number(row?.n ?? 0) > 0,
        detail: `trading.bars: ${row?.n ?? 0} rows, latest ${row?.latest ? new Date(row.latest).toISOString() : 'none'}`,
      };
    },
    async smokeReadBotState(service: string): Promise<SmokeFinding> {
      const bot = deps.config.services.find((s) => s.name === service && s.role === 'bot');
      if (!bot?.controlUrl) throw new BadInputError(`no bot named ${service}`);
      const state = await deps.bots.state(bot.controlUrl);
      return {
        ok: true,
        detail: `${service}: newOrdersEnabled=${state.newOrdersEnabled} openOrders=${state.openOrders} mode=${state.mode}`,
      };
    },
    async listBots(environment?: string): Promise<string[]> {
      return deps.config.services
        .filter((s) => s.role === 'bot' && (!environment || s.environments.includes(environment)))
        .map((s) => s.name);
    },
  };
}
