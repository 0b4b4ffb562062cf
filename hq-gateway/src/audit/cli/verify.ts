import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { databaseConfig, describeDatabase, openDatabase } from '../../db/open';
import { gatewayPaths } from '../../server';
import { verifyAuditChain } from '../verify';

/**
 * npm run audit:verify [-- --data ./data]   (or with DATABASE_URL set)
 * Walks the sealed audit chain; prints OK with the row count and the rows still pending (appended since the
 * gateways' last seal, normally under a second's worth: not an error), or the first broken row and why, and
 * exits 1. Read-only: it never seals (the gateways do, every 200 ms).
 */
const { values } = parseArgs({ options: { data: { type: 'string' } }, strict: true });
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dataDir = path.resolve(values.data ?? path.join(root, 'data'));
const config = databaseConfig({ dataDir: gatewayPaths(dataDir).database });
const db = await openDatabase(config);
try {
  const result = await verifyAuditChain(db);
  if (result.ok) {
    console.log(
      `OK: audit chain intact, ${result.rows} sealed rows in ${describeDatabase(config)}; ` +
        `pending: ${result.pending} (not sealed yet)`,
    );
  } else {
    console.log(
      `BROKEN at audit_log id ${result.id} (seq ${result.seq}): ${result.reason} — ${result.detail}; ` +
        `${result.rows} rows verified before it`,
    );
    process.exitCode = 1;
  }
} finally {
  await db.close();
}
