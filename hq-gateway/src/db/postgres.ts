import { createHash } from 'node:crypto';
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
 * PostgreSQL through a `pg` pool: the same Database as PGlite (which goes through a one-connection pool of
 * its own, db/pglite.ts).
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
  return poolDatabase(pool, () => pool.end());
}

/** A `pg` pool's config with HQ's type decoders (above), for pools opened elsewhere (db/pglite.ts). */
export function withTypes<C extends pg.PoolConfig>(config: C): C & { types: typeof types } {
  return { ...config, types };
}

/**
 * The Database over a `pg` pool. Each transaction runs on one pooled client (BEGIN … COMMIT, ROLLBACK when
 * fn throws); plain queries take any free client.
 */
export function poolDatabase(pool: pg.Pool, close: () => Promise<void>): Database {
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
    close,
  };
}

/**
 * Statements with parameters are prepared once per connection, under a name derived from their text: the
 * server then plans them once instead of on every call. HQ's SQL texts are fixed strings, so the set of
 * names is small; planning was most of the cost of the per-request reads (e.g. a resident's records:
 * 1.1 ms planned each time, 0.29 ms prepared, on PGlite).
 *
 * Except statements that switch on a parameter being NULL (`$3::text IS NULL OR terminal_id = $3`): a
 * prepared statement soon runs a generic plan, which cannot drop the branch, and would compute e.g. the
 * whole fleet's alert set where one terminal's was asked for. They stay unnamed, planned with their values.
 */
const NULL_SWITCH = /\$\d+(::\w+)?\s+IS\s+NULL\s+OR\b/i;
const statementNames = new Map<string, string | null>();

function statementName(sql: string): string | null {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = NULL_SWITCH.test(sql)
      ? null
      : `hq_${createHash('sha256').update(sql).digest('base64url').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return name;
}

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T extends object>(sql: string, params: readonly unknown[] = []) {
      const name = params.length === 0 ? null : statementName(sql);
      const result =
        name === null
          ? await target.query<T & pg.QueryResultRow>(sql, [...params])
          : await target.query<T & pg.QueryResultRow>({ name, text: sql, values: [...params] });
      return result.rows as T[];
    },
    async exec(sql: string) {
      // Without parameters `pg` uses the simple query protocol, which runs several statements.
      await target.query(sql);
    },
  };
}
