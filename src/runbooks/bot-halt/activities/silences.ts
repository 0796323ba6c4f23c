/**
 * A bot container stopped on purpose by bot-halt (fail-safe) must not raise TargetDown: the incident playbook
 * would restart it ("container down: one restart"), and a restarted bot places orders again. So bot-halt silences
 * TargetDown{service=<bot>} before it stops the container, and bot-resume expires that silence once the container
 * runs again. Both are idempotent (existing silences are found by creator and matchers).
 */
import { listSilences, type SilenceInfo } from '../../../integrations/silences';
import type { ActivityDeps } from '../../shared/deps';
import { OWN_TARGET_DOWN_ALERT } from './policy';

export const HALT_SILENCE_CREATOR = 'atc-ops bot-halt';
export const HALT_SILENCE_HOURS = 24;

const isHaltSilenceOf = (service: string) => (s: SilenceInfo) =>
  s.state !== 'expired' &&
  s.createdBy === HALT_SILENCE_CREATOR &&
  s.matchers.some((m) => m.name === 'service' && m.value === service && !m.isRegex) &&
  s.matchers.some((m) => m.name === 'alertname' && m.value === OWN_TARGET_DOWN_ALERT && !m.isRegex);

export type SilenceLister = () => Promise<SilenceInfo[]>;

export function createBotSilenceActivities(
  deps: ActivityDeps,
  list: SilenceLister = () => listSilences(deps.config.alertmanager.url),
) {
  return {
    /** Returns the id of the (existing or new) silence of the bot's own TargetDown alert. */
    async silenceBotTargetDown(
      environment: string,
      service: string,
      workflowId: string,
    ): Promise<{ id: string; created: boolean }> {
      const existing = (await list()).find(isHaltSilenceOf(service));
      if (existing) return { id: existing.id, created: false };
      const now = Date.now();
      const id = await deps.alerts.createSilence({
        matchers: [
          { name: 'alertname', value: OWN_TARGET_DOWN_ALERT, isRegex: false, isEqual: true },
          { name: 'service', value: service, isRegex: false, isEqual: true },
          { name: 'environment', value: environment, isRegex: false, isEqual: true },
        ],
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + HALT_SILENCE_HOURS * 3_600_000).toISOString(),
        createdBy: HALT_SILENCE_CREATOR,
        comment: `${workflowId}: container of ${service} stopped on purpose (fail-safe halt); bot-resume expires this silence`,
      });
      return { id, created: true };
    },

    /** Expires every bot-halt silence of this bot; returns their ids. */
    async expireBotTargetDownSilences(service: string): Promise<string[]> {
      const mine = (await list()).filter(isHaltSilenceOf(service));
      for (const s of mine) await deps.alerts.expireSilence(s.id);
      return mine.map((s) => s.id);
    },
  };
}
