/** The rig's state file: free ports, pids and paths of everything `atc rig up` started. */
import { mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import * as path from 'node:path';
import { envSetting } from '../../config';

export interface SimTarget {
  service: string; // the service name in the config (and the container name)
  kind: 'feed' | 'bot';
  port: number; // listens on 127.0.0.1:port (host network)
  mode?: 'paper' | 'live';
}

export interface RigState {
  home: string; // ATC_HOME
  dir: string; // ATC_HOME/rig
  configPath: string; // the config the rig wrote for itself
  tokenFile: string; // the webhook bearer token (a secret: never printed)
  ports: {
    temporal: number;
    temporalUi: number;
    postgres: number;
    prometheus: number;
    alertmanager: number;
    service: number;
  };
  pids: Partial<Record<'temporal' | 'postgres' | 'dockerd' | 'prometheus' | 'alertmanager' | 'service', number>>;
  dockerSocket: string;
  sims: SimTarget[];
  images: { sim: string; simTags: string[] };
  versions: Partial<Record<string, string>>;
}

export function atcHome(): string {
  return path.resolve(envSetting('ATC_HOME') ?? path.join(__dirname, '..', '..', '..', '.atc'));
}

export function rigDir(home = atcHome()): string {
  return path.join(home, 'rig');
}

export function stateFile(home = atcHome()): string {
  return path.join(rigDir(home), 'state.json');
}

export function readRigState(home = atcHome()): RigState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(home), 'utf8')) as RigState;
  } catch {
    return undefined;
  }
}

export function writeRigState(state: RigState): void {
  mkdirSync(state.dir, { recursive: true });
  const tmp = `${stateFile(state.home)}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, stateFile(state.home));
}
