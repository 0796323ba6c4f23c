/**
 * Alerts section: Alertmanager's active, unsilenced, uninhibited alerts with severity=critical and this
 * environment's label. Any such alert is FAIL (silencing is how an incident acknowledges one); unreachable: UNKNOWN.
 */
import { errorMessage } from '../../../errors';
import type { ActiveAlert } from '../../../integrations/alertmanager';
import type { ActivityDeps } from '../../shared/deps';
import { evidence, timedSection, unknownItem } from './probe';
import type { CheckSection } from '../contract';

export async function checkAlertsSection(deps: ActivityDeps, environment: string): Promise<CheckSection> {
  return timedSection('alerts', async () => {
    const filter = ['severity="critical"', `environment="${environment}"`];
    const call = `GET ${deps.config.alertmanager.url}/api/v2/alerts?active=true&silenced=false&inhibited=false&filter=${filter.join('&filter=')}`;
    const name = `critical alerts (${environment})`;
    const threshold = 'none active, unsilenced and uninhibited';
    let alerts: ActiveAlert[];
    try {
      alerts = await deps.alerts.listAlerts({ active: true, silenced: false, inhibited: false, filter });
    } catch (err) {
      return [unknownItem(name, threshold, [evidence('alertmanager', call, `error: ${errorMessage(err)}`)])];
    }
    // Filter again locally: the answer is what counts, whatever the server did with the query parameters.
    const open = alerts.filter(
      (a) =>
        a.labels.severity === 'critical' &&
        a.labels.environment === environment &&
        a.silencedBy.length === 0 &&
        a.inhibitedBy.length === 0,
    );
    const summary = open.map(
      (a) => `${a.labels.alertname ?? '?'}{service=${a.labels.service ?? '?'}} since ${a.startsAt}`,
    );
    const ev = evidence(
      'alertmanager',
      call,
      open.length ? summary.join('; ') : `${alerts.length} returned, none open`,
    );
    return [{ name, status: open.length ? 'FAIL' : 'OK', value: open.length, threshold, evidence: [ev] }];
  });
}
