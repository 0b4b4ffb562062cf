import pg from 'pg';
import type { Logger } from 'pino';
import type { Database, Queryable } from './database';

export interface PostgresOptions {
  /** postgres://user:password@host:port/database (libpq URL; `?sslmode=…` is honoured by `pg`). */
  connectionString: string;
  /** Pool size per gateway process. Default 10; N gateways need N × max connections on the server. */
  max?: number;
  logger?: Logger;
}

const INT8_OID = 20;
const DATE_OID = 1082;

/**
 * Decoders that match what PGlite returns, so the same code sees the same values on both engines:
 * - int8 (count(*), bigint ids): a number when it fits, else a bigint (`pg` would give a string).
 * - date: midnight UTC as a Date (`pg` would use the process's local midnight, which shifts with TZ).
 * Portable SQL still casts (`count(*)::int`, `birth_date::text`) — see database.ts.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return parseInt8;
    if (oid === DATE_OID) return parseDate;
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
};

function parseInt8(text: string): number | bigint {
  const big = BigInt(text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
}

function parseDate(text: string): Date | number {
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(Number.NaN);
}

/**
 * PostgreSQL through a `pg` pool: the same Database as PGlite. Each transaction runs on one pooled client
 * (BEGIN … COMMIT, ROLLBACK when fn throws); plain queries take any free client.
 */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    types,
    // A gateway should fail fast on a dead database instead of queueing requests forever.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (server restart, failover) emits 'error' on the pool; without a
  // listener Node would crash the process. The pool drops that client and opens a fresh one on demand.
  pool.on('error', (error) => {
    options.logger?.warn({ event: 'db.pool_error', code: (error as { code?: string }).code }, error.message);
  });
  // Fail at start-up, with the driver's message, rather than on the first request.
  const probe = await pool.connect().catch(async (error: unknown) => {
    await pool.end().catch(() => undefined);
    throw error;
  });
  probe.release();

  return {
    ...queryable(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        // A failed ROLLBACK means the connection is broken: destroy it rather than return it to the pool.
        const rollback = await client.query('ROLLBACK').then(
          () => undefined,
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        );
        client.release(rollback);
        throw error;
      }
    },
    close: () => pool.end(),
  };
}

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<T & pg.QueryResultRow>(sql, [...params]);
      return result.rows as T[];
    },
    async exec(sql: string) {
      // Without parameters `pg` uses the simple query protocol, which runs several statements.
      await target.query(sql);
    },
  };
}
