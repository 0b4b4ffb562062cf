import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { databaseConfig, describeDatabase, openDatabase } from '../../db/open';
import { gatewayPaths } from '../../server';
import { verifyAuditChain } from '../verify';

/**
 * npm run audit:verify [-- --data ./data]   (or with DATABASE_URL set)
 * Walks the audit chain; prints OK with the row count, or the first broken row and why, and exits 1.
 */
const { values } = parseArgs({ options: { data: { type: 'string' } }, strict: true });
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dataDir = path.resolve(values.data ?? path.join(root, 'data'));
const config = databaseConfig({ dataDir: gatewayPaths(dataDir).database });
const db = await openDatabase(config);
try {
  const result = await verifyAuditChain(db);
  if (result.ok) {
    const pending =
      result.unsealed > 0 ? ` (${result.unsealed} pre-chain rows sealed at the next append)` : '';
    console.log(`OK: audit chain intact, ${result.rows} rows in ${describeDatabase(config)}${pending}`);
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
