/** The bot control contract (SPEC §4): GET /control/state, POST /control/halt {reason}, POST /control/resume. */
import { PermanentError } from '../errors';
import { fetchJson, fetchOk, jsonInit, truncate } from './http';

export interface BotState {
  newOrdersEnabled: boolean;
  openOrders: number;
  mode: string;
}
export interface BotControl {
  state(baseUrl: string): Promise<BotState>;
  halt(baseUrl: string, reason: string): Promise<void>;
  resume(baseUrl: string): Promise<void>;
}

function controlUrl(baseUrl: string, action: 'state' | 'halt' | 'resume'): string {
  return `${baseUrl.replace(/\/+$/, '')}/control/${action}`;
}

/** Checks the shape of a /control/state answer; anything else is a PermanentError (the bot breaks the contract). */
export function parseBotState(body: unknown, where: string): BotState {
  const b = body as Partial<Record<keyof BotState, unknown>> | null | undefined;
  const problems: string[] = [];
  if (typeof b !== 'object' || b === null) problems.push('not a JSON object');
  else {
    if (typeof b.newOrdersEnabled !== 'boolean') problems.push('newOrdersEnabled is not a boolean');
    if (typeof b.openOrders !== 'number' || !Number.isFinite(b.openOrders)) problems.push('openOrders is not a number');
    if (typeof b.mode !== 'string') problems.push('mode is not a string');
  }
  if (problems.length > 0) {
    throw new PermanentError(
      `${where}: malformed bot state (${problems.join(', ')}): ${truncate(JSON.stringify(body) ?? 'empty', 200)}`,
    );
  }
  return {
    newOrdersEnabled: b!.newOrdersEnabled as boolean,
    openOrders: b!.openOrders as number,
    mode: b!.mode as string,
  };
}

export function createBotControl(timeoutMs = 3000): BotControl {
  return {
    async state(baseUrl) {
      const url = controlUrl(baseUrl, 'state');
      const body = await fetchJson<unknown>(url, { headers: { accept: 'application/json' } }, timeoutMs);
      return parseBotState(body, `GET ${url}`);
    },
    async halt(baseUrl, reason) {
      await fetchOk(controlUrl(baseUrl, 'halt'), jsonInit('POST', { reason }), timeoutMs);
    },
    async resume(baseUrl) {
      await fetchOk(controlUrl(baseUrl, 'resume'), jsonInit('POST', {}), timeoutMs);
    },
  };
}
