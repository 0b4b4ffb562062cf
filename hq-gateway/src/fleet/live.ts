import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import type { Database } from '../db/database';
import { operatorFromCookieHeader, type Operator } from '../ops/auth';
import { LIVE_PATH, type FleetEvent } from './ops-schemas';

export interface LiveChannel {
  io: Server;
  /** Broadcast to every dashboard, on every gateway instance when an adapter is plugged in. */
  publish(event: FleetEvent): void;
  close(): Promise<void>;
}

/**
 * The dashboards' live channel: socket.io on /ops/socket.io, for logged-in operators only (the handshake
 * carries the hq_session cookie). Events: `terminal`, `alert`, `issuance` (see ops-schemas.ts). Publishing
 * goes through io.emit so that an adapter (@socket.io/postgres-adapter) carries a status change received by
 * any instance to the dashboards connected to all the others.
 */
export function attachLive(
  server: HttpServer | HttpsServer,
  deps: { db: Database; logger: Logger; now?: () => Date; recheckMs?: number },
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the adapter factory type is socket.io's own
  options: { adapter?: any } = {},
): LiveChannel {
  const now = deps.now ?? (() => new Date());
  const io = new Server(server, {
    path: LIVE_PATH,
    serveClient: false,
    // Browsers send Origin on every WebSocket and CORS request: refuse other sites (cross-site WebSocket
    // hijacking rides on the operator's cookie).
    allowRequest: (req, callback) => callback(null, sameOrigin(req)),
    ...(options.adapter !== undefined && { adapter: options.adapter }),
  });
  io.use((socket, next) => {
    operatorFromCookieHeader(deps.db, socket.request.headers.cookie, now()).then(
      (operator) => {
        if (!operator) return next(new Error('OPERATOR_UNAUTHENTICATED'));
        (socket.data as { operator?: Operator }).operator = operator;
        next();
      },
      (error: unknown) => {
        deps.logger.error({ event: 'live.auth_failed', err: error }, 'operator lookup failed');
        next(new Error('INTERNAL'));
      },
    );
  });
  // A session that ends (logout, expiry, operator disabled) ends its open sockets too, not only new ones.
  const recheck = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      operatorFromCookieHeader(deps.db, socket.request.headers.cookie, now()).then(
        (operator) => {
          if (operator) return;
          deps.logger.info({ event: 'live.session_ended' }, 'dashboard session ended: disconnecting');
          socket.disconnect(true);
        },
        () => undefined, // the next round tries again; a database hiccup does not drop dashboards
      );
    }
  }, deps.recheckMs ?? 30_000);
  recheck.unref();
  io.on('connection', (socket) => {
    const operatorId = (socket.data as { operator?: Operator }).operator?.id;
    deps.logger.info({ event: 'live.connected', operatorId }, 'dashboard connected');
    socket.on('disconnect', (reason) =>
      deps.logger.info({ event: 'live.disconnected', operatorId, reason }, 'dashboard disconnected'),
    );
  });
  return {
    io,
    publish(event) {
      const { type, ...payload } = event;
      io.emit(type, payload);
    },
    async close() {
      clearInterval(recheck);
      io.local.disconnectSockets(true);
      // Not io.close(): that would also close the HTTP server, which belongs to the caller.
      io.engine.close();
      await Promise.resolve(io.of('/').adapter.close());
    },
  };
}

function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // not a browser: the cookie check still applies
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
