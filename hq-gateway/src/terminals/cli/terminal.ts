/**
 * Terminal administration (run from the repository root):
 *
 *   npm run terminal -- add <terminalId> [--name "Store 123 kiosk"]   prints a one-time enrolment code (24 h)
 *   npm run terminal -- revoke <terminalId>                          refused from the next request on
 *   npm run terminal -- list
 *
 * Options: --data ./data (HQ's data folder; PostgreSQL instead when DATABASE_URL is set).
 * Embedded PGlite is single-process: with it, stop the gateway first (or use the operations API).
 * Exit codes: 0 done, 1 refused or failed, 2 usage.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { databaseConfig, openDatabase } from '../../db/open';
import { runMigrations } from '../../db/migrate';
import { listTerminals } from '../../db/terminals';
import { gatewayPaths } from '../../server';
import { createEnrollmentCode, EnrollmentCodeError } from '../enrollment-codes';
import { revokeTerminal } from '../revocation';

const USAGE = `usage:
  npm run terminal -- add <terminalId> [--name <name>] [--data ./data]
  npm run terminal -- revoke <terminalId> [--data ./data]
  npm run terminal -- list [--data ./data]`;

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    strict: true,
    options: { data: { type: 'string', default: './data' }, name: { type: 'string' } },
  });
} catch (error) {
  usage((error as Error).message);
}
const { values, positionals } = parsed;
const [command, terminalId, ...extra] = positionals;
if (extra.length > 0) usage(`unexpected arguments: ${extra.join(' ')}`);
if ((command === 'add' || command === 'revoke') && !terminalId) usage('a terminal id is required');

const db = await openDatabase(databaseConfig({ dataDir: gatewayPaths(path.resolve(values.data)).database }));
let exitCode = 0;
try {
  await runMigrations(db);
  switch (command) {
    case 'add': {
      const created = await createEnrollmentCode(db, {
        terminalId: terminalId ?? '',
        ...(values.name !== undefined && { name: values.name }),
      });
      console.log(
        `Enrolment code for ${created.terminalId} (single use, until ${created.expiresAt.toISOString()}):`,
      );
      console.log(`  ${created.code}`);
      console.log(
        `On the kiosk: npm run enroll -- --hq https://<hq>:4200 --code ${created.code} --data ./data`,
      );
      break;
    }
    case 'revoke': {
      const revoked = await revokeTerminal(db, terminalId ?? '');
      if (revoked) console.log(`${terminalId} revoked: its certificate is refused from the next request on.`);
      else {
        console.error(`${terminalId}: no such terminal, or already revoked`);
        exitCode = 1;
      }
      break;
    }
    case 'list': {
      for (const t of await listTerminals(db)) {
        const state = t.revokedAt
          ? `revoked ${t.revokedAt.toISOString()}`
          : t.enrolledAt
            ? `enrolled ${t.enrolledAt.toISOString()}, certificate until ${t.certNotAfter?.toISOString()}`
            : 'not enrolled';
        console.log(`${t.id.padEnd(16)} ${state}${t.name ? `  (${t.name})` : ''}`);
      }
      break;
    }
    default:
      console.error(`${command ? `unknown command ${command}` : 'a command is required'}\n${USAGE}`);
      exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof EnrollmentCodeError ? error.message : String(error));
  exitCode = 1;
} finally {
  await db.close();
}
process.exit(exitCode);
