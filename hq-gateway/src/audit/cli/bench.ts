import { appendAudit } from '../../db/audit';
import { runMigrations } from '../../db/migrate';
import { openPgliteDatabase } from '../../db/pglite';
import { verifyAuditChain } from '../verify';

/**
 * npx tsx hq-gateway/src/audit/cli/bench.ts [appends]
 * What the chain costs on PGlite: plain INSERTs (the pre-chain appendAudit) against chained appends (head
 * lock, insert, hash, two updates), alone and in groups of concurrent transactions; then verification speed.
 */
const n = Number(process.argv[2] ?? 2000);
const db = await openPgliteDatabase();
await runMigrations(db);
const entry = () => ({
  event: 'issuance.copy_printed' as const,
  at: new Date(),
  terminalId: 'T-BENCH',
  serial: 'S1',
});

async function timed(label: string, fn: () => Promise<void>): Promise<void> {
  const started = process.hrtime.bigint();
  await fn();
  const s = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${label.padEnd(46)} ${String(Math.round(n / s)).padStart(7)} /s  (${n} in ${s.toFixed(2)} s)`);
}

await timed('plain INSERT (no chain)', async () => {
  for (let i = 0; i < n; i++) {
    await db.query(
      `INSERT INTO audit_log (at, event, terminal_id, serial, seq) VALUES ($1, $2, $3, $4, $5)`,
      [new Date().toISOString(), 'issuance.copy_printed', 'T-BENCH', 'S1', -1 - i],
    );
  }
});
await db.query('DELETE FROM audit_log');
await timed('chained appendAudit, one transaction each', async () => {
  for (let i = 0; i < n; i++) await appendAudit(db, entry());
});
await timed('chained appendAudit, 16 concurrent transactions', async () => {
  for (let i = 0; i < n; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, n - i) }, () => db.transaction((tx) => appendAudit(tx, entry()))),
    );
  }
});
const started = process.hrtime.bigint();
const result = await verifyAuditChain(db);
const s = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`verify: ${JSON.stringify(result)} in ${s.toFixed(2)} s (${Math.round(result.rows / s)} rows/s)`);
await db.close();
