/** src/integrations/postgres.ts against a PostgreSQL started for this file. No mocks. */
import { readFileSync } from 'node:fs';
import { readSecret } from '../../src/config';
import { BadInputError, PermanentError, UnreachableError } from '../../src/errors';
import { createSqlDatabases } from '../../src/integrations/postgres';
import { type PostgresService, freePort, startPostgres } from './support/services';

jest.setTimeout(60_000);

let pg: PostgresService;
let closedPort: number;

beforeAll(async () => {
  closedPort = await freePort(); // nothing listens there
  pg = await startPostgres();
}, 180_000);
afterAll(async () => pg?.stop(), 120_000);

describe('postgres', () => {
  const config = (port: number) => ({
    main: {
      host: '127.0.0.1',
      port,
      user: pg.user,
      database: 'postgres',
      password: { file: pg.passwordFile },
      protected: false,
    },
  });

  test('queries with parameters, the server version, and close()', async () => {
    const sql = createSqlDatabases(config(pg.port), readSecret);
    try {
      expect(await sql.query('main', 'SELECT $1::int + 1 AS n, current_user AS who', [41])).toEqual({
        rows: [{ n: 42, who: 'postgres' }],
        rowCount: 1,
      });
      await sql.query('main', 'CREATE TABLE IF NOT EXISTS t (x int)');
      expect((await sql.query('main', 'INSERT INTO t SELECT generate_series(1, 3)')).rowCount).toBe(3);
      expect(await sql.serverVersion('main')).toMatch(/^15\.\d+/);
    } finally {
      await sql.close();
    }
  });

  test('an unknown database name is BadInputError; a closed port is UnreachableError; an unreadable secret is PermanentError', async () => {
    const sql = createSqlDatabases(config(closedPort), readSecret);
    await expect(sql.query('nope', 'SELECT 1')).rejects.toBeInstanceOf(BadInputError);
    await expect(sql.query('main', 'SELECT 1')).rejects.toBeInstanceOf(UnreachableError);
    await sql.close();
    const noSecret = createSqlDatabases(
      { main: { ...config(pg.port).main, password: { file: '/nonexistent/atc-it-password' } } },
      readSecret,
    );
    await expect(noSecret.query('main', 'SELECT 1')).rejects.toThrow(
      new PermanentError(`database main (postgres at 127.0.0.1:${pg.port}): cannot read its password (ENOENT)`),
    );
  });

  test('bad SQL and a wrong password are PermanentErrors with the SQLSTATE and without the password', async () => {
    const password = readFileSync(pg.passwordFile, 'utf8').trim();
    const sql = createSqlDatabases(config(pg.port), readSecret);
    const bad = (await sql.query('main', 'SELEC 1').catch((e: unknown) => e)) as Error;
    expect(bad).toBeInstanceOf(PermanentError);
    expect(bad.message).toMatch(/syntax error.*SQLSTATE 42601/);
    expect(bad.message).not.toContain(password);
    await sql.close();
    process.env.ATC_IT_WRONG_PASSWORD = 'wrong-secret-value';
    const wrong = createSqlDatabases(
      { main: { ...config(pg.port).main, password: { env: 'ATC_IT_WRONG_PASSWORD' } } },
      readSecret,
    );
    const denied = (await wrong.query('main', 'SELECT 1').catch((e: unknown) => e)) as Error;
    expect(denied).toBeInstanceOf(PermanentError);
    expect(denied.message).toMatch(/password authentication failed.*28P01/);
    expect(denied.message).not.toContain('wrong-secret-value');
    await wrong.close();
  });
});
