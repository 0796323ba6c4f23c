/**
 * Per incident, at most one signal in flight: notifications of a group that arrive meanwhile wait and go together in
 * the next signal (in arrival order), and each request is answered with the outcome of the signal that carried it.
 * This keeps a storm on one group from contending on one workflow, and keeps a group's notifications in order.
 */
import { worseSeverity } from '../../runbooks/incident/contract';
import type { EnvironmentPart } from './payload';

interface Waiting<D> {
  part: EnvironmentPart;
  size: number;
  resolve(d: D): void;
  reject(err: unknown): void;
}

const MAX_BATCH_BYTES = 1_000_000; // a signal stays well under Temporal's 2 MB payload limit

function merge(parts: EnvironmentPart[]): EnvironmentPart {
  if (parts.length === 1) return parts[0]!;
  return {
    ...parts[0]!,
    severity: parts.reduce((s, p) => worseSeverity(s, p.severity), parts[0]!.severity),
    service: parts.find((p) => p.service)?.service,
    allResolved: parts.every((p) => p.allResolved),
    notifications: parts.flatMap((p) => p.notifications),
  };
}

export function coalescing<D>(
  deliverOne: (part: EnvironmentPart) => Promise<D>,
): (part: EnvironmentPart) => Promise<D> {
  const queues = new Map<string, Waiting<D>[]>();
  async function drain(key: string, queue: Waiting<D>[]): Promise<void> {
    while (queue.length) {
      let bytes = 0;
      let n = 0;
      while (n < queue.length && (n === 0 || bytes + queue[n]!.size <= MAX_BATCH_BYTES)) bytes += queue[n++]!.size;
      const batch = queue.splice(0, n);
      try {
        const d = await deliverOne(merge(batch.map((w) => w.part)));
        batch.forEach((w) => w.resolve(d));
      } catch (err) {
        batch.forEach((w) => w.reject(err));
      }
    }
    queues.delete(key);
  }
  return (part) =>
    new Promise<D>((resolve, reject) => {
      const waiting = { part, size: JSON.stringify(part.notifications).length, resolve, reject };
      const queue = queues.get(part.baseId);
      if (queue) return void queue.push(waiting);
      const fresh = [waiting];
      queues.set(part.baseId, fresh);
      void drain(part.baseId, fresh);
    });
}
