/** The running incident: its state, settings and flags, the timeline/notify/escalate helpers and the escalation timers. */
import {
  condition,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createIncidentActivities, IncidentSettings } from './activities';
import { severityKey } from '../shared/messages';
import { persistent, quickLocal } from '../shared/profiles';
import type { Severity, TimelineKind } from './contract';
import { addTimeline, type IncidentState } from './state';

export type IncidentActivities = ReturnType<typeof createIncidentActivities>;
export const act = proxyActivities<IncidentActivities>(persistent);

/** Reading the config and planning are pure and fast: local activities (no round trip through the server). */
export const local = proxyLocalActivities<IncidentActivities>(quickLocal);

export const nowIso = (): string => new Date().toISOString();

export class IncidentRuntime {
  draining = false; // continue-as-new is coming: fibers stop at a safe point
  closing = false;
  busy = 0; // playbook batches in flight
  private taggedSeverity?: Severity;
  private current?: IncidentSettings;

  constructor(
    readonly state: IncidentState,
    settings?: IncidentSettings,
  ) {
    this.current = settings;
  }

  /** Settings come from an activity (the config); handlers that need them before it answered wait with `ready`. */
  loaded(settings: IncidentSettings): IncidentSettings {
    return (this.current = settings);
  }
  get settings(): IncidentSettings {
    if (!this.current) throw new Error('incident settings are not loaded yet');
    return this.current;
  }
  async ready(): Promise<IncidentSettings> {
    await condition(() => this.current !== undefined);
    return this.settings;
  }

  get id(): string {
    return this.state.id;
  }

  record(kind: TimelineKind, actor: string, text: string): void {
    addTimeline(this.state, nowIso(), kind, actor, text, this.current?.timelineLimit ?? 2000);
  }

  /** Keeps the AtcSeverity search attribute equal to the incident's severity (other runbooks look for open critical ones). */
  tagSeverity(): void {
    if (this.taggedSeverity === this.state.severity) return;
    this.taggedSeverity = this.state.severity;
    upsertSearchAttributes([{ key: severityKey, value: this.state.severity }]);
  }

  level(i: number): string {
    return this.settings.levels[Math.min(i, this.settings.levels.length - 1)]!;
  }

  /** Notifies on-call; a failed notification is recorded on the timeline, it does not stop the incident. */
  async notify(title: string, text: string, severity: Severity = this.state.severity): Promise<boolean> {
    const { environment } = this.state;
    try {
      await act.notifyIncident({
        severity,
        title: `[incident ${this.id}] ${title}`,
        text,
        workflowId: this.id,
        environment,
      });
      return true;
    } catch (err) {
      this.record('info', 'atc-ops', `notification failed: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  /** Before an ack: raise the level and notify it. After an ack: tell whoever acknowledged (the current level). */
  async escalate(reason: string): Promise<void> {
    const s = this.state;
    if (!s.ack && !s.resolution) s.escalation.level = Math.min(s.escalation.level + 1, this.settings.levels.length - 1);
    const to = s.ack ? `${s.ack.actor} (acknowledged)` : this.level(s.escalation.level);
    this.record('escalation', 'atc-ops', `to ${to}: ${reason}`);
    await this.notify(
      `escalation to ${to}: ${s.title}`,
      `${reason}. Acknowledge with: atc ack ${this.id} --as <who>`,
      s.ack ? s.severity : 'critical',
    );
  }

  private stopEscalating(): boolean {
    return Boolean(this.state.ack || this.state.resolution) || this.closing || this.draining;
  }

  /** Escalation timers: offsets from the opening per severity; each one reached without an ack notifies the next level. */
  async escalationLoop(): Promise<void> {
    const s = this.state;
    const openedMs = Date.parse(s.openedAt);
    while (!this.stopEscalating()) {
      const severity = s.severity;
      const offsets = this.settings.escalationMs[severity];
      const next = offsets[s.escalation.timersFired];
      if (next === undefined) {
        await condition(() => this.stopEscalating() || s.severity !== severity);
        continue;
      }
      const waitMs = openedMs + next - new Date().getTime(); // workflow time
      if (waitMs > 0 && (await condition(() => this.stopEscalating() || s.severity !== severity, waitMs))) continue;
      s.escalation.timersFired++;
      await this.escalate(`not acknowledged ${Math.round(next / 1000)} s after opening (${severity})`);
    }
  }

  shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > this.settings.continueAsNewAfterEvents;
  }
}
