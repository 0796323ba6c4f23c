/**
 * What is running right now, from Temporal visibility (search attributes): open incidents per environment,
 * running executions of a runbook (one deploy per service at a time, resume refused during a critical incident).
 */
import { Client, Connection } from '@temporalio/client';
import type { AtcConfig } from '../../config';
import { UnreachableError, errorMessage } from '../../errors';

export interface OpenExecution {
  workflowId: string;
  runbook?: string;
  environment?: string;
  service?: string;
  severity?: string;
}

export interface RunningWork {
  /** Running executions of a runbook, optionally narrowed to an environment, service or severity. */
  running(
    runbook: string,
    where?: { environment?: string; service?: string; severity?: string },
  ): Promise<OpenExecution[]>;
  close(): Promise<void>;
}

const quote = (s: string) => `'${s.replace(/['\\]/g, '')}'`;

export function createRunningWork(config: AtcConfig): RunningWork {
  let client: Promise<Client> | undefined;
  const connect = () =>
    (client ??= Connection.connect({ address: config.temporal.address, connectTimeout: 5000 }).then(
      (connection) => new Client({ connection, namespace: config.temporal.namespace }),
    ));
  return {
    async running(runbook, where = {}) {
      const clauses = [`AtcRunbook = ${quote(runbook)}`, `ExecutionStatus = 'Running'`];
      if (where.environment) clauses.push(`AtcEnvironment = ${quote(where.environment)}`);
      if (where.service) clauses.push(`AtcService = ${quote(where.service)}`);
      if (where.severity) clauses.push(`AtcSeverity = ${quote(where.severity)}`);
      const out: OpenExecution[] = [];
      try {
        for await (const w of (await connect()).workflow.list({ query: clauses.join(' AND ') })) {
          const sa = w.searchAttributes as Record<string, unknown[] | undefined>;
          const first = (k: string) => (sa[k]?.[0] as string | undefined) ?? undefined;
          out.push({
            workflowId: w.workflowId,
            runbook: first('AtcRunbook'),
            environment: first('AtcEnvironment'),
            service: first('AtcService'),
            severity: first('AtcSeverity'),
          });
        }
      } catch (err) {
        throw new UnreachableError(`Temporal visibility query failed: ${errorMessage(err)}`);
      }
      return out;
    },
    async close() {
      if (client) await (await client).connection.close();
    },
  };
}
