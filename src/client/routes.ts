/** The service's HTTP routes beyond /healthz and /metrics: the Alertmanager webhook that opens incidents. */
import type { AtcConfig } from '../config';
import type { Route } from './server';
import { ALERTMANAGER_WEBHOOK_PATH, alertmanagerRoute } from './webhook/alertmanagerRoute';
import { createIncidentStarter } from './webhook/incidentStarter';

export function serviceRoutes(
  config: AtcConfig,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Record<string, Route> {
  return {
    [`POST ${ALERTMANAGER_WEBHOOK_PATH}`]: alertmanagerRoute(config, createIncidentStarter(config), log),
  };
}
