/**
 * The checks a webhook request passes before its payload is looked at: the bearer token (compared in constant
 * time, as SHA-256 digests of equal length), the content type, and the body size (Content-Length first, then
 * counted while reading; reading stops at the limit).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A request refused before Temporal is involved; `reason` is the metric label. */
export class Rejection extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** A checker of `Authorization: Bearer <token>`; without a configured token every request is refused. */
export function bearerChecker(expected: string | undefined): (header: string | undefined) => void {
  const want = expected ? digest(expected) : undefined;
  return (header) => {
    const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
    const given = digest(m?.[1] ?? '');
    const ok = timingSafeEqual(given, want ?? digest('')) && want !== undefined && m !== null;
    if (!ok) {
      const why = !want
        ? 'no webhook token is configured (server.webhookToken)'
        : !header
          ? 'missing bearer token'
          : 'invalid bearer token';
      throw new Rejection(401, 'unauthorized', why, { 'www-authenticate': 'Bearer' });
    }
  };
}

export function checkContentType(header: string | undefined): void {
  const media = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if (media !== 'application/json') {
    throw new Rejection(
      415,
      'content-type',
      `content-type must be application/json, got ${header ? JSON.stringify(header.slice(0, 100)) : 'none'}`,
    );
  }
}

/** Reads the body up to `limit` bytes; a larger one is refused (413) without reading the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(
      new Rejection(413, 'too-large', `body of ${declared} bytes is over the limit of ${limit} bytes`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (err?: Rejection) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      if (err) {
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) done(new Rejection(413, 'too-large', `body is over the limit of ${limit} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = () => done(new Rejection(400, 'incomplete', 'the request body could not be read to its end'));
    const onAborted = onError;
    req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

/**
 * After an early refusal (body not read), read and discard what the client still sends — at most `maxBytes` and
 * `maxMs` — before answering: answering and closing at once would reset the connection under the unread upload and
 * the client could lose the answer. Nothing is kept. Returns false when it gave up (then the answer closes the connection).
 */
export function discardRest(req: IncomingMessage, maxBytes = 8 * 1_048_576, maxMs = 5000): Promise<boolean> {
  if (req.complete || req.destroyed) return Promise.resolve(true);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('close', onEnd);
      if (!ok) req.pause();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), maxMs);
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBytes) finish(false);
    };
    const onEnd = () => finish(req.complete);
    req.on('data', onData).once('end', onEnd).once('close', onEnd);
    req.resume();
  });
}

export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw new Rejection(400, 'bad-json', 'malformed JSON: the body is empty');
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new Rejection(400, 'bad-json', `malformed JSON: ${(err as Error).message.slice(0, 200)}`);
  }
}
