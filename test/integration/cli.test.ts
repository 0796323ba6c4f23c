/** Bad config files and bad CLI input: a clear message and exit code 2; unreachable infrastructure: exit 3. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { atc } from '../support/cli';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'atc-cli-'));
function configFile(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

describe('bad config file → exit 2, every problem listed with its path', () => {
  test('several schema errors at once', async () => {
    const file = configFile(
      'bad.yaml',
      [
        'temporal: { address: 127.0.0.1:7233, taskQueue: "" }',
        'prometheus: { url: not-a-url }',
        'environments: { paper: { approvalTimeout: soon } }',
        'services:',
        '  - { name: bot_x, role: bot, environments: [paper, nowhere], container: bot_x }',
        '  - { name: Feed, role: feeder, environments: [paper], container: f }',
        'surprise: 1',
      ].join('\n'),
    );
    const r = await atc(['list', '--config', file]);
    expect(r.code).toBe(2);
    for (const p of [
      'temporal.taskQueue',
      'prometheus.url',
      'environments.paper.approvalTimeout',
      'services.0.controlUrl',
      'services.1.name',
      'services.1.role',
      '(root)',
    ]) {
      expect(r.stderr).toContain(p);
    }
  });
  test('cross-references: unknown environment, unknown dependency, duplicate service', async () => {
    const file = configFile(
      'refs.yaml',
      [
        'services:',
        '  - { name: feed, role: feed, environments: [paper, nowhere], container: feed }',
        '  - { name: bot, role: bot, environments: [paper], container: bot, controlUrl: "http://127.0.0.1:1", dependsOn: [ghost] }',
        '  - { name: feed, role: feed, environments: [live], container: feed2 }',
      ].join('\n'),
    );
    const r = await atc(['list', '--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/services\.0\.environments\.1: unknown environment nowhere/);
    expect(r.stderr).toMatch(/services\.1\.dependsOn\.0: unknown service ghost/);
    expect(r.stderr).toMatch(/services\.2\.name: duplicate service feed/);
  });
  test('not YAML', async () => {
    const r = await atc(['list', '--config', configFile('broken.yaml', 'temporal: [unclosed')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid YAML/);
  });
  test('missing file', async () => {
    const r = await atc(['list', '--config', path.join(tmp, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read config file .*nope\.yaml: ENOENT/);
  });
});

describe('bad CLI input → exit 2 with a clear message', () => {
  test.each([
    [['frobnicate'], /unknown verb "frobnicate"/],
    [['list', '--bogus'], /Unknown option '--bogus'/],
    [['run'], /usage: atc run <runbook>/],
    [['run', 'no-such-runbook'], /runbooks: rig-smoke/],
    [['run', 'rig-smoke', '--env', 'Paper Trading'], /invalid input for rig-smoke: environment/],
    [['run', 'rig-smoke', '--input', '[1,2]'], /--input must be a JSON object/],
    [['run', 'rig-smoke', '--input', '{"rounds": 1000}'], /rounds/],
    [['run', 'daily-check', '--env', 'paper', '--only', 'feed,network'], /invalid input for daily-check: sections/],
    [
      ['run', 'backup', '--env', 'dev', '--database', 'nope'],
      /invalid input for backup: database: unknown database "nope" \(configured: trading, mlflow\)/,
    ],
    [
      ['run', 'daily-check', '--env', 'stage'],
      /invalid input for daily-check: environment: unknown environment "stage"/,
    ],
    [
      ['run', 'bot-halt', '--env', 'paper', '--service', 'bot_live', '--reason', 'x'],
      /service: unknown service "bot_live" in paper/,
    ],
    [['approve', 'some-id'], /usage: atc approve <workflow-id> --as <who>/],
    [['reject'], /usage: atc reject/],
    [['show'], /usage: atc show <workflow-id>/],
    [['cancel', 'a', 'b'], /usage: atc cancel/],
    [['list', '--limit', 'lots'], /--limit must be a whole number/],
    [['rig', 'sideways'], /usage: atc rig up\|down\|status/],
    [['sim', 'fault', 'live_connector', 'meteor'], /unknown feed fault "meteor"; allowed: stall, latency/],
    [['sim', 'fault', 'no_such_sim', 'stall'], /unknown simulator "no_such_sim"/],
  ])('atc %j', async (args, message) => {
    const r = await atc(args);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
  });
  test('a workflow id that does not exist', async () => {
    const r = await atc(['show', 'no-such-workflow-id']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no workflow with id no-such-workflow-id/);
  });
});

test('Temporal unreachable → exit 3', async () => {
  const file = configFile('unreachable.yaml', 'temporal: { address: "127.0.0.1:1" }\n');
  const r = await atc(['list', '--config', file], { timeoutMs: 60_000 });
  expect(r.stderr).toMatch(/unreachable/);
  expect(r.code).toBe(3);
});
