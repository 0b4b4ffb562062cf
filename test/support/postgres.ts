import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from 'hq-gateway/db/database';
import { openPgliteDatabase } from 'hq-gateway/db/pglite';
import { openPostgresDatabase } from 'hq-gateway/db/postgres';

/**
 * A fresh PostgreSQL database per test file on the local server that test/setup/postgres.mjs brings up
 * (role kiosk_test, CREATEDB — a test-only role). When the server is not reachable the tests FAIL with the
 * reason: `npm test` runs the setup, so an unreachable server is a broken machine, not a reason to skip.
 */

/** Keep in step with test/setup/postgres.mjs. */
export const TEST_POSTGRES_URL =
  process.env.KIOSK_TEST_POSTGRES_URL ?? 'postgres://kiosk_test:kiosk_test@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  /** Connection URL of the new database (same role and server as TEST_POSTGRES_URL). */
  url: string;
  /** Drops the database, closing any connection still open on it. */
  drop(): Promise<void>;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `PostgreSQL is not reachable at ${redact(TEST_POSTGRES_URL)} (${reason}). ` +
        'Run `node test/setup/postgres.mjs` (npm test does) or set KIOSK_TEST_POSTGRES_URL.',
      { cause: error },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  // Lower-case letters and digits only: safe to put in SQL unquoted.
  const name = `kiosk_test_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(
        () => undefined,
      ),
  };
}

/**
 * Registers beforeAll/afterAll hooks for a database that lives as long as the calling test file (or
 * describe block). `url()` is valid from beforeAll on.
 */
export function withPostgres(): { url(): string } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    url() {
      if (!database) throw new Error('withPostgres(): the database exists only from beforeAll on');
      return database.url;
    },
  };
}

export interface TestEngine {
  name: 'pglite' | 'postgres';
  /** A new, empty database; close() also drops it (PostgreSQL). */
  open(): Promise<Database>;
}

/** Both engines HQ runs on, for `describe.each(testEngines)('$name', …)`. */
export const testEngines: readonly TestEngine[] = [
  { name: 'pglite', open: () => openPgliteDatabase() },
  {
    name: 'postgres',
    async open() {
      const database = await createTestDatabase();
      const db = await openPostgresDatabase({ connectionString: database.url, max: 4 }).catch(
        async (error: unknown) => {
          await database.drop();
          throw error;
        },
      );
      return {
        ...db,
        async close() {
          await db.close();
          await database.drop();
        },
      };
    },
  },
];

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
