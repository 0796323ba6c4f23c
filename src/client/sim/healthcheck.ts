/** Container HEALTHCHECK: exit 0 when GET http://127.0.0.1:$SIM_PORT/healthz answers 200 within 4 s, else 1. */
import * as http from 'node:http';

const TIMEOUT_MS = 4000;

function exitWith(code: 0 | 1, why: string): void {
  if (code !== 0) process.stderr.write(`unhealthy: ${why}\n`);
  process.exit(code);
}

const port = Number(process.env.SIM_PORT);
if (!Number.isInteger(port) || port <= 0) {
  exitWith(1, `SIM_PORT is not a port: ${process.env.SIM_PORT}`);
} else {
  const timer = setTimeout(() => exitWith(1, `no answer within ${TIMEOUT_MS} ms`), TIMEOUT_MS);
  http
    .get({ host: '127.0.0.1', port, path: '/healthz', timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      clearTimeout(timer);
      exitWith(res.statusCode === 200 ? 0 : 1, `status ${res.statusCode}`);
    })
    .on('error', (err) => exitWith(1, err.message));
}
