/** CLI entry of the bot-halt runbook: `atc run bot-halt --env paper --service bot_paper --reason "..." [--as who]`. */
import { botHaltInput, type BotHaltResult } from './contract';
import { stamp, str, type RunbookEntry } from '../shared/cli';

export const botHaltEntry: RunbookEntry = {
  workflowType: 'botHalt',
  input: botHaltInput,
  fromFlags: (f) => ({ environment: str(f.env), service: str(f.service), reason: str(f.reason), requestedBy: str(f.as) }),
  workflowId: (i, now) => `bot-halt-${String(i.environment)}-${String(i.service)}-${stamp(now)}`,
  failed: () => false, // a halt that cannot make the bot safe fails the workflow (exit 1 through the failure path)
  render: (r) => {
    const res = r as BotHaltResult;
    return `bot-halt ${res.service}: ${res.path} (halt ${res.confirmed ? 'confirmed' : 'not confirmed'})\n  ${res.detail}`;
  },
};
