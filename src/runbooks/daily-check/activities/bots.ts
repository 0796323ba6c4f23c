/**
 * Bots section: per bot of the environment — equity, drawdown, PnL and tracking error versus RefStrat_01
 * (Prometheus, against the environment's limits), and whether it accepts new orders (its control state).
 */
import { servicesOf, type ServiceConfig } from '../../../config';
import { errorMessage } from '../../../errors';
import { renderQuery } from '../../shared/queries';
import type { ActivityDeps } from '../../shared/deps';
import { evidence, promItem, timedSection, unknownItem } from './probe';
import type { CheckItem, CheckSection } from '../contract';

export async function checkBotsSection(deps: ActivityDeps, environment: string): Promise<CheckSection> {
  return timedSection('bots', async () => {
    const bots = servicesOf(deps.config, environment, 'bot');
    if (bots.length === 0) {
      const note = evidence('bot-control', `config services (role bot, environment ${environment})`, 'none configured');
      return [{ name: 'bots', status: 'OK', value: 0, threshold: 'no bots in this environment', evidence: [note] }];
    }
    return (await Promise.all(bots.map((bot) => botItems(deps, environment, bot)))).flat();
  });
}

async function botItems(deps: ActivityDeps, environment: string, bot: ServiceConfig): Promise<CheckItem[]> {
  const control = controlItem(deps, bot);
  const job = bot.prometheusJob;
  if (!job)
    return [
      unknownItem(`${bot.name} metrics`, 'a prometheusJob is configured', [
        evidence('prometheus', `config service ${bot.name}`, 'no prometheusJob'),
      ]),
      await control,
    ];
  const l = deps.config.environments[environment]!.limits;
  const q = (key: string) =>
    renderQuery(deps.config.queries[key] ?? `missing query ${key}`, { job, service: bot.name });
  const m = deps.metrics;
  return Promise.all([
    promItem(m, `${bot.name} equity`, q('botEquity'), { failBelow: l.botMinEquity }, 'USDT'),
    promItem(
      m,
      `${bot.name} drawdown`,
      q('botDrawdownPct'),
      { warnAbove: l.botDrawdownWarnPct, failAbove: l.botDrawdownFailPct },
      '%',
    ),
    promItem(m, `${bot.name} PnL`, q('botPnl'), {}, 'USDT'),
    promItem(m, `${bot.name} tracking error vs RefStrat_01`, q('botTrackingError'), {
      warnAbove: l.botTrackingErrorWarn,
      failAbove: l.botTrackingErrorFail,
    }),
    control,
  ]);
}

/** A halted bot is WARN (someone halted it on purpose, or a fail-safe did); an unreadable state is UNKNOWN. */
async function controlItem(deps: ActivityDeps, bot: ServiceConfig): Promise<CheckItem> {
  const name = `${bot.name} new orders`;
  const threshold = 'newOrdersEnabled=true (halted: warn)';
  const call = `GET ${bot.controlUrl ?? '(no controlUrl)'}/control/state`;
  try {
    const state = await deps.bots.state(bot.controlUrl!);
    const ev = evidence('bot-control', call, JSON.stringify(state));
    return {
      name,
      status: state.newOrdersEnabled ? 'OK' : 'WARN',
      value: state.newOrdersEnabled ? 'enabled' : 'halted',
      threshold,
      evidence: [ev],
    };
  } catch (err) {
    return unknownItem(name, threshold, [evidence('bot-control', call, `error: ${errorMessage(err)}`)]);
  }
}
