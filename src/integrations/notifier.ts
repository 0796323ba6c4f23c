/** Notifications to on-call: log, a JSONL file, or a webhook (Slack-like). */
import { appendFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { ChannelConfig, SecretRef } from '../config';
import { TransientError, errorMessage } from '../errors';
import { fetchOk, jsonInit } from './http';

export interface Notification {
  severity: 'info' | 'warning' | 'critical';
  title: string;
  text: string;
  runbook?: string;
  workflowId?: string;
  environment?: string;
}
export interface Notifier {
  notify(n: Notification): Promise<void>;
}

const WEBHOOK_TIMEOUT_MS = 5000;

/** A name for a channel that is safe to show: a webhook is named by its host only (its path may be a secret). */
export function channelName(channel: ChannelConfig, index: number): string {
  switch (channel.type) {
    case 'log':
      return `#${index} log`;
    case 'file':
      return `#${index} file ${channel.path}`;
    case 'webhook': {
      let host = 'invalid-url';
      try {
        host = new URL(channel.url).host;
      } catch {
        /* keep the placeholder */
      }
      return `#${index} webhook ${host}`;
    }
  }
}

/** Reads a secret's value when it is needed (the composition root passes the config's reader; a rotated file is seen). */
export type SecretReader = (ref: SecretRef | undefined) => string | undefined;

async function deliver(
  channel: ChannelConfig,
  name: string,
  line: string,
  record: object,
  log: (line: string) => void,
  secret: SecretReader,
): Promise<void> {
  switch (channel.type) {
    case 'log':
      log(line);
      return;
    case 'file':
      await mkdir(path.dirname(path.resolve(channel.path)), { recursive: true });
      await appendFile(channel.path, `${line}\n`, 'utf8');
      return;
    case 'webhook': {
      const token = secret(channel.token);
      const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      await fetchOk(channel.url, jsonInit('POST', record, headers), WEBHOOK_TIMEOUT_MS, name);
      return;
    }
  }
}

/**
 * Sends every notification to every channel. One failing channel does not stop the others; afterwards a
 * TransientError names the failed channels so an activity retries (log/file writes are cheap to repeat).
 */
export function createNotifier(
  channels: ChannelConfig[],
  secret: SecretReader,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Notifier {
  return {
    async notify(n) {
      const record = { ts: new Date().toISOString(), ...n };
      const line = JSON.stringify(record);
      const results = await Promise.allSettled(
        channels.map((channel, i) => deliver(channel, channelName(channel, i), line, record, log, secret)),
      );
      const failures = results.flatMap((r, i) => {
        if (r.status === 'fulfilled') return [];
        const name = channelName(channels[i]!, i);
        const message = errorMessage(r.reason); // webhook errors already start with the channel's name
        return [message.startsWith(name) ? message : `${name}: ${message}`];
      });
      if (failures.length > 0) {
        throw new TransientError(
          `notification failed on ${failures.length} of ${channels.length} channels: ${failures.join('; ')}`,
        );
      }
    },
  };
}
