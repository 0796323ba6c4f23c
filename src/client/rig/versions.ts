/** Versions of the real parts the rig runs (printed by `atc rig status` and by the integration tests). */
import * as path from 'node:path';
import Docker from 'dockerode';
import type { RigState } from './state';
import { ALERTMANAGER_BIN, PROMETHEUS_BIN } from './monitoring';
import { PG_BIN } from './postgres';
import { toolVersion } from './processes';
import { findTemporalCli } from './temporal';

export async function rigVersions(state: RigState): Promise<Record<string, string>> {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  let dockerd = 'unknown';
  try {
    const v = await new Docker({ socketPath: state.dockerSocket }).version();
    dockerd = `dockerd ${v.Version} (API ${v.ApiVersion})`;
  } catch {
    dockerd = 'unreachable';
  }
  const [temporal, prometheus, alertmanager, postgres, node] = await Promise.all([
    findTemporalCli(repoRoot).then((cli) => toolVersion(cli, ['--version'])),
    toolVersion(PROMETHEUS_BIN),
    toolVersion(ALERTMANAGER_BIN),
    toolVersion(path.join(PG_BIN, 'postgres')),
    Promise.resolve(`node ${process.version}`),
  ]);
  return { temporal, dockerd, prometheus, alertmanager, postgres, node };
}
