/** Integration tests: a client of the rig's Temporal dev server. (Workflow unit tests: test/unit/support/temporal.ts.) */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { rigState } from './rig';

let installed = false;
export function quietRuntime(): void {
  if (installed) return;
  installed = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export interface TemporalTestEnv {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

export async function connectTestEnv(): Promise<TemporalTestEnv> {
  quietRuntime();
  const address = `127.0.0.1:${rigState().ports.temporal}`;
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection }),
    nativeConnection,
    async close() {
      await connection.close();
      await nativeConnection.close();
    },
  };
}
