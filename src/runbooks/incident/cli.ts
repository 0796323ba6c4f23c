/** CLI entry of the incident runbook (manual open through `atc run incident` / `atc incident open`; rendering for `atc show`). */
import { incidentInput, type IncidentResult } from './contract';
import { stamp, str, type RunbookEntry } from '../shared/cli';

export const incidentEntry: RunbookEntry = {
  summary: 'opens a manual incident (as `atc incident open`)',
  flags: {
    env: { type: 'string', value: 'E', required: true, help: 'the environment' },
    severity: { type: 'string', value: 'critical|warning|info', required: true, help: 'how bad' },
    title: { type: 'string', value: 'T', required: true, help: 'one line' },
    summary: { type: 'string', value: 'S', help: 'more detail' },
    as: { type: 'string', value: 'who', help: 'who opens it' },
  },
  workflowType: 'incident',
  input: incidentInput,
  fromFlags: (f) => ({
    source: 'manual',
    environment: str(f.env),
    severity: str(f.severity),
    title: str(f.title),
    summary: str(f.summary),
    requestedBy: str(f.as),
  }),
  workflowId: (i, now) => `incident-${String(i.environment)}-manual-${stamp(now)}`,
  failed: (r) => (r as IncidentResult).actions.some((a) => a.status === 'failed'),
  render: (r) => {
    const x = r as IncidentResult;
    const lines = [
      `incident ${x.id} (${x.severity}, ${x.environment}) ${x.status}: ${x.title}`,
      `  opened ${x.openedAt}, closed ${x.closedAt ?? '-'}; acknowledged by ${x.ack?.actor ?? 'nobody'}; resolved by ${x.resolution?.actor ?? '(alerts resolved)'}`,
      `  alerts ${x.alertCount} (${x.firing} firing); notifications ${x.notifications.received} (${x.notifications.duplicates} duplicates); escalations ${x.escalation.timersFired}`,
      ...x.actions.map((a) => `  action ${a.action} ${a.target}: ${a.status}${a.detail ? ` — ${a.detail}` : ''}`),
    ];
    if (x.postmortemPath) lines.push(`  postmortem: ${x.postmortemPath}`);
    return lines.join('\n');
  },
};
