import { createAdapter } from '@socket.io/postgres-adapter';
import pg from 'pg';
import type { Logger } from 'pino';

/** Attachment rows (payloads over NOTIFY's limit) older than this are deleted by every gateway. */
const ATTACHMENT_CLEANUP_MS = 60_000;

export interface LiveAdapter {
  /** For `attachLive(server, deps, { adapter })` → `new Server(…, { adapter })`. */
  adapter: ReturnType<typeof createAdapter>;
  /** Ends the adapter's pool. Call after socket.io has closed (which releases the LISTEN client). */
  close(): Promise<void>;
}

/**
 * socket.io fan-out across gateway instances through PostgreSQL (LISTEN/NOTIFY): an event emitted with
 * `io.emit` on one gateway reaches the dashboards connected to every other. Needs the
 * socket_io_attachments table (migration 0008_socketio.sql).
 *
 * The adapter holds one pooled connection for LISTEN for its whole life, so it gets a small pool of its own
 * rather than a slot in the request pool.
 */
export function createLiveAdapter(connectionString: string, logger: Logger): LiveAdapter {
  const pool = new pg.Pool({ connectionString, max: 3, connectionTimeoutMillis: 10_000 });
  pool.on('error', (error) => {
    logger.warn({ event: 'live.adapter_pool_error', code: (error as { code?: string }).code }, error.message);
  });
  const adapter = createAdapter(pool, {
    tableName: 'socket_io_attachments',
    cleanupInterval: ATTACHMENT_CLEANUP_MS,
    errorHandler: (error: Error) => {
      logger.warn({ event: 'live.adapter_error', code: (error as { code?: string }).code }, error.message);
    },
  });
  return {
    adapter,
    close: () => pool.end(),
  };
}
