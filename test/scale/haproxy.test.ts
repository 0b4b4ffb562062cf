import { spawn, type ChildProcess } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { connect as netConnect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hqTlsPaths } from 'hq-gateway/pki/tls-ca';
import { createTerminalCsr } from 'hq-gateway/pki/terminal-csr';
import { EC_P256, exportKeyPem } from 'hq-gateway/pki/tls-x509';
import type { RunningGateway } from 'hq-gateway/server';
import { createEnrollmentCode } from 'hq-gateway/terminals/enrollment-codes';
import { EnrollResponse } from 'hq-gateway/terminals/enroll-contract';
import { withPostgres } from '../support/postgres';
import { freePort } from '../support/free-port';
import { seededHqData, startGatewayPair } from '../support/gateway-pair';

/**
 * HQ as deploy/ sets it up: Debian's haproxy running deploy/hq/haproxy.cfg (only addresses, ports, paths
 * and the public name swapped for local ones) in front of two gateways started with --proxy-protocol on one
 * PostgreSQL. Checks that the balancer's health checks pass, kiosks get through with their certificates,
 * and the gateways see each real client: 127.0.0.2 and 127.0.0.3 stand for two clients on the network.
 */

const postgres = withPostgres();
let root: string;
let hqCa: string;
let gateways: RunningGateway[] = [];
let haproxy: ChildProcess | undefined;
let balancerPort: number;
let statsSocket: string;

interface Reply {
  status: number;
  json: unknown;
}

/** One HTTPS request on a new connection from `from`, trusting HQ's TLS CA. */
function call(
  port: number,
  method: 'GET' | 'POST',
  urlPath: string,
  options: { from?: string; body?: unknown; tls?: { key: string; cert: string } } = {},
): Promise<Reply> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method,
        agent: false,
        localAddress: options.from ?? '127.0.0.1',
        ca: hqCa,
        ...options.tls,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = text;
          try {
            json = JSON.parse(text);
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** `text` with `from` replaced; fails loudly when the deploy file no longer has it. */
function swap(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : new RegExp(from.source, 'm').test(text);
  if (!found) throw new Error(`deploy/hq/haproxy.cfg no longer contains ${String(from)}`);
  return typeof from === 'string' ? text.replaceAll(from, to) : text.replace(from, to);
}

/** One command on haproxy's runtime API (its stats socket); resolves with the answer. */
function runtime(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(statsSocket);
    let out = '';
    socket.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
    socket.end(`${command}\n`);
  });
}

/** `show stat` as rows of named columns. */
async function showStat(): Promise<Record<string, string>[]> {
  const [header, ...lines] = (await runtime('show stat')).trim().split('\n');
  const names = header!.replace(/^# /, '').split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i]!, v])));
}

async function bothGatewaysHealthy(): Promise<Record<string, string>[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const servers = (await showStat()).filter(
      (row) => row.pxname === 'hq_gateways' && row.svname !== 'BACKEND',
    );
    if (servers.length === 2 && servers.every((s) => s.status === 'UP' && s.check_status === 'L7OK')) {
      return servers;
    }
    if (Date.now() > deadline) throw new Error(`gateways not healthy: ${JSON.stringify(servers)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  let dataDir: string;
  ({ root, dataDir, hqCa } = await seededHqData('kiosk-haproxy-'));
  gateways = await startGatewayPair(dataDir, postgres.url(), {
    proxyProtocol: true,
    metricsPort: 0,
    rateLimits: { verify: 3 },
  });

  balancerPort = await freePort();
  statsSocket = path.join(root, 'haproxy.sock');
  const [portA, portB] = gateways.map((g) => new URL(g.url).port);
  let config = await readFile(fileURLToPath(new URL('../../deploy/hq/haproxy.cfg', import.meta.url)), 'utf8');
  // Runs as this user in the foreground (-db), without syslog.
  config = swap(config, /^\s*(log \/dev\/log local0|user haproxy|group haproxy|daemon)\n/gm, '');
  config = swap(config, /^global\n/m, `global\n    stats socket ${statsSocket} level admin\n`);
  // This sandbox caps open files at 20,000; haproxy wants 2 per connection.
  config = swap(config, 'maxconn 20000', 'maxconn 1000');
  config = swap(config, 'bind :443', `bind 127.0.0.1:${balancerPort}`);
  config = swap(config, '127.0.0.1:4201', `127.0.0.1:${portA}`);
  config = swap(config, '127.0.0.1:4202', `127.0.0.1:${portB}`);
  config = swap(config, '/etc/haproxy/hq-tls-ca.pem', hqTlsPaths(dataDir).caCert);
  // The public name the deployment's server certificate carries; the test certificate has localhost.
  config = swap(config, 'hq.example.jp', 'localhost');
  const configFile = path.join(root, 'haproxy.cfg');
  await writeFile(configFile, config);
  haproxy = spawn('haproxy', ['-f', configFile, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  haproxy.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<never>((_, reject) =>
    haproxy!.once('exit', (code) => reject(new Error(`haproxy exited (${code}): ${stderr}`))),
  );
  await Promise.race([
    (async () => {
      for (let i = 0; !existsSync(statsSocket); i++) {
        if (i > 100) throw new Error(`haproxy did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    })(),
    exited,
  ]);
});

afterAll(async () => {
  haproxy?.kill('SIGTERM');
  await Promise.all(gateways.map((g) => g.close()));
  if (root) await rm(root, { recursive: true, force: true });
});

describe('haproxy (deploy/hq/haproxy.cfg) in front of two gateways with --proxy-protocol', () => {
  it('health-checks both gateways over TLS with a PROXY header', async () => {
    const servers = await bothGatewaysHealthy();
    expect(servers.map((s) => s.svname).sort()).toEqual(['gw4201', 'gw4202']);
  });

  it('lets a kiosk enrol and then report with its certificate through the balancer', async () => {
    const { code } = await createEnrollmentCode(gateways[0]!.db, { terminalId: 'T-HAPROXY-01', name: 'x' });
    const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
    const enrolled = await call(balancerPort, 'POST', '/v1/enroll', {
      from: '127.0.0.2',
      body: { code, csr: await createTerminalCsr(keys) },
    });
    expect(enrolled.status).toBe(201);
    const tls = {
      key: await exportKeyPem(keys.privateKey),
      cert: EnrollResponse.parse(enrolled.json).certificate,
    };
    const heartbeat = await call(balancerPort, 'POST', '/v1/kiosk/status', {
      from: '127.0.0.2',
      body: { kind: 'heartbeat' },
      tls,
    });
    expect(heartbeat.status).toBe(200);
  });

  it('gives each client its own rate limit: the gateways see 127.0.0.2 and 127.0.0.3, not haproxy', async () => {
    // Both clients on one gateway (counts are per gateway): B is put in maintenance for this test.
    await runtime('disable server hq_gateways/gw4202');
    try {
      const first: number[] = [];
      for (let i = 0; i < 4; i++)
        first.push((await call(balancerPort, 'GET', '/v1/verify?seal=x', { from: '127.0.0.2' })).status);
      expect(first).toEqual([200, 200, 200, 429]);
      // With haproxy's address as the client, this one would share the exhausted budget.
      expect((await call(balancerPort, 'GET', '/v1/verify?seal=x', { from: '127.0.0.3' })).status).toBe(200);
    } finally {
      await runtime('enable server hq_gateways/gw4202');
    }
  });

  it('keeps /metrics to the gateway host: refused to a client relayed by haproxy', async () => {
    expect((await call(balancerPort, 'GET', '/metrics', { from: '127.0.0.3' })).status).toBe(404);
    // Prometheus on the host scrapes each gateway's metrics listener (--metrics-port): /metrics only.
    for (const gateway of gateways) {
      const scrape = await fetch(gateway.metricsUrl!);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('hq_http_request_duration_seconds');
      expect((await fetch(gateway.metricsUrl!.replace('/metrics', '/v1/health'))).status).toBe(404);
    }
  });

  it('closes a connection that bypasses the balancer, even one from the gateway host', async () => {
    const port = Number(new URL(gateways[1]!.url).port);
    await expect(call(port, 'GET', '/v1/health', { from: '127.0.0.3' })).rejects.toThrow();
    await expect(call(port, 'GET', '/v1/health')).rejects.toThrow();
  });
});
