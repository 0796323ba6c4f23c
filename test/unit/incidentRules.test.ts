/** Pure parts of the incident runbook: playbook matching and planning, config validation, payload splitting, postmortem. */
import { planActions, labelMatches } from '../../src/runbooks/incident/activities/playbookPlan';
import { renderPostmortem } from '../../src/runbooks/incident/activities/postmortem';
import { parseConfig } from '../../src/config';
import { bearerChecker, Rejection } from '../../src/client/webhook/intake';
import { alertmanagerPayload, incidentBaseId, splitByEnvironment } from '../../src/client/webhook/payload';
import { applyNotification, newIncidentState, toView } from '../../src/runbooks/incident/state';

const config = parseConfig({
  services: [
    { name: 'live_connector', role: 'feed', environments: ['paper', 'live'], container: 'live_connector' },
    {
      name: 'bot_paper',
      role: 'bot',
      environments: ['paper'],
      container: 'bot_paper',
      controlUrl: 'http://127.0.0.1:1',
    },
    {
      name: 'bot_paper2',
      role: 'bot',
      environments: ['paper'],
      container: 'bot_paper2',
      controlUrl: 'http://127.0.0.1:2',
    },
    { name: 'bot_live', role: 'bot', environments: ['live'], container: 'bot_live', controlUrl: 'http://127.0.0.1:3' },
  ],
});
const alert = (labels: Record<string, string>, fingerprint = 'f1') => ({ fingerprint, labels });

test.each([
  ['FeedStale', '=~Feed.*', true],
  ['XFeedStale', '=~Feed.*', false], // anchored, as in Prometheus
  ['FeedStale', 'FeedStale', true],
  ['FeedStale', '=FeedStale', true],
  ['FeedStale', '!=FeedStale', false],
  ['TargetDown', '!~Feed.*', true],
  [undefined, '', true], // a missing label is the empty string
  [undefined, '=~.+', false],
])('label %s against matcher %s → %s', (value, spec, expected) => {
  expect(labelMatches(spec, value)).toBe(expected);
});

test('default playbooks: feed alert halts every bot the feed serves; drawdown halts that bot; container down restarts it', () => {
  const feedAlert = [alert({ alertname: 'FeedLatencyHigh', service: 'live_connector' })];
  const fed = planActions(config, 'paper', feedAlert);
  expect(fed.map((a) => [a.key, a.environment])).toEqual([
    ['halt-bot:bot_paper', undefined],
    ['halt-bot:bot_paper2', undefined],
    ['halt-bot:bot_live', 'live'],
  ]);
  expect(fed[2]!.reason).toMatch(/feed live_connector also serves live/);
  const liveOff = parseConfig({
    ...config,
    environments: { dev: {}, paper: {}, live: { haltBotsOnFeedFailure: false } },
  });
  expect(planActions(liveOff, 'paper', feedAlert).map((a) => [a.kind, a.target])).toEqual([
    ['halt-bot', 'bot_paper'],
    ['halt-bot', 'bot_paper2'],
    ['skip', 'live'],
  ]);
  expect(
    planActions(config, 'paper', [alert({ alertname: 'FeedStale', job: 'live_connector' })]).map((a) => a.target),
  ).toEqual(['bot_paper', 'bot_paper2', 'bot_live']);
  expect(planActions(config, 'live', [alert({ alertname: 'FeedStale' })]).map((a) => a.key)).toEqual([
    'halt-bot:bot_live',
  ]);
  expect(
    planActions(config, 'paper', [alert({ alertname: 'BotDrawdownBreach', service: 'bot_paper2' })]).map((a) => a.key),
  ).toEqual(['halt-bot:bot_paper2']);
  expect(planActions(config, 'paper', [alert({ alertname: 'TargetDown', service: 'bot_paper' })])).toEqual([
    expect.objectContaining({ kind: 'restart-container', target: 'bot_paper', bot: 'bot_paper' }),
  ]);
  expect(planActions(config, 'paper', [alert({ alertname: 'TargetDown', job: 'atc_ops' })])).toEqual([
    expect.objectContaining({ kind: 'skip', detail: expect.stringMatching(/no container/) }),
  ]);
  expect(planActions(config, 'dev', [alert({ alertname: 'FeedStale' })])).toEqual([
    expect.objectContaining({ kind: 'skip', detail: 'no bot is configured in dev' }),
  ]);
  expect(planActions(config, 'paper', [alert({ alertname: 'SomethingElse' })])).toEqual([]);
  const two = planActions(config, 'paper', [
    alert({ alertname: 'FeedStale' }, 'a'),
    alert({ alertname: 'FeedLatencyHigh' }, 'b'),
  ]);
  expect(two).toHaveLength(2); // one halt per bot, whatever the number of matching alerts
});

test('playbooks from config: first match wins; a bad regex or action is refused with its path', () => {
  const custom = parseConfig({
    ...config,
    playbooks: [
      { match: { alertname: 'FeedStale', environment: 'live' }, actions: ['notify'] },
      { match: { alertname: '=~Feed.*' }, actions: ['halt-env-bots', 'notify'] },
    ],
  });
  expect(
    planActions(custom, 'live', [alert({ alertname: 'FeedStale', environment: 'live' })]).map((a) => a.kind),
  ).toEqual(['notify']);
  expect(
    planActions(custom, 'paper', [alert({ alertname: 'FeedStale', environment: 'paper' })]).map((a) => a.kind),
  ).toEqual(['halt-bot', 'halt-bot', 'notify']);
  expect(() => parseConfig({ playbooks: [{ match: { alertname: '=~(' }, actions: ['notify'] }] })).toThrow(
    /playbooks\.0\.match\.alertname/,
  );
  expect(() => parseConfig({ playbooks: [{ match: { alertname: 'X' }, actions: ['resume-bots'] }] })).toThrow(
    /playbooks\.0\.actions\.0/,
  );
  expect(() => parseConfig({ incidents: { escalation: { critical: ['5 minutes'] } } })).toThrow(
    /incidents\.escalation\.critical\.0/,
  );
  expect(parseConfig({}).incidents).toMatchObject({
    escalation: { critical: ['5m', '15m'], warning: ['30m'], info: [] },
    silenceOnAck: true,
  });
});

test('a notification is split per environment; ids are stable per group and environment', () => {
  const payload = alertmanagerPayload.parse({
    version: '4',
    groupKey: 'g',
    status: 'firing',
    receiver: 'r',
    groupLabels: { alertname: 'FeedStale' },
    futureKey: { x: 1 },
    alerts: [
      {
        status: 'firing',
        fingerprint: 'a',
        startsAt: '2026-01-01T00:00:00Z',
        labels: { alertname: 'FeedStale', environment: 'paper', severity: 'critical', service: 'live_connector' },
        annotations: {},
      },
      {
        status: 'resolved',
        fingerprint: 'b',
        startsAt: '2026-01-01T00:00:00Z',
        labels: { alertname: 'FeedStale', environment: 'live', severity: 'critical' },
        annotations: {},
      },
      {
        status: 'firing',
        fingerprint: 'c',
        startsAt: '2026-01-01T00:00:00Z',
        labels: { alertname: 'FeedStale', environment: 'NOT VALID' },
        annotations: {},
      },
    ],
  });
  const parts = splitByEnvironment(payload, 'dev', '2026-01-01T00:00:01Z');
  expect(parts.map((p) => [p.environment, p.severity, p.allResolved, p.notifications[0]!.alerts.length])).toEqual([
    ['paper', 'critical', false, 1],
    ['live', 'info', true, 1],
    ['dev', 'warning', false, 1], // no valid environment label: the default; no severity label: warning
  ]);
  expect(parts[0]!.baseId).toBe(incidentBaseId('g', 'paper'));
  expect(incidentBaseId('g', 'paper')).toMatch(/^incident-paper-[0-9a-f]{16}$/);
  expect(incidentBaseId('g', 'paper')).not.toBe(incidentBaseId('g', 'live'));
});

test('bearer token: only the exact token passes; no configured token refuses everything', () => {
  const check = bearerChecker('s3cret');
  expect(() => check('Bearer s3cret')).not.toThrow();
  for (const h of [undefined, '', 'Bearer', 'Bearer s3cre', 'Bearer s3cretx', 'Basic s3cret', 's3cret'])
    expect(() => check(h)).toThrow(Rejection);
  expect(() => bearerChecker(undefined)('Bearer ')).toThrow(/no webhook token is configured/);
});

test('postmortem skeleton: actors, durations, alerts, actions and the whole timeline', () => {
  const s = newIncidentState(
    'incident-paper-x',
    { source: 'alertmanager', environment: 'paper', groupKey: 'g', groupLabels: {} },
    '2026-01-01T00:00:00.000Z',
  );
  applyNotification(
    s,
    {
      receivedAt: '',
      status: 'firing',
      groupKey: 'g',
      alerts: [
        {
          status: 'firing',
          fingerprint: 'a',
          startsAt: '2026-01-01T00:00:00Z',
          endsAt: '',
          labels: { alertname: 'FeedStale', service: 'live_connector', severity: 'critical' },
          annotations: { summary: 'no | bars' },
        },
      ],
    },
    '2026-01-01T00:00:00.000Z',
  );
  Object.assign(s, {
    ack: { actor: 'alice', at: '2026-01-01T00:03:00.000Z' },
    resolution: { actor: 'bob', at: '2026-01-01T01:00:00.000Z', text: 'venue outage' },
    closedAt: '2026-01-01T01:00:00.000Z',
    actions: [
      {
        key: 'halt-bot:bot_paper',
        action: 'halt-bot',
        target: 'bot_paper',
        status: 'verified',
        startedAt: '2026-01-01T00:00:01.000Z',
        finishedAt: '2026-01-01T00:00:02.000Z',
        detail: 'halted',
      },
    ],
    timeline: [{ at: '2026-01-01T00:00:00.000Z', kind: 'open', actor: 'alertmanager', text: 'opened' }],
  });
  const md = renderPostmortem(toView(s));
  expect(md).toContain('# Postmortem: FeedStale on live_connector (paper): no | bars');
  expect(md).toContain('by **alice** (time to acknowledge 3m 0s)');
  expect(md).toContain('(duration 1h 0s)');
  expect(md).toContain('| halt-bot | bot_paper |');
  expect(md).toContain('venue outage');
  expect(md).toContain('| 2026-01-01T00:00:00.000Z | open | alertmanager | opened |');
});
