import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, startGatewayFixture, type GatewayFixture } from '../testing/gateway-fixture';
import type { TestTerminal } from '../testing/terminal-tls';

/** A gateway behind a (simulated) haproxy: every connection must open with a PROXY v2 header. */
let fx: GatewayFixture;
const agents: Agent[] = [];

beforeAll(async () => {
  fx = await startGatewayFixture({ proxyProtocol: true, rateLimits: { verify: 3 } });
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await fx?.close();
});

/** haproxy's send-proxy-v2 header for a TCP over IPv4 client. */
function proxyV2(client: string): Buffer {
  const block = Buffer.alloc(12);
  client.split('.').forEach((octet, i) => block.writeUInt8(Number(octet), i));
  block.set([127, 0, 0, 1], 4);
  block.writeUInt16BE(40_000, 8);
  block.writeUInt16BE(443, 10);
  const signature = [0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a];
  return Buffer.concat([Buffer.from([...signature, 0x21, 0x11, 0, block.length]), block]);
}

/**
 * An HTTPS client whose connections start with `header` (sent in two pieces, as TCP may deliver it),
 * then TLS with HQ's CA and, for a terminal, its client certificate.
 */
function clientVia(header: Buffer | null, terminal?: TestTerminal, localAddress = '127.0.0.1'): Agent {
  const port = Number(new URL(fx.url).port);
  const agent = new Agent({
    connect: (_options, callback) => {
      const raw: Socket = netConnect({ port, host: '127.0.0.1', localAddress }, () => {
        if (header) {
          raw.write(header.subarray(0, 7));
          raw.write(header.subarray(7));
        }
        const secure = tlsConnect({
          socket: raw,
          host: '127.0.0.1',
          ca: fx.tls.hqCaPem,
          ...(terminal && { key: terminal.keyPem, cert: terminal.certificatePem }),
        });
        secure.once('secureConnect', () => callback(null, secure));
        secure.once('error', (error) => callback(error, null));
      });
      raw.once('error', (error) => callback(error, null));
    },
  });
  agents.push(agent);
  return agent;
}

async function get(dispatcher: Agent, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${fx.url}${path}`, { dispatcher, headers } as RequestInit);
  const json: unknown = response.headers.get('content-type')?.includes('json')
    ? await response.json()
    : await response.text();
  return { status: response.status, headers: response.headers, json };
}

describe('a gateway behind a PROXY protocol balancer', () => {
  it('takes the client address from the header: /metrics is loopback-only for the real client', async () => {
    // The balancer connects from loopback; before, every request through it looked local.
    expect((await get(clientVia(proxyV2('203.0.113.7')), '/metrics')).status).toBe(404);
    expect((await get(clientVia(proxyV2('127.0.0.1')), '/metrics')).status).toBe(200);
  });

  it('still authenticates a kiosk by its client certificate through the header', async () => {
    const kiosk = clientVia(proxyV2('198.51.100.20'), fx.terminals.a);
    const answer = await get(kiosk, '/v1/kiosk/document-key');
    expect(answer.status).toBe(200);
    const stranger = clientVia(proxyV2('198.51.100.21'));
    expect(errorCode((await get(stranger, '/v1/kiosk/document-key')).json)).toBe('TERMINAL_UNAUTHENTICATED');
  });

  it('closes a connection that does not start with a header, even from loopback, and logs it', async () => {
    const before = fx.logs.length;
    // A balancer on this host with send-proxy forgotten would connect just like this.
    await expect(get(clientVia(null), '/v1/health')).rejects.toThrow();
    await expect(get(clientVia(null, undefined, '127.0.0.2'), '/v1/health')).rejects.toThrow();
    const refused = fx.logs.slice(before).map((line) => JSON.parse(line) as { event?: string });
    expect(refused.some((entry) => entry.event === 'proxy_protocol.refused')).toBe(true);
  });

  it('limits each client separately, whatever X-Forwarded-For says', async () => {
    const first = clientVia(proxyV2('192.0.2.50'));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(first, '/v1/verify?seal=x')).status);
    expect(statuses).toEqual([200, 200, 200]); // answered 'forged', and counted
    const refused = await get(first, '/v1/verify?seal=x', { 'x-forwarded-for': '192.0.2.99' });
    expect(refused.status).toBe(429);
    expect(errorCode(refused.json)).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Same client on a new connection: still refused. Another client: its own budget.
    expect((await get(clientVia(proxyV2('192.0.2.50')), '/v1/verify?seal=x')).status).toBe(429);
    expect((await get(clientVia(proxyV2('192.0.2.51')), '/v1/verify?seal=x')).status).toBe(200);
    // Routes without a limit are untouched for the refused client.
    expect((await get(first, '/v1/health')).status).toBe(200);
  });
});
