/**
 * Shared HTTP helpers over Node's global fetch, mapping failures onto the error types:
 *   cannot connect / timeout -> UnreachableError, 5xx -> TransientError, 4xx -> PermanentError (with the
 *   response text, truncated), invalid JSON -> PermanentError.
 * Messages name the target by origin and path only (no query string, no user info), or by a caller-given label,
 * so a secret carried in a URL (a webhook token, a password) never reaches an error message.
 */
import {
  AtcError,
  BadInputError,
  PermanentError,
  TransientError,
  UnreachableError,
  isConnectionError,
} from '../errors';

export interface HttpResponse {
  status: number;
  text: string;
}

const MAX_BODY_IN_MESSAGE = 300;

/** "GET http://host:port/path" without query string or credentials, or the caller's label. */
export function describeTarget(url: string, init: RequestInit = {}, label?: string): string {
  if (label) return label;
  const method = (init.method ?? 'GET').toUpperCase();
  try {
    const u = new URL(url);
    return `${method} ${u.origin}${u.pathname}`;
  } catch {
    return `${method} (invalid URL)`;
  }
}

export function truncate(text: string, max = MAX_BODY_IN_MESSAGE): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Sends the request and reads the body as text. Only transport failures throw (UnreachableError/BadInputError). */
export async function httpRequest(
  url: string,
  init: RequestInit = {},
  timeoutMs = 5000,
  label?: string,
): Promise<HttpResponse> {
  const what = describeTarget(url, init, label);
  if (!URL.canParse(url)) throw new BadInputError(`${what}: not a valid URL`);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
  try {
    const res = await fetch(url, { ...init, signal });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    const name = (err as Error)?.name;
    if (name === 'TimeoutError' || (name === 'AbortError' && timeout.aborted)) {
      throw new UnreachableError(`${what}: no answer within ${timeoutMs} ms`);
    }
    if (name === 'AbortError') throw new TransientError(`${what}: aborted`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    if (isConnectionError(err) || (err as Error)?.message === 'fetch failed') {
      throw new UnreachableError(`${what}: cannot connect (${cause?.code ?? cause?.message ?? 'network error'})`);
    }
    // e.g. the connection dropped in the middle of the answer ("terminated")
    throw new TransientError(
      `${what}: ${(err as Error)?.message ?? String(err)}${cause?.code ? ` (${cause.code})` : ''}`,
    );
  }
}

/** The error for a non-2xx status, or undefined for 2xx (and 1xx/3xx, which fetch has already followed). */
export function statusError(res: HttpResponse, what: string): AtcError | undefined {
  if (res.status < 400) return undefined;
  const body = truncate(res.text);
  const message = `${what}: HTTP ${res.status}${body ? `: ${body}` : ''}`;
  return res.status >= 500 ? new TransientError(message) : new PermanentError(message);
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PermanentError(`${what}: the answer is not valid JSON: ${truncate(text, 120)}`);
  }
}

/** Request + status check; the body is ignored. */
export async function fetchOk(url: string, init: RequestInit = {}, timeoutMs = 5000, label?: string): Promise<void> {
  const res = await httpRequest(url, init, timeoutMs, label);
  const error = statusError(res, describeTarget(url, init, label));
  if (error) throw error;
}

/** Request + status check + JSON parse. An empty body (e.g. 204) gives undefined. */
export async function fetchJson<T = unknown>(
  url: string,
  init: RequestInit = {},
  timeoutMs = 5000,
  label?: string,
): Promise<T> {
  const what = describeTarget(url, init, label);
  const res = await httpRequest(url, init, timeoutMs, label);
  const error = statusError(res, what);
  if (error) throw error;
  if (res.text.trim() === '') return undefined as T;
  return parseJson(res.text, what) as T;
}

/** Init for a JSON request body. */
export function jsonInit(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
