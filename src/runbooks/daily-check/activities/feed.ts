/**
 * LiveFeed section: per feed service of the environment — Prometheus target up, latency, bars in the window,
 * reconnects in the window, and each DQ metric (gaps, outliers, staleness). Queries come from `config.queries`.
 */
import { servicesOf } from '../../../config';
import { renderQuery } from '../../shared/queries';
import type { ActivityDeps } from '../../shared/deps';
import { evidence, promItem, timedSection, unknownItem } from './probe';
import type { CheckItem, CheckSection } from '../contract';

export async function checkFeedSection(deps: ActivityDeps, environment: string): Promise<CheckSection> {
  return timedSection('feed', async () => {
    const feeds = servicesOf(deps.config, environment, 'feed');
    if (feeds.length === 0) {
      const bots = servicesOf(deps.config, environment, 'bot').length;
      const note = evidence('prometheus', `config services (role feed, environment ${environment})`, 'none configured');
      // Bots without a feed to watch is an unknown feed (fail-safe); an environment with neither has nothing to check.
      return [
        {
          name: 'feed services',
          status: bots > 0 ? 'UNKNOWN' : 'OK',
          value: 0,
          threshold: 'bots need a configured feed',
          evidence: [note],
        },
      ];
    }
    const perFeed = await Promise.all(feeds.map((feed) => feedItems(deps, environment, feed.name, feed.prometheusJob)));
    return perFeed.flat();
  });
}

async function feedItems(
  deps: ActivityDeps,
  environment: string,
  service: string,
  job: string | undefined,
): Promise<CheckItem[]> {
  if (!job)
    return [
      unknownItem(`${service} metrics`, 'a prometheusJob is configured', [
        evidence('prometheus', `config service ${service}`, 'no prometheusJob'),
      ]),
    ];
  const l = deps.config.environments[environment]!.limits;
  const q = (key: string) =>
    renderQuery(deps.config.queries[key] ?? `missing query ${key}`, { job, window: l.feedWindow, service });
  const m = deps.metrics;
  return Promise.all([
    promItem(m, `${service} target up`, q('targetUp'), { failBelow: 1 }),
    promItem(
      m,
      `${service} latency`,
      q('feedLatencyMs'),
      { warnAbove: l.feedLatencyWarnMs, failAbove: l.feedLatencyFailMs },
      'ms',
    ),
    promItem(m, `${service} bars in ${l.feedWindow}`, q('feedBarsInWindow'), { failBelow: l.feedMinBarsInWindow }),
    promItem(m, `${service} reconnects in ${l.feedWindow}`, q('feedReconnectsInWindow'), {
      warnAbove: 0,
      failAbove: l.feedMaxReconnectsInWindow,
    }),
    promItem(m, `${service} DQ gaps in ${l.feedWindow}`, q('feedDqGapsInWindow'), { failAbove: l.dqGapsMaxInWindow }),
    promItem(m, `${service} DQ outliers in ${l.feedWindow}`, q('feedDqOutliersInWindow'), {
      failAbove: l.dqOutliersMaxInWindow,
    }),
    promItem(m, `${service} DQ stale`, q('feedDqStaleSeconds'), { failAbove: l.dqStaleMaxSeconds }, 's'),
  ]);
}
