import type { Server as HttpServer } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import { asKioskError, KioskError } from '../errors';
import { Intent, type IntentAck } from '../protocol/intents';
import type { ClientToServerEvents, ServerToClientEvents } from '../protocol/events';
import type { Kiosk } from '../flows/kiosk';
import type { DeviceStatusMonitor } from '../device/status';

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The UI's socket: only the local UI (holder of the per-boot token) may connect; every intent is
 * validated with the protocol schema and answered with {ok} or {error: code}; nothing a client sends can
 * throw out of a handler.
 */
export function attachUiSocket(
  httpServer: HttpServer,
  deps: { uiToken: string; flow: Kiosk; devices: DeviceStatusMonitor; logger: Logger },
): Server<ClientToServerEvents, ServerToClientEvents> {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    serveClient: false,
    maxHttpBufferSize: 16 * 1024,
  });
  io.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token =
      typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>).token : undefined;
    if (sameToken(token, deps.uiToken)) return next();
    deps.logger.warn({ event: 'ui.socket.refused' }, 'UI socket without a valid token');
    next(new Error('UNAUTHORIZED'));
  });

  io.on('connection', (socket) => {
    socket.emit('state', deps.flow.state);
    socket.emit('device', deps.devices.snapshot);
    socket.on('intent', (raw: unknown, ack: unknown) => {
      const reply = (result: IntentAck) => {
        if (typeof ack === 'function') (ack as (r: IntentAck) => void)(result);
      };
      const parsed = Intent.safeParse(raw);
      if (!parsed.success) {
        // Never echo the payload: it may hold a PIN.
        deps.logger.warn({ event: 'ui.intent.invalid' }, 'malformed intent');
        return reply({ ok: false, error: new KioskError('BAD_REQUEST').toInfo() });
      }
      deps.flow.handle(parsed.data).then(
        () => reply({ ok: true }),
        (error: unknown) => reply({ ok: false, error: asKioskError(error).toInfo() }),
      );
    });
  });

  const unsubscribeState = deps.flow.onState((state) => io.emit('state', state));
  const unsubscribeDevices = deps.devices.onChange((change) => io.emit('device', change));
  httpServer.on('close', () => {
    unsubscribeState();
    unsubscribeDevices();
  });
  return io;
}
