import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/support/postgres';
import type { Database } from './database';

/**
 * Which statements the Database prepares (db/postgres.ts): those with parameters, under a name, so they are
 * planned once per connection — but not those that switch on a NULL parameter, which a generic plan would
 * run for every row. Seen from inside a transaction, which holds one connection.
 */
describe.each(testEngines)('prepared statements on $name', (engine) => {
  let db: Database;

  beforeAll(async () => {
    db = await engine.open();
  });

  afterAll(async () => {
    await db?.close();
  });

  const prepared = (tx: Pick<Database, 'query'>) =>
    tx.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements');

  it('prepares a statement with parameters once, and reuses it', async () => {
    const sql = 'SELECT $1::int + 1 AS n -- prepared once';
    await db.transaction(async (tx) => {
      expect(await tx.query(sql, [1])).toEqual([{ n: 2 }]);
      expect(await tx.query(sql, [41])).toEqual([{ n: 42 }]);
      const same = (await prepared(tx)).filter((p) => p.statement.includes('-- prepared once'));
      expect(same).toHaveLength(1);
    });
  });

  it('leaves statements without parameters and NULL switches unprepared', async () => {
    const nullSwitch = "SELECT 1 AS n WHERE $1::text IS NULL OR $1 = 'x' -- null switch";
    await db.transaction(async (tx) => {
      expect(await tx.query(nullSwitch, [null])).toEqual([{ n: 1 }]);
      expect(await tx.query(nullSwitch, ['y'])).toEqual([]);
      await tx.query('SELECT 2 AS n -- no parameters');
      const statements = (await prepared(tx)).map((p) => p.statement);
      expect(statements.filter((s) => s.includes('-- null switch'))).toEqual([]);
      expect(statements.filter((s) => s.includes('-- no parameters'))).toEqual([]);
    });
  });
});
