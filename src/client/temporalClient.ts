/** A Temporal client for the CLI and the HTTP server; an unreachable server becomes UnreachableError (exit 3 / 503). */
import { Client, Connection } from '@temporalio/client';
import type { AtcConfig } from '../config';
import { UnreachableError, errorMessage } from '../errors';

export async function connectClient(config: AtcConfig, timeoutMs = 5000): Promise<Client> {
  try {
    const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: timeoutMs });
    return new Client({ connection, namespace: config.temporal.namespace });
  } catch (err) {
    throw new UnreachableError(`Temporal at ${config.temporal.address} is unreachable: ${errorMessage(err)}`);
  }
}

/** gRPC status codes that mean the server is not there (UNAVAILABLE, DEADLINE_EXCEEDED). */
export function isTemporalUnavailable(err: unknown): boolean {
  const code = (err as { code?: number })?.code ?? (err as { cause?: { code?: number } })?.cause?.code;
  return code === 14 || code === 4 || /UNAVAILABLE|DEADLINE_EXCEEDED|ECONNREFUSED/.test(errorMessage(err));
}
