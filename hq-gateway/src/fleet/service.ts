import type { Express } from 'express';
import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { evaluateAlerts } from './alerts';
import { fleetBusOf } from './bus';
import { hourlyIssuances } from './issuance-counts';
import type { LiveChannel } from './live';
import type { HourlyIssuances } from './ops-schemas';
import { publishChanges } from './publish';

export interface FleetOptions {
  db: Database;
  logger: Logger;
  now?: () => Date;
  /** Alert sweep period; default 5 s. */
  sweepMs?: number;
  /** How often the current hour's issuance counts are pushed when they changed; default 30 s. */
  issuanceTickMs?: number;
}

/**
 * Runs the fleet's background work in one gateway instance: routes' events go out on the live channel, an
 * alert sweep (offline, jams that last, auth failures over a window) and the issuance tick. Every instance
 * runs its own sweep; the alerts table makes concurrent sweeps safe (see alerts.ts).
 */
export function startFleet(
  app: Express,
  live: LiveChannel,
  options: FleetOptions,
): { stop(): Promise<void> } {
  const now = options.now ?? (() => new Date());
  const { db, logger } = options;
  const unsubscribe = fleetBusOf(app).subscribe((event) => live.publish(event));
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const sweep = async () => {
    const at = now();
    const changes = await evaluateAlerts(db, at);
    if (changes.length > 0) {
      logger.info({
        event: 'fleet.alerts',
        opened: count(changes, 'opened'),
        closed: count(changes, 'closed'),
      });
    }
    await publishChanges(db, at, live.publish, changes);
  };

  let lastHour: HourlyIssuances | undefined;
  const tick = async () => {
    const [current] = await hourlyIssuances(db, now(), 1);
    if (!current || JSON.stringify(current) === JSON.stringify(lastHour)) return;
    lastHour = current;
    // Every instance computes the same figure from the shared database: tell only its own sockets.
    live.io.local.emit('issuance', { hour: current });
  };

  // Serialised: a slow sweep is never overlapped by the next one; a failure is logged and retried next time.
  const schedule = (name: string, work: () => Promise<void>) => () => {
    if (stopped) return;
    running = running.then(work).catch((error: unknown) => {
      if (!stopped)
        logger.error({ event: 'fleet.background_failed', task: name, err: error }, 'fleet task failed');
    });
  };
  const timers = [
    setInterval(schedule('sweep', sweep), options.sweepMs ?? 5_000),
    setInterval(schedule('issuances', tick), options.issuanceTickMs ?? 30_000),
  ];
  for (const timer of timers) timer.unref();

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}

function count(changes: readonly { action: string }[], action: string): number {
  return changes.filter((c) => c.action === action).length;
}
