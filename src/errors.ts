/**
 * Failure types. Integrations throw these; activities turn them into Temporal failures at one boundary
 * (`toActivityFailure`), and the CLI/HTTP edges turn them into exit codes and status codes.
 *   TransientError  - retry (network blip, service starting)
 *   PermanentError  - do not retry (bad reference, refused by the remote side)
 *   BadInputError   - the caller's input is wrong (CLI exit 2, HTTP 4xx, workflow fails non-retryably)
 *   UnreachableError - infrastructure cannot be reached (CLI exit 3, HTTP 503)
 * Expected outcomes (a check that is FAIL, a refusal by policy) are returned as values, not thrown.
 */
export class AtcError extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'permanent' | 'bad-input' | 'unreachable',
  ) {
    super(message);
    this.name = new.target.name;
  }
}
export class TransientError extends AtcError {
  constructor(message: string) {
    super(message, 'transient');
  }
}
export class PermanentError extends AtcError {
  constructor(message: string) {
    super(message, 'permanent');
  }
}
export class BadInputError extends AtcError {
  constructor(message: string) {
    super(message, 'bad-input');
  }
}
export class UnreachableError extends AtcError {
  constructor(message: string) {
    super(message, 'unreachable');
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Node network error codes that mean "the other side is not there (yet)". */
export function isConnectionError(err: unknown): boolean {
  const code =
    (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'ENOENT',
    'ETIMEDOUT',
    'EHOSTUNREACH',
    'EPIPE',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
  ].includes(code ?? '');
}
