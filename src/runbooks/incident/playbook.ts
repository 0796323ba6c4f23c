/**
 * The first-response playbook: newly firing alerts → planned actions (an activity applies the configured rules) →
 * each action once per incident, verified and recorded: halting a bot is the `botHalt` child workflow (verified
 * by its read-back or a stopped container); a container restart happens once, then must be seen running; a failed
 * or unverified action escalates at once. Never resumes anything.
 */
import { CancellationScope, ParentClosePolicy, condition, executeChild, proxyActivities } from '@temporalio/workflow';
import { botHalt } from '../bot-halt/workflow';
import { failureText } from '../shared/failures';
import { waiting } from '../shared/profiles';
import type { ContainerWait } from './activities';
import type { PlannedAction } from './activities/playbookPlan';
import type { ActionRecord } from './contract';
import { act, local, nowIso, type IncidentActivities, type IncidentRuntime } from './runtime';

const waitAct = (timeoutMs: number) => proxyActivities<IncidentActivities>(waiting(timeoutMs));

const hasUnplanned = (rt: IncidentRuntime) => rt.state.alerts.some((a) => a.status === 'firing' && !a.planned);

export async function playbookLoop(rt: IncidentRuntime): Promise<void> {
  for (;;) {
    await condition(() => rt.draining || rt.closing || hasUnplanned(rt));
    if (rt.draining || rt.closing) return;
    rt.busy++;
    try {
      const batch = rt.state.alerts.filter((a) => a.status === 'firing' && !a.planned);
      batch.forEach((a) => (a.planned = true));
      const plan = await local
        .planIncidentActions(
          rt.state.environment,
          batch.map((a) => ({ fingerprint: a.fingerprint, labels: a.labels, summary: a.summary })),
        )
        .catch((err: unknown) => {
          rt.record('info', 'atc-ops', `playbook could not be planned: ${failureText(err)}`);
          return [] as PlannedAction[];
        });
      const todo = plan.filter((p) => !rt.state.actions.some((a) => a.key === p.key));
      await Promise.all(todo.map((p) => runAction(rt, p)));
    } finally {
      rt.busy--;
    }
  }
}

async function runAction(rt: IncidentRuntime, p: PlannedAction): Promise<void> {
  const record: ActionRecord = {
    key: p.key,
    action: p.kind,
    target: p.target,
    rule: p.rule,
    status: 'running',
    startedAt: nowIso(),
  };
  rt.state.actions.push(record);
  if (p.kind === 'skip') {
    Object.assign(record, { status: 'skipped', finishedAt: record.startedAt, detail: p.detail });
    rt.record('action', 'atc-ops', `skipped (${p.rule}): ${p.detail}`);
    return;
  }
  rt.record('action', 'atc-ops', `${p.kind} ${p.target} started (${p.rule})`);
  let verified = false;
  let detail: string;
  try {
    [verified, detail] = await perform(rt, p);
  } catch (err) {
    detail = failureText(err);
  }
  Object.assign(record, { status: verified ? 'verified' : 'failed', finishedAt: nowIso(), detail });
  rt.record('action', 'atc-ops', `${p.kind} ${p.target} ${verified ? 'verified' : 'FAILED'}: ${detail}`);
  if (verified && !rt.state.firstActionAt) {
    rt.state.firstActionAt = record.finishedAt;
    const seconds = (Date.parse(record.finishedAt!) - Date.parse(rt.state.openedAt)) / 1000;
    await act
      .recordIncidentMetric('first-action', rt.state.environment, rt.state.severity, seconds)
      .catch(() => undefined);
  }
  if (!verified) await rt.escalate(`first-response action ${p.kind} ${p.target} failed: ${detail}`);
  if (
    verified &&
    p.kind === 'restart-container' &&
    p.bot &&
    !rt.state.actions.some((a) => a.key === `halt-bot-after-restart:${p.bot}`)
  ) {
    // a restarted bot comes back with new orders enabled: halt it, a human resumes it (bot-resume)
    await runAction(rt, {
      ...p,
      key: `halt-bot-after-restart:${p.bot}`,
      kind: 'halt-bot',
      target: p.bot,
      reason: `${p.reason} (its container was restarted by the incident)`,
    });
  }
}

async function perform(rt: IncidentRuntime, p: PlannedAction): Promise<[boolean, string]> {
  if (p.kind === 'halt-bot') {
    // Out of reach of a cancellation of the incident: a halt that has begun finishes (fail-safe).
    const r = await CancellationScope.nonCancellable(() =>
      executeChild(botHalt, {
        workflowId: `${rt.id}-${p.key.startsWith('halt-bot-after-restart') ? 'rehalt' : 'halt'}-${p.target}`,
        args: [
          {
            environment: p.environment ?? rt.state.environment,
            service: p.target,
            reason: `incident ${rt.id}: ${p.reason}`.slice(0, 500),
            requestedBy: 'atc-ops incident',
          },
        ],
        parentClosePolicy: ParentClosePolicy.ABANDON, // a halt in progress finishes even if the incident is terminated
        workflowExecutionTimeout: '10m',
      }),
    );
    const safe = r.confirmed || r.path === 'container-stopped';
    return [safe, `${r.path}${r.confirmed ? ', newOrdersEnabled=false read back' : ''}: ${r.detail}`];
  }
  if (p.kind === 'restart-container') {
    const plannedAt = rt.state.actions.find((a) => a.key === p.key)!.startedAt;
    const restart = await act.restartContainerOnce(p.target, plannedAt);
    rt.record('action', 'atc-ops', `container ${p.target}: ${restart.detail}; verifying it runs`);
    const timeout = rt.settings.restartVerifyTimeoutMs;
    const w: ContainerWait = await waitAct(timeout).awaitContainerRunning(p.target, timeout);
    const seen = `state ${w.state ?? '?'}, health ${w.health ?? '?'} after ${w.waitedMs} ms`;
    return [
      w.running,
      w.running
        ? `${restart.detail}; running (${seen})`
        : `${restart.detail}; NOT running within ${timeout} ms (${seen}); no second restart`,
    ];
  }
  const sent = await rt.notify(`playbook notification: ${p.reason}`, `rule "${p.rule}" matched: ${p.reason}`);
  return [sent, sent ? 'on-call notified' : 'the notification could not be delivered'];
}
