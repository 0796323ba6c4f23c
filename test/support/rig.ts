/** The rig that `make test` brought up; tests fail loudly (never skip) when it is missing. */
import { loadConfig, type AtcConfig } from '../../src/config';
import { readRigState, type RigState } from '../../src/client/rig/state';
import { testHome } from './paths';

export function rigState(): RigState {
  process.env.ATC_HOME = testHome();
  const state = readRigState(testHome());
  if (!state) throw new Error(`no rig in ${testHome()}: run the tests with \`make test\` (it brings the rig up)`);
  return state;
}

export function rigConfig(): AtcConfig {
  return loadConfig(rigState().configPath);
}
