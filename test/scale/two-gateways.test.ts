import { rm } from 'node:fs/promises';
import { request } from 'node:https';
import { webcrypto } from 'node:crypto';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalSummary, LIVE_PATH } from 'hq-gateway/fleet/ops-schemas';
import { createOperator } from 'hq-gateway/ops/operators';
import { SESSION_COOKIE } from 'hq-gateway/ops/auth';
import { createTerminalCsr } from 'hq-gateway/pki/terminal-csr';
import { EC_P256, exportKeyPem } from 'hq-gateway/pki/tls-x509';
import type { RunningGateway } from 'hq-gateway/server';
import { createEnrollmentCode } from 'hq-gateway/terminals/enrollment-codes';
import { EnrollResponse } from 'hq-gateway/terminals/enroll-contract';
import { withPostgres } from '../support/postgres';
import { seededHqData, startGatewayPair } from '../support/gateway-pair';

/**
 * HQ scaled out: two gateway processes' worth of gateways (same data folder for keys and PKI, different
 * ports) on ONE fresh PostgreSQL database. An operator's dashboard socket is connected to gateway A; a
 * kiosk reports a paper jam to gateway B; the dashboard on A must see it — carried from B to A by the
 * socket.io PostgreSQL adapter (LISTEN/NOTIFY), since A never handled the kiosk's request.
 */

const postgres = withPostgres();
const TERMINAL_ID = 'T-SCALE-0001';
const PASSWORD = 'scale-test-password-2026';

let root: string;
let hqCa: string;
let gateways: RunningGateway[] = [];
const sockets: Socket[] = [];
let terminal: { keyPem: string; certificatePem: string };

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

/** One HTTPS request, trusting HQ's TLS CA; with the terminal's key and certificate when `mtls` is set. */
function call(
  url: string,
  method: 'GET' | 'POST',
  body?: unknown,
  options: { mtls?: boolean; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: hqCa,
        ...(options.mtls && { key: terminal.keyPem, cert: terminal.certificatePem }),
        headers: {
          ...(payload !== undefined && { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Logs an operator in on `gatewayUrl` and returns the session cookie (name=value). */
async function login(gatewayUrl: string, username: string): Promise<string> {
  const reply = await call(`${gatewayUrl}/v1/ops/login`, 'POST', { username, password: PASSWORD });
  expect(reply.status).toBe(200);
  const setCookie = ([] as string[]).concat(reply.headers['set-cookie'] ?? []);
  const session = setCookie.map((c) => c.split(';')[0]!).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!session) throw new Error(`no ${SESSION_COOKIE} cookie in ${JSON.stringify(setCookie)}`);
  return session;
}

async function dashboard(gatewayUrl: string, cookie: string): Promise<Socket> {
  const socket = connectSocket(gatewayUrl, {
    path: LIVE_PATH,
    transports: ['websocket'],
    extraHeaders: { cookie },
    ca: hqCa,
    reconnection: false,
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** The first `terminal` event about our terminal that satisfies `accept`. */
function nextTerminalEvent(
  socket: Socket,
  accept: (t: TerminalSummary) => boolean,
): Promise<TerminalSummary> {
  return new Promise((resolve) => {
    const listener = (payload: { terminal: unknown }) => {
      const parsed = TerminalSummary.safeParse(payload.terminal);
      if (parsed.success && parsed.data.id === TERMINAL_ID && accept(parsed.data)) {
        socket.off('terminal', listener);
        resolve(parsed.data);
      }
    };
    socket.on('terminal', listener);
  });
}

/** `promise`, or a failure naming what did not happen (instead of the test's long timeout). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Enrolls TERMINAL_ID through `gatewayUrl`'s /v1/enroll, as the kiosk's enrolment tool does. */
async function enroll(gatewayUrl: string, db: RunningGateway['db']) {
  const { code } = await createEnrollmentCode(db, { terminalId: TERMINAL_ID, name: 'Scale test kiosk' });
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const reply = await call(`${gatewayUrl}/v1/enroll`, 'POST', { code, csr: await createTerminalCsr(keys) });
  expect(reply.status).toBe(201);
  const enrolled = EnrollResponse.parse(reply.json);
  return { keyPem: await exportKeyPem(keys.privateKey), certificatePem: enrolled.certificate };
}

beforeAll(async () => {
  let dataDir: string;
  ({ root, dataDir, hqCa } = await seededHqData('kiosk-scale-'));
  gateways = await startGatewayPair(dataDir, postgres.url());
  await createOperator(gateways[0]!.db, { username: 'scale-viewer', password: PASSWORD, role: 'viewer' });
  terminal = await enroll(gateways[1]!.url, gateways[1]!.db);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await Promise.all(gateways.map((g) => g.close()));
  if (root) await rm(root, { recursive: true, force: true });
});

describe('two gateways on one PostgreSQL', () => {
  it('listen on different ports and share one database', async () => {
    const [a, b] = gateways;
    expect(new URL(a!.url).port).not.toBe(new URL(b!.url).port);
    for (const gateway of gateways) expect((await call(`${gateway.url}/v1/health`, 'GET')).status).toBe(200);
    // The terminal enrolled through B is known to A: one database behind both.
    const rows = await a!.db.query<{ id: string }>('SELECT id FROM terminals WHERE id = $1', [TERMINAL_ID]);
    expect(rows).toEqual([{ id: TERMINAL_ID }]);
  });

  it('deliver a jam reported to gateway B to a dashboard connected to gateway A', async () => {
    const [a, b] = gateways;
    const cookie = await login(a!.url, 'scale-viewer');
    const onA = await dashboard(a!.url, cookie);
    // The same session works on B too (sessions live in the database, not in a gateway).
    const onB = await dashboard(b!.url, cookie);

    const ready = {
      reader: 'ready',
      printer: 'idle',
      jamWhere: null,
      paperLow: false,
      outOfService: false,
    } as const;
    const idleOnA = nextTerminalEvent(onA, (t) => t.status?.printer === 'idle');
    expect(
      (await call(`${b!.url}/v1/kiosk/status`, 'POST', { kind: 'snapshot', status: ready }, { mtls: true }))
        .status,
    ).toBe(200);
    await within(idleOnA, 20_000, 'the snapshot sent to B reaching the dashboard on A');

    const jamOnA = nextTerminalEvent(onA, (t) => t.status?.printer === 'jam');
    const jamOnB = nextTerminalEvent(onB, (t) => t.status?.printer === 'jam');
    const reply = await call(
      `${b!.url}/v1/kiosk/status`,
      'POST',
      { kind: 'change', fields: { printer: 'jam', jamWhere: 'tray 1' } },
      { mtls: true },
    );
    expect(reply).toMatchObject({ status: 200, json: { applied: true } });

    const [seenOnA, seenOnB] = await within(
      Promise.all([jamOnA, jamOnB]),
      20_000,
      'the jam sent to B reaching the dashboards on A and B',
    );
    expect(seenOnA).toMatchObject({
      id: TERMINAL_ID,
      state: 'jam',
      status: { printer: 'jam', jamWhere: 'tray 1' },
    });
    expect(seenOnB).toEqual(seenOnA);
  });

  it('refuse a kiosk request without the terminal certificate on either gateway', async () => {
    for (const gateway of gateways) {
      const reply = await call(`${gateway.url}/v1/kiosk/status`, 'POST', { kind: 'heartbeat' });
      expect(reply.status).toBe(401);
    }
  });
});
