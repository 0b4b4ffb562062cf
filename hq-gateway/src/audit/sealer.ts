import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { DEFAULT_SEAL_BATCH, sealAuditChain } from './seal';

export interface AuditSealerOptions {
  db: Database;
  logger: Logger;
  /** How often pending rows are chained; default 200 ms (the most a crash can leave unchained). */
  intervalMs?: number;
  /** Rows per seal transaction; a full batch is followed at once by the next. */
  max?: number;
}

/**
 * Runs sealAuditChain in the background of one gateway. Every gateway runs one: whichever takes the chain
 * head seals, the others skip that tick (SKIP LOCKED), so a gateway going down leaves nothing behind. Ticks
 * never overlap; stop() waits for the running one, then seals once more so rows written before close are
 * chained.
 */
export function startAuditSealer(options: AuditSealerOptions): { stop(): Promise<void> } {
  const { db, logger } = options;
  const max = options.max ?? DEFAULT_SEAL_BATCH;
  let running: Promise<void> | undefined;

  const drain = async (): Promise<void> => {
    try {
      let sealed: number;
      do {
        sealed = await sealAuditChain(db, { max });
        if (sealed > 0) logger.debug({ event: 'audit.sealed', rows: sealed });
      } while (sealed === max);
    } catch (error) {
      // Unsealed rows stay pending and are picked up by the next tick; verification reports them.
      logger.error({ event: 'audit.seal_failed', err: error }, 'audit chain seal failed');
    }
  };

  const timer = setInterval(() => {
    if (running) return;
    running = drain().finally(() => {
      running = undefined;
    });
  }, options.intervalMs ?? 200);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      await running;
      await drain();
    },
  };
}
