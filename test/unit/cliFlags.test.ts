/** The CLI's flags per verb and per runbook, and the usage made from them: parsing only, no rig and no Temporal. */
import { main, NAMED_RUNBOOKS, parseCommandLine, VERBS } from '../../src/client/cli';
import { GLOBAL_FLAGS, type Verb } from '../../src/client/context';
import { verbFlags, type NamedRunbook } from '../../src/client/usage';
import type { Flags } from '../../src/runbooks/shared/cli';

async function atc(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const runVerb = VERBS.find((v) => v.name === 'run')!;
const every = new Set([
  ...VERBS.flatMap((v) => Object.keys(verbFlags(v))),
  ...NAMED_RUNBOOKS.flatMap((r) => Object.keys(r.entry.flags)),
]);
/** The flags some other verb or runbook takes and this one does not. */
const notTaken = (verb: Verb, runbook?: NamedRunbook) => [...every].filter((f) => !(f in verbFlags(verb, runbook)));
const prefix = (verb: Verb, runbook?: NamedRunbook) => (runbook ? [verb.name, runbook.name] : [verb.name]);
const label = (verb: Verb, runbook?: NamedRunbook) => prefix(verb, runbook).join(' ');
// `run` alone takes no flag of a runbook: `atc run --help` and `atc run` without a runbook are tested below
const cases: [string, Verb, NamedRunbook | undefined][] = [
  ...VERBS.filter((v) => v !== runVerb).map((v): [string, Verb, undefined] => [v.name, v, undefined]),
  ...NAMED_RUNBOOKS.map((r): [string, Verb, NamedRunbook] => [`run ${r.name}`, runVerb, r]),
];

describe.each(cases)('atc %s', (_, verb, runbook) => {
  test('an unknown flag → exit 2 naming the flag and the verb, with its usage', async () => {
    const r = await atc(...prefix(verb, runbook), '--no-such-flag', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`atc: ${label(verb, runbook)} does not take --no-such-flag`);
    expect(r.stderr).toContain(`usage: atc ${label(verb, runbook)}`);
  });
  test("every other verb's or runbook's flag → exit 2 naming it", async () => {
    const others = notTaken(verb, runbook);
    expect(others.length).toBeGreaterThan(0);
    for (const flag of others) {
      const r = await atc(...prefix(verb, runbook), `--${flag}`, 'x');
      expect([flag, r.code, r.stderr.split('\n')[0]]).toEqual([
        flag,
        2,
        expect.stringContaining(`${label(verb, runbook)} does not take --${flag}`),
      ]);
    }
  });
  test('--help and -h → exit 0 with the usage made from its declarations', async () => {
    for (const help of ['--help', '-h']) {
      const r = await atc(...prefix(verb, runbook), help);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`^usage: atc ${label(verb, runbook)}\\b`));
      expect(r.stdout).toContain(runbook ? runbook.entry.summary : verb.summary);
      for (const [name, f] of Object.entries(verbFlags(verb, runbook)))
        expect(r.stdout).toMatch(new RegExp(`^  --${name}\\b.*${escape(f.help)}`, 'm'));
    }
  });
});

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const required = cases
  .map(([name, verb, runbook]): [string, Verb, NamedRunbook | undefined, string[]] => [
    name,
    verb,
    runbook,
    Object.entries({ ...runbook?.entry.flags, ...verb.flags })
      .filter(([, f]) => f.required)
      .map(([n]) => n),
  ])
  .filter(([, , , names]) => names.length > 0);

test('the verbs and runbooks with required flags', () => {
  expect(required.map(([name, , , names]) => `${name}: ${names.join(' ')}`)).toEqual([
    'approve: as',
    'reject: as',
    'incident: env severity title',
    'ack: as',
    'note: as text',
    'resolve: as summary',
    'run backup: database',
    'run restore: database target',
    'run bot-halt: env service reason',
    'run bot-resume: env service as',
    'run daily-check: env',
    'run deploy: env service image',
    'run rollback: env service',
    'run incident: env severity title',
  ]);
});

describe.each(required)('atc %s without a required flag', (_, verb, runbook, names) => {
  test('none of them → exit 2 naming every one', async () => {
    const r = await atc(...prefix(verb, runbook), 'some-id');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^atc: ${label(verb, runbook)} needs ${names.map((n) => `--${n}\\b[^,]*`).join(', ')}$`, 'm'),
    );
  });
  test.each(names)('all but --%s → exit 2 naming it', async (missing) => {
    const given = names.filter((n) => n !== missing).flatMap((n) => [`--${n}`, 'x']);
    const r = await atc(...prefix(verb, runbook), 'some-id', ...given);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^atc: ${label(verb, runbook)} needs --${missing}\\b[^,]*$`, 'm'));
  });
});

test('the examples of the issue: atc cancel X --image y, atc run deploy --database x → exit 2', async () => {
  const cancel = await atc('cancel', 'X', '--image', 'y');
  expect(cancel.code).toBe(2);
  expect(cancel.stderr).toMatch(/^atc: cancel does not take --image\b/);
  const deploy = await atc('run', 'deploy', '--database', 'x');
  expect(deploy.code).toBe(2);
  expect(deploy.stderr).toMatch(/^atc: run deploy does not take --database\b/);
});

test('atc --help → exit 0: every verb and every runbook, each with its flags and its one line', async () => {
  for (const argv of [['--help'], ['-h']]) {
    const r = await atc(...argv);
    expect(r.code).toBe(0);
    for (const v of VERBS) {
      const own = Object.keys(verbFlags(v)).filter((f) => !(f in GLOBAL_FLAGS));
      expect(r.stdout).toMatch(
        new RegExp(
          `^  ${v.name}${v.args ? ` ${escape(v.args)}` : ''}${own.map((f) => `.* \\[?--${f}\\b`).join('')}`,
          'm',
        ),
      );
      expect(r.stdout).toContain(v.summary);
    }
    for (const { name, entry } of NAMED_RUNBOOKS) {
      expect(r.stdout).toMatch(
        new RegExp(
          `^  ${name}${Object.keys(entry.flags)
            .map((f) => `.* \\[?--${f}\\b`)
            .join('')}`,
          'm',
        ),
      );
      expect(r.stdout).toContain(entry.summary);
    }
    expect(r.stdout).toMatch(/^global: --config F: .*--help, -h/m);
  }
  expect(NAMED_RUNBOOKS.map((r) => r.name).sort()).toEqual([
    'backup',
    'bot-halt',
    'bot-resume',
    'daily-check',
    'deploy',
    'incident',
    'restore',
    'restore-test',
    'rig-smoke',
    'rollback',
  ]);
});

test('atc run --help lists every runbook; no verb at all → the usage and exit 2', async () => {
  const run = await atc('run', '--help');
  expect(run.code).toBe(0);
  for (const { name, entry } of NAMED_RUNBOOKS)
    expect(run.stdout).toMatch(new RegExp(`^  ${name} +${escape(entry.summary)}$`, 'm'));
  const none = await atc();
  expect(none.code).toBe(2);
  expect(none.stdout).toMatch(/^usage: atc <verb>/);
});

test.each([
  [['frobnicate'], /^atc: unknown verb "frobnicate"\nusage: atc <verb>/],
  [['frobnicate', '--help'], /^atc: unknown verb "frobnicate"/],
  [['run', 'no-such-runbook'], /^atc: unknown runbook "no-such-runbook"; runbooks: rig-smoke, /],
  [['run', 'no-such-runbook', '--help'], /^atc: unknown runbook "no-such-runbook"/],
  [['run'], /^atc: usage: atc run <runbook> .*; runbooks: rig-smoke, /],
  [['run', '--env', 'paper'], /^atc: usage: atc run <runbook> .*; runbooks: rig-smoke, /],
  [['list', '--limit'], /^atc: list: Option '--limit <value>' argument missing/],
  [['list', '--json=yes'], /^atc: list: Option '--json' does not take an argument/],
  [['cancel', '-x'], /^atc: cancel does not take -x\b/],
])('atc %j → exit 2', async (argv, message) => {
  const r = await atc(...argv);
  expect(r.stderr).toMatch(message);
  expect(r.code).toBe(2);
});

describe('what a verb is given', () => {
  test('its flags wherever they stand, global ones too; the positionals after the verb', () => {
    const line = parseCommandLine(['--config', 'c.yaml', 'approve', '--as', 'bob', 'wf-1', '--comment', 'ok']);
    expect(line).toMatchObject({
      kind: 'verb',
      positionals: ['wf-1'],
      flags: { config: 'c.yaml', as: 'bob', comment: 'ok' },
    });
    expect(line.kind === 'verb' && line.verb.name).toBe('approve');
  });
  test("run: the verb's and the runbook's flags; the runbook is the first positional", () => {
    const line = parseCommandLine([
      'run',
      'deploy',
      '--env',
      'paper',
      '--service',
      'bot_paper',
      '--image',
      'atc-sim:1.1.0',
      '--dry-run',
      '--json',
    ]);
    expect(line).toMatchObject({ kind: 'verb', positionals: ['deploy'], runbook: { name: 'deploy' } });
    expect(line.kind === 'verb' && line.flags).toEqual({
      env: 'paper',
      service: 'bot_paper',
      image: 'atc-sim:1.1.0',
      'dry-run': true,
      json: true,
    });
  });
  test("--input stands for the runbook's flags: none of them is required then", () => {
    const line = parseCommandLine(['run', 'deploy', '--input', '{"environment":"paper"}']);
    expect(line).toMatchObject({
      kind: 'verb',
      runbook: { name: 'deploy' },
      flags: { input: '{"environment":"paper"}' },
    });
  });
});

describe('the declarations', () => {
  test.each(NAMED_RUNBOOKS.map((r) => [r.name, r] as const))(
    '%s: fromFlags reads only the flags it declares, and every one of them',
    (_, { entry }) => {
      const read = new Set<string>();
      const flags = new Proxy({} as Flags, { get: (_t, key) => (typeof key === 'string' && read.add(key), undefined) });
      entry.fromFlags(flags);
      expect([...read].sort()).toEqual(Object.keys(entry.flags).sort());
    },
  );
  test("a flag has one type wherever it is declared; a runbook's flags do not shadow run's or the global ones", () => {
    const types = new Map<string, Set<string>>();
    for (const specs of [...VERBS.map((v) => verbFlags(v)), ...NAMED_RUNBOOKS.map((r) => r.entry.flags)]) {
      for (const [name, f] of Object.entries(specs)) types.set(name, new Set([...(types.get(name) ?? []), f.type]));
    }
    expect([...types].filter(([, t]) => t.size > 1)).toEqual([]);
    for (const { entry } of NAMED_RUNBOOKS)
      expect(Object.keys(entry.flags).filter((f) => f in verbFlags(runVerb))).toEqual([]);
  });
});
