/** Raw HTTP requests with full control over headers and body (fetch cannot send a wrong Content-Length), and a TCP proxy. */
import * as net from 'node:net';

export interface RawRequest {
  port: number;
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  chunks?: { size: number; count: number }; // stream this many chunked bytes instead of `body`
}
export interface RawResponse {
  status: number;
  text: string;
}

/**
 * Speaks HTTP/1.1 over a plain socket, so a test controls every header and byte; write errors (EPIPE, ECONNRESET when
 * the server answers before the upload is finished and closes) are ignored: the answer is what the server sent.
 */
export function rawRequest(r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(r.port, '127.0.0.1');
    let received = '';
    let closed = false;
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => (received += d));
    sock.on('error', () => undefined);
    sock.setTimeout(20_000, () => sock.destroy());
    sock.on('close', () => {
      closed = true;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (!m) return reject(new Error(`no HTTP answer (got ${JSON.stringify(received.slice(0, 80))})`));
      const split = received.indexOf('\r\n\r\n');
      const raw = received.slice(split + 4);
      const text = /\r\ntransfer-encoding: chunked/i.test(received.slice(0, split)) ? dechunk(raw) : raw;
      resolve({ status: Number(m[1]), text: Buffer.from(text, 'latin1').toString('utf8') });
    });
    const headers: Record<string, string> = { host: '127.0.0.1', connection: 'close', ...r.headers };
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
    const chunked = r.chunks !== undefined && headers['transfer-encoding'] === 'chunked';
    if (body && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-length'))
      headers['content-length'] = String(body.length);
    const head = `${r.method ?? 'POST'} ${r.path ?? '/webhooks/alertmanager'} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\n\r\n`;
    sock.write(head);
    if (!r.chunks) {
      if (body) sock.write(body);
      return;
    }
    const chunk = Buffer.alloc(r.chunks.size, 0x20);
    const framed = chunked
      ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
      : chunk;
    void (async () => {
      for (let i = 0; i < r.chunks!.count && !closed && received === ''; i++) {
        if (!sock.write(framed)) await new Promise((res) => sock.once('drain', res).once('close', res));
        await new Promise((res) => setImmediate(res));
      }
      if (chunked && !closed) sock.write('0\r\n\r\n');
    })();
  });
}

function dechunk(raw: string): string {
  let out = '';
  for (let at = 0; at < raw.length;) {
    const eol = raw.indexOf('\r\n', at);
    const size = parseInt(raw.slice(at, eol), 16);
    if (!(size > 0)) break;
    out += raw.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
  return out;
}

/** A TCP proxy on 127.0.0.1:port to 127.0.0.1:target that can be cut (listener closed, connections destroyed) and restored. */
export class TcpProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    readonly target: number,
  ) {}

  async start(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => (client.destroy(), upstream.destroy()));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(this.port, '127.0.0.1', () => resolve()),
    );
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
