import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { hqTlsPaths, seedHqTls } from 'hq-gateway/pki/tls-ca';
import { seedTerminalCa, terminalCaPaths } from 'hq-gateway/pki/terminal-ca';
import { startGateway, type GatewayOptions, type RunningGateway } from 'hq-gateway/server';
import { ensureDemoData } from '../../deploy/src/local/seed';

/** A seeded data folder in a new temporary root, with HQ's TLS CA (PEM) that clients must trust. */
export async function seededHqData(prefix: string): Promise<{ root: string; dataDir: string; hqCa: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), prefix));
  const dataDir = path.join(root, 'data');
  await ensureDemoData(dataDir);
  // The seed writes HQ's TLS and terminal CAs; create them here only if this seed predates them.
  if (!existsSync(hqTlsPaths(dataDir).caCert)) await seedHqTls(dataDir);
  if (!existsSync(terminalCaPaths(dataDir).cert)) await seedTerminalCa(dataDir);
  return { root, dataDir, hqCa: await readFile(hqTlsPaths(dataDir).caCert, 'utf8') };
}

/**
 * Gateways A and B on one PostgreSQL and one data folder, on free ports. Started together, as systemd
 * starts hq-gateway@4201 and @4202: the migration lock serialises them.
 */
export function startGatewayPair(
  dataDir: string,
  databaseUrl: string,
  options: Pick<GatewayOptions, 'proxyProtocol' | 'metricsPort' | 'rateLimits'> = {},
): Promise<RunningGateway[]> {
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  return Promise.all(
    ['A', 'B'].map((name) =>
      startGateway({
        dataDir,
        host: '127.0.0.1',
        port: 0,
        logger: logger.child({ gateway: name }),
        databaseUrl,
        ...options,
      }),
    ),
  );
}
