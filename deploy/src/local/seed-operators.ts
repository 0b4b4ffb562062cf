/**
 * Demo HQ operators and the demo kiosk's staff code at HQ, for `npm start` and the tests.
 * DEV DATA ONLY: these passwords are published in the repository; never seed them into a real HQ.
 * Real operators are created with `npm run ops -- add-operator <username> <role>`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Queryable } from 'hq-gateway/db/database';
import { runMigrations } from 'hq-gateway/db/migrate';
import { openDemoDatabase } from './demo-db';
import { createOperator, findOperatorByUsername, type OperatorRole } from 'hq-gateway/ops/operators';
import { setTerminalStaffCode, staffCodeRecord, currentStaffCodes } from 'hq-gateway/ops/staff-codes';

export const DEMO_OPERATORS: readonly { username: string; password: string; role: OperatorRole }[] = [
  { username: 'admin', password: 'demo-admin-2026', role: 'admin' },
  { username: 'viewer', password: 'demo-viewer-2026', role: 'viewer' },
];

/** Bumped when what this file seeds changes; independent of SEED_VERSION so older data folders catch up. */
export const OPERATORS_SEED_VERSION = 1;

/** Adds the demo operators and the terminal's staff code where missing (idempotent). */
export async function seedDemoOperators(
  tx: Queryable,
  demo: { terminalId: string; staffCode: string },
): Promise<void> {
  for (const operator of DEMO_OPERATORS) {
    if (!(await findOperatorByUsername(tx, operator.username))) await createOperator(tx, operator);
  }
  const terminal = await tx.query('SELECT 1 FROM terminals WHERE id = $1', [demo.terminalId]);
  if (terminal.length > 0 && (await currentStaffCodes(tx, demo.terminalId)).length === 0) {
    await setTerminalStaffCode(tx, {
      terminalId: demo.terminalId,
      record: await staffCodeRecord(demo.staffCode),
      operatorId: null,
      now: new Date(),
    });
  }
}

function marker(dataDir: string): string {
  return path.join(dataDir, '.seeded-operators');
}

export async function writeOperatorsMarker(dataDir: string): Promise<void> {
  await writeFile(marker(dataDir), `${JSON.stringify({ version: OPERATORS_SEED_VERSION })}\n`);
}

/**
 * For a data folder seeded before operators existed: opens its database once, migrates, seeds, and leaves a
 * marker so later starts skip the database's cold start.
 */
export async function ensureDemoOperators(
  dataDir: string,
  databaseDir: string,
  demo: { terminalId: string; staffCode: string },
): Promise<boolean> {
  const done = await readFile(marker(dataDir), 'utf8').then(
    (text) => (JSON.parse(text) as { version?: unknown }).version === OPERATORS_SEED_VERSION,
    () => false,
  );
  if (done) return false;
  const db = await openDemoDatabase(databaseDir);
  try {
    await runMigrations(db);
    await db.transaction((tx) => seedDemoOperators(tx, demo));
  } finally {
    await db.close();
  }
  await writeOperatorsMarker(dataDir);
  return true;
}
