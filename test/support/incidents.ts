/**
 * Incident helpers for integration tests on the rig. Since the rig's Alertmanager posts to the rig's service, a test
 * that injects a feed or bot fault in paper/live opens real incidents (which halt bots and, when critical, stay open
 * until a human resolves them). `closeOpenIncidents` resolves them without an ack (an ack would create a silence
 * that hides later alerts of the same group from the next test) and terminates what still does not close.
 */
import { Client, Connection } from '@temporalio/client';
import { incidentQuery, resolveUpdate, type IncidentView } from '../../src/runbooks/incident/contract';
import { rigState } from './rig';
import { waitFor } from './waitFor';

export async function withRigClient<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: `127.0.0.1:${rigState().ports.temporal}` });
  try {
    return await fn(new Client({ connection }));
  } finally {
    await connection.close();
  }
}

export async function openIncidentIds(client: Client, environment?: string): Promise<string[]> {
  const clauses = [`AtcRunbook = 'incident'`, `ExecutionStatus = 'Running'`];
  if (environment) clauses.push(`AtcEnvironment = '${environment}'`);
  const ids: string[] = [];
  for await (const w of client.workflow.list({ query: clauses.join(' AND ') })) ids.push(w.workflowId);
  return ids;
}

/** Expires the Alertmanager silences atc-ops created for an incident (by the id in their comment). */
export async function expireIncidentSilences(incidentId?: string): Promise<void> {
  const base = `http://127.0.0.1:${rigState().ports.alertmanager}`;
  const list = (await (await fetch(`${base}/api/v2/silences`)).json()) as {
    id: string;
    comment: string;
    status: { state: string };
  }[];
  for (const s of list) {
    if (s.status.state === 'expired' || !s.comment.includes(incidentId ? `[incident ${incidentId}]` : '[incident '))
      continue;
    await fetch(`${base}/api/v2/silence/${s.id}`, { method: 'DELETE' });
  }
}

/** Resolves every open incident (as "test-cleanup"), waits for them to close, terminates the rest. */
export async function closeOpenIncidents(opts: { environment?: string; waitMs?: number } = {}): Promise<string[]> {
  return withRigClient(async (client) => {
    const ids = await openIncidentIds(client, opts.environment);
    for (const id of ids) {
      await client.workflow
        .getHandle(id)
        .executeUpdate(resolveUpdate, { args: [{ actor: 'test-cleanup', summary: 'closed by test cleanup' }] })
        .catch(() => undefined);
    }
    const deadline = Date.now() + (opts.waitMs ?? 20_000);
    for (const id of ids) {
      const handle = client.workflow.getHandle(id);
      const timeoutMs = Math.max(0, deadline - Date.now());
      await waitFor(`incident ${id} closed`, async () => (await handle.describe()).status.name !== 'RUNNING', {
        timeoutMs,
        everyMs: 250,
      }).catch(() => undefined);
      if ((await handle.describe()).status.name === 'RUNNING')
        await handle.terminate('test cleanup: alerts still firing');
      await expireIncidentSilences(id);
    }
    return ids;
  });
}

/** Polls an incident's view until `pred` holds. */
export async function waitIncident(
  client: Client,
  id: string,
  pred: (v: IncidentView) => boolean,
  timeoutMs = 60_000,
): Promise<IncidentView> {
  let last: IncidentView | undefined;
  try {
    return await waitFor(
      `incident ${id}`,
      async () => {
        last = await client.workflow
          .getHandle(id)
          .query(incidentQuery)
          .catch(() => last);
        return last && pred(last) && last;
      },
      { timeoutMs, everyMs: 250 },
    );
  } catch {
    throw new Error(
      `incident ${id}: condition not reached in ${timeoutMs} ms; timeline: ${JSON.stringify(last?.timeline ?? null)}`,
    );
  }
}
