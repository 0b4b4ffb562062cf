import type { Queryable } from '../db/database';
import type { AlertChange } from './alerts';
import type { FleetEvent } from './ops-schemas';
import { terminalSummary } from './terminals';

/**
 * Publishes alert changes, then the fresh summary of every terminal they (or `alsoTerminals`) touch, so a
 * dashboard row always shows its current state and open alerts.
 */
export async function publishChanges(
  db: Queryable,
  now: Date,
  publish: (event: FleetEvent) => void,
  changes: readonly AlertChange[],
  alsoTerminals: readonly string[] = [],
): Promise<void> {
  for (const change of changes) publish({ type: 'alert', ...change });
  const terminals = new Set([...alsoTerminals, ...changes.map((c) => c.alert.terminalId)]);
  for (const id of terminals) {
    const terminal = await terminalSummary(db, now, id);
    if (terminal) publish({ type: 'terminal', terminal });
  }
}
