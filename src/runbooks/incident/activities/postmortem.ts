/** The postmortem skeleton of a closed incident: facts filled in (timeline, actions, actors, durations), analysis left to humans. */
import type { IncidentView } from '../contract';

const cell = (s: string | undefined) => (s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  const s = Math.round(ms / 1000);
  const [d, h, m, sec] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60];
  return [d && `${d}d`, h && `${h}h`, m && `${m}m`, `${sec}s`].filter(Boolean).join(' ');
}

const since = (from: string, to: string | undefined) =>
  to ? formatDuration(Date.parse(to) - Date.parse(from)) : 'n/a';

export function renderPostmortem(v: IncidentView): string {
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  push(`# Postmortem: ${v.title}`, '');
  push(`- Incident: \`${v.id}\` (${v.source}, environment **${v.environment}**, severity **${v.severity}**)`);
  push(`- Services: ${v.services.length ? v.services.join(', ') : 'none recorded'}`);
  if (v.groupKey) push(`- Alert group: \`${v.groupKey}\``);
  push(`- Opened: ${v.openedAt}`);
  push(
    `- Acknowledged: ${v.ack ? `${v.ack.at} by **${v.ack.actor}** (time to acknowledge ${since(v.openedAt, v.ack.at)})` : 'never'}`,
  );
  push(
    `- First verified action: ${v.firstActionAt ? `${v.firstActionAt} (${since(v.openedAt, v.firstActionAt)} after opening)` : 'none'}`,
  );
  push(
    `- Resolved: ${v.resolution ? `${v.resolution.at} by **${v.resolution.actor}**` : 'by the alerts resolving (no human resolution needed)'}`,
  );
  push(`- Closed: ${v.closedAt ?? 'open'} (duration ${since(v.openedAt, v.closedAt)})`);
  push(`- Escalations: ${v.escalation.timersFired} timer(s) fired, highest level ${v.escalation.level}`);
  push(
    `- Silence: ${v.silence ? `${v.silence.id}, created ${v.silence.createdAt}${v.silence.expiredAt ? `, expired ${v.silence.expiredAt}` : ''}` : 'none'}`,
  );
  push(`- Notifications received: ${v.notifications.received} (${v.notifications.duplicates} changed nothing)`, '');
  push('## Summary', '', v.resolution?.text ?? '_To be written._', '', '## Impact', '', '_To be written._', '');
  push('## Alerts', '', '| alert | service | severity | status | started | ended |', '|---|---|---|---|---|---|');
  for (const a of v.alerts)
    push(
      `| ${cell(a.alertname)} | ${cell(a.service)} | ${a.severity} | ${a.status} | ${a.startsAt} | ${a.status === 'resolved' ? a.endsAt : ''} |`,
    );
  if (!v.alerts.length) push('| (none) | | | | | |');
  push(
    '',
    '## Actions',
    '',
    '| action | target | rule | status | started | finished | detail |',
    '|---|---|---|---|---|---|---|',
  );
  for (const a of v.actions)
    push(
      `| ${cell(a.action)} | ${cell(a.target)} | ${cell(a.rule)} | ${a.status} | ${a.startedAt} | ${a.finishedAt ?? ''} | ${cell(a.detail)} |`,
    );
  if (!v.actions.length) push('| (none) | | | | | | |');
  push('', '## Timeline', '');
  if (v.timelineDropped)
    push(`_${v.timelineDropped} older alert notification entries were dropped to keep the incident small._`, '');
  push('| time (UTC) | kind | actor | what |', '|---|---|---|---|');
  for (const e of v.timeline) push(`| ${e.at} | ${e.kind} | ${cell(e.actor)} | ${cell(e.text)} |`);
  push(
    '',
    '## Root cause',
    '',
    '_To be written._',
    '',
    '## What went well / what went badly',
    '',
    '_To be written._',
    '',
  );
  push('## Follow-up actions', '', '- [ ] _owner, action, due date_', '');
  return lines.join('\n');
}
