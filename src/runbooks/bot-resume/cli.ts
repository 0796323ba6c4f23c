/** CLI entry of the bot-resume runbook: `atc run bot-resume --env live --service bot_live --as alice [--reason "..."]`. */
import { botResumeInput, type BotResumeResult } from './contract';
import { stamp, str, type RunbookEntry } from '../shared/cli';

export const botResumeEntry: RunbookEntry = {
  summary:
    'lets a halted bot place orders again once the preflight passes (and another approver agrees where required)',
  flags: {
    env: { type: 'string', value: 'E', required: true, help: 'the environment' },
    service: { type: 'string', value: 'S', required: true, help: 'the bot' },
    as: { type: 'string', value: 'who', required: true, help: 'who asks (an approver must be someone else)' },
    reason: { type: 'string', value: 'R', help: 'why' },
  },
  workflowType: 'botResume',
  input: botResumeInput,
  fromFlags: (f) => ({
    environment: str(f.env),
    service: str(f.service),
    requestedBy: str(f.as),
    reason: str(f.reason),
  }),
  workflowId: (i, now) => `bot-resume-${String(i.environment)}-${String(i.service)}-${stamp(now)}`,
  failed: (r) => (r as BotResumeResult).outcome !== 'succeeded',
  render: (r) => {
    const res = r as BotResumeResult;
    const lines = [
      `bot-resume ${res.service} (${res.environment}): ${res.outcome.toUpperCase()}${res.rule ? ` by rule ${res.rule}` : ''}`,
      `  ${res.detail}`,
    ];
    lines.push(`  requested by ${res.requestedBy} at ${res.requestedAt}`);
    if (res.approvedBy) lines.push(`  approved by ${res.approvedBy} at ${res.approvedAt}`);
    if (res.cancelledBy) lines.push(`  rejected by ${res.cancelledBy}`);
    if (res.resumedAt)
      lines.push(`  resumed at ${res.resumedAt}${res.containerStarted ? ' (container started first)' : ''}`);
    return lines.join('\n');
  },
};
