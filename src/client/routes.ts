/** The service's HTTP routes beyond /healthz and /metrics (webhooks arrive with the incident runbook). */
import type { AtcConfig } from '../config';
import type { Route } from './server';

export function serviceRoutes(_config: AtcConfig): Record<string, Route> {
  return {};
}
