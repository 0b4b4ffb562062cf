import { appendAudit } from '../../db/audit';
import type { Database } from '../../db/database';
import { runMigrations } from '../../db/migrate';
import { openPgliteDatabase } from '../../db/pglite';
import { openPostgresDatabase } from '../../db/postgres';
import { sealAuditChain } from '../seal';
import { verifyAuditChain } from '../verify';

/**
 * npm run bench:audit [-- appends]   (in-memory PGlite; with DATABASE_URL, that PostgreSQL — a scratch one)
 * What the chain costs: appends (a plain INSERT, no lock), alone and in groups of concurrent transactions;
 * sealing (rows chained per second, in batches as the gateway's sealer does); then verification speed.
 */
const n = Number(process.argv[2] ?? 2000);
const url = process.env.DATABASE_URL;
const db: Database = url ? await openPostgresDatabase({ connectionString: url }) : await openPgliteDatabase();
await runMigrations(db);
console.log(`audit bench on ${url ? 'PostgreSQL' : 'PGlite (in memory)'}, ${n} rows per step`);
const entry = () => ({
  event: 'issuance.copy_printed' as const,
  at: new Date(),
  terminalId: 'T-BENCH',
  serial: 'S1',
});

async function timed(label: string, rows: number, fn: () => Promise<void>): Promise<void> {
  const started = process.hrtime.bigint();
  await fn();
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `${label.padEnd(46)} ${String(Math.round(rows / s)).padStart(7)} /s  (${rows} in ${s.toFixed(2)} s)`,
  );
}

async function sealAll(max: number): Promise<void> {
  while ((await sealAuditChain(db, { max })) > 0);
}

await timed('appendAudit, one transaction each', n, async () => {
  for (let i = 0; i < n; i++) await appendAudit(db, entry());
});
await timed('appendAudit, 16 concurrent transactions', n, async () => {
  for (let i = 0; i < n; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, n - i) }, () => db.transaction((tx) => appendAudit(tx, entry()))),
    );
  }
});
await timed('seal, batches of 5000 (rows chained)', 2 * n, () => sealAll(5_000));
for (let i = 0; i < n; i++) await appendAudit(db, entry());
await timed('seal, batches of 100 (rows chained)', n, () => sealAll(100));
const started = process.hrtime.bigint();
const result = await verifyAuditChain(db);
const s = Number(process.hrtime.bigint() - started) / 1e9;
const verified = result.ok ? result.rows : 0;
console.log(`verify: ${JSON.stringify(result)} in ${s.toFixed(2)} s (${Math.round(verified / s)} rows/s)`);
await db.close();
