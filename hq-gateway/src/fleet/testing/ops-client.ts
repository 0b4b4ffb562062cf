import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { createOperator } from '../../ops/operators';
import { createOperatorSession } from '../../ops/sessions';
import { SESSION_COOKIE } from '../../ops/auth';
import { kioskCall, type Answer, type GatewayFixture } from '../../testing/gateway-fixture';
import { LIVE_PATH } from '../ops-schemas';

/** Test helpers for the operator side of the fleet: a logged-in operator, its API calls and live socket. */

export interface TestOperator {
  id: string;
  role: 'viewer' | 'operator' | 'admin';
  cookie: string;
  csrfToken: string;
}

/** A fresh operator with a session made directly in the database (login itself is the ops module's test). */
export async function testOperator(fx: GatewayFixture, role: TestOperator['role']): Promise<TestOperator> {
  const operator = await createOperator(fx.db, {
    username: `fleet-${role}-${randomBytes(4).toString('hex')}`,
    password: randomBytes(12).toString('base64url'),
    role,
    now: fx.clock.now,
  });
  const session = await createOperatorSession(fx.db, operator.id, fx.clock.now);
  return {
    id: operator.id,
    role,
    cookie: `${SESSION_COOKIE}=${session.cookieValue}`,
    csrfToken: session.csrfToken,
  };
}

export function opsCall(
  fx: GatewayFixture,
  operator: TestOperator | null,
  method: 'GET' | 'POST',
  path: string,
  options: { csrf?: boolean } = {},
): Promise<Answer> {
  const headers: Record<string, string> = operator
    ? { cookie: operator.cookie, ...(options.csrf !== false && { 'x-csrf-token': operator.csrfToken }) }
    : {};
  return kioskCall(fx, null, method, path, method === 'POST' ? {} : undefined, { headers });
}

/** A dashboard's socket (HQ's CA trusted), connected or rejected. */
export function liveSocket(
  fx: GatewayFixture,
  cookie: string | null,
  extraHeaders: Record<string, string> = {},
): Socket {
  return io(fx.url, {
    path: LIVE_PATH,
    transports: ['websocket'],
    ca: fx.tls.hqCaPem,
    extraHeaders: { ...(cookie && { cookie }), ...extraHeaders },
    reconnection: false,
    forceNew: true,
  });
}

/** Resolves on connect, rejects with the server's refusal. */
export function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

/** Collects every payload of `event` the socket receives. */
export function collect<T = unknown>(socket: Socket, event: string): T[] {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
}
