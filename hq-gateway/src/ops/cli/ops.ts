import path from 'node:path';
import { text } from 'node:stream/consumers';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { appendAudit } from '../../db/audit';
import { runMigrations } from '../../db/migrate';
import { databaseConfig, describeDatabase, openDatabase } from '../../db/open';
import { gatewayPaths } from '../../server';
import { createOperator, listOperators, OperatorExistsError, OperatorRole, Username } from '../operators';
import { generatePassword } from '../password';

const USAGE = `usage: npm run ops -- add-operator <username> <viewer|operator|admin> [--data ./data]
       npm run ops -- list-operators [--data ./data]
The password is the first line of stdin when one is piped (at least 12 characters); otherwise one is
generated and printed once. DATABASE_URL selects PostgreSQL instead of the data folder's PGlite.`;

const { values, positionals } = parseArgs({
  options: { data: { type: 'string' } },
  allowPositionals: true,
  strict: true,
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dataDir = path.resolve(values.data ?? path.join(root, 'data'));
const [command, ...args] = positionals;

async function main(): Promise<number> {
  if (command === 'add-operator' && args.length === 2) {
    const username = Username.safeParse(args[0]);
    const role = OperatorRole.safeParse(args[1]);
    if (!username.success || !role.success) {
      console.error(`${USAGE}\nusername: 3–64 of a-z 0-9 . _ -; role: viewer, operator or admin`);
      return 2;
    }
    const typed = process.stdin.isTTY ? '' : ((await text(process.stdin)).split(/\r?\n/)[0] ?? '');
    const generated = typed === '';
    const password = generated ? generatePassword() : typed;
    if (password.length < 12) {
      console.error('password: at least 12 characters');
      return 2;
    }
    return withDatabase(async (db) => {
      try {
        const now = new Date();
        const operator = await db.transaction(async (tx) => {
          const created = await createOperator(tx, {
            username: username.data,
            password,
            role: role.data,
            now,
          });
          await appendAudit(tx, { event: 'operator.created', at: now, subjectId: created.id });
          return created;
        });
        console.log(`added ${operator.role} ${operator.username} (${operator.id})`);
        if (generated) console.log(`password (shown once): ${password}`);
        return 0;
      } catch (error) {
        if (!(error instanceof OperatorExistsError)) throw error;
        console.error(`operator ${username.data} exists`);
        return 1;
      }
    });
  }
  if (command === 'list-operators' && args.length === 0) {
    return withDatabase(async (db) => {
      for (const o of await listOperators(db)) {
        console.log(
          `${o.username.padEnd(24)} ${o.role.padEnd(8)} ${o.disabled ? 'disabled' : 'active'}  ${o.id}`,
        );
      }
      return 0;
    });
  }
  console.error(USAGE);
  return 2;
}

async function withDatabase(
  fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<number>,
): Promise<number> {
  const config = databaseConfig({ dataDir: gatewayPaths(dataDir).database });
  const db = await openDatabase(config);
  try {
    await runMigrations(db);
    console.error(`database: ${describeDatabase(config)}`);
    return await fn(db);
  } finally {
    await db.close();
  }
}

process.exitCode = await main();
