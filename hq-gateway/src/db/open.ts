import type { Logger } from 'pino';
import type { Database } from './database';
import { openPgliteDatabase } from './pglite';
import { openPostgresDatabase } from './postgres';

/** Which engine serves HQ's database, decided once at start-up. */
export type DatabaseConfig =
  | { engine: 'pglite'; /** The PGlite directory; in memory when absent (tests). */ dataDir?: string }
  | { engine: 'postgres'; connectionString: string; max?: number };

export interface DatabaseChoice {
  /** An explicit URL (a test, a command-line flag); wins over the environment. */
  databaseUrl?: string;
  /** The PGlite directory used when there is no URL. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * PostgreSQL when a URL is given (options.databaseUrl, else DATABASE_URL), embedded PGlite in the data
 * folder otherwise. DATABASE_POOL_MAX sets the pool size per process. An empty DATABASE_URL counts as unset.
 */
export function databaseConfig(choice: DatabaseChoice): DatabaseConfig {
  const env = choice.env ?? process.env;
  const url = (choice.databaseUrl ?? env.DATABASE_URL ?? '').trim();
  if (url === '')
    return choice.dataDir === undefined
      ? { engine: 'pglite' }
      : { engine: 'pglite', dataDir: choice.dataDir };
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new Error('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const max = env.DATABASE_POOL_MAX === undefined ? undefined : Number(env.DATABASE_POOL_MAX);
  if (max !== undefined && !(Number.isInteger(max) && max > 0)) {
    throw new Error(`DATABASE_POOL_MAX must be a positive integer, not ${env.DATABASE_POOL_MAX}`);
  }
  return max === undefined
    ? { engine: 'postgres', connectionString: url }
    : { engine: 'postgres', connectionString: url, max };
}

export function openDatabase(config: DatabaseConfig, logger?: Logger): Promise<Database> {
  if (config.engine === 'postgres') {
    return openPostgresDatabase({
      connectionString: config.connectionString,
      ...(config.max !== undefined && { max: config.max }),
      ...(logger && { logger }),
    });
  }
  return openPgliteDatabase(config.dataDir === undefined ? {} : { dataDir: config.dataDir });
}

/** host:port/database of a config, for logs: never the password. */
export function describeDatabase(config: DatabaseConfig): string {
  if (config.engine === 'pglite') return `pglite:${config.dataDir ?? 'memory'}`;
  try {
    const url = new URL(config.connectionString);
    return `postgres://${url.host}${url.pathname}`;
  } catch {
    return 'postgres://(unparsable url)';
  }
}
