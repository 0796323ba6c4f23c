/** CLI entry of the bot-halt runbook: `atc run bot-halt --env paper --service bot_paper --reason "..." [--as who]`. */
import { botHaltInput, type BotHaltResult } from './contract';
import { stamp, str, type RunbookEntry } from '../shared/cli';

export const botHaltEntry: RunbookEntry = {
  summary: "stops a bot's new orders, verified (its container is stopped if the halt is not confirmed)",
  flags: {
    env: { type: 'string', value: 'E', required: true, help: 'the environment' },
    service: { type: 'string', value: 'S', required: true, help: 'the bot' },
    reason: { type: 'string', value: 'R', required: true, help: 'why (in the notification)' },
    as: { type: 'string', value: 'who', help: 'who asks' },
  },
  workflowType: 'botHalt',
  input: botHaltInput,
  fromFlags: (f) => ({
    environment: str(f.env),
    service: str(f.service),
    reason: str(f.reason),
    requestedBy: str(f.as),
  }),
  workflowId: (i, now) => `bot-halt-${String(i.environment)}-${String(i.service)}-${stamp(now)}`,
  failed: () => false, // a halt that cannot make the bot safe fails the workflow (exit 1 through the failure path)
  render: (r) => {
    const res = r as BotHaltResult;
    return `bot-halt ${res.service}: ${res.path} (halt ${res.confirmed ? 'confirmed' : 'not confirmed'})\n  ${res.detail}`;
  },
};
