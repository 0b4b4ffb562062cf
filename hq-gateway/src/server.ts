import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import { createApp } from './api/app';
import { runMigrations } from './db/migrate';
import { openPgliteDatabase } from './db/pglite';
import type { Database } from './db/database';
import { loadDocumentSigningKey } from './issuance/document-signing';
import { parseCardManagementKey } from './pinreset/card-management-key';
import { loadTrustStore } from './pki/trust-store';

/** Where the gateway finds its state inside the data folder (written by deploy/src/local/seed.ts). */
export function gatewayPaths(dataDir: string) {
  return {
    database: join(dataDir, 'hq', 'db'),
    pki: join(dataDir, 'pki'),
    documentKey: join(dataDir, 'hq', 'document-signing.key'),
    /** Base64 of the 32-byte card-management master key (PIN reset tokens), mode 0600. HQ only. */
    cardManagementKey: join(dataDir, 'hq', 'card-management.key'),
  };
}

export interface GatewayOptions {
  dataDir: string;
  host: string;
  /** 0 picks a free port; the returned url carries the real one. */
  port: number;
  logger?: Logger;
}

export interface RunningGateway {
  url: string;
  /** The open database (for operations tooling and tests that check what HQ recorded). */
  db: Database;
  close(): Promise<void>;
}

/** Opens the embedded database, applies migrations, loads trust anchors and the signing key, and listens. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? pino({ name: 'hq-gateway', level: process.env.LOG_LEVEL ?? 'info' });
  const paths = gatewayPaths(options.dataDir);

  // Files first: a missing seed should fail in milliseconds, not after the database's cold start.
  const keyPem = await readFile(paths.documentKey, 'utf8').catch((error: unknown) => {
    throw new Error(
      `cannot read ${paths.documentKey}: is ${options.dataDir} seeded (deploy/src/local/seed.ts)?`,
      {
        cause: error,
      },
    );
  });
  const documentKey = loadDocumentSigningKey(keyPem);
  const cardManagementKey = await loadCardManagementKey(paths.cardManagementKey, options.dataDir, logger);
  const trustStore = await loadTrustStore(paths.pki);
  if (trustStore.userAuth.length === 0)
    throw new Error(`no user-authentication CA certificate in ${paths.pki}`);

  const db = await openPgliteDatabase({ dataDir: paths.database });
  let server: Server;
  try {
    const applied = await runMigrations(db);
    if (applied.length > 0) logger.info({ event: 'db.migrated', applied }, 'migrations applied');
    server = await listen(
      createApp({ db, trustStore, documentKey, cardManagementKey, logger }),
      options.host,
      options.port,
    );
  } catch (error) {
    await db.close();
    throw error;
  }
  const url = serverUrl(server, options.host);
  logger.info(
    { event: 'gateway.started', url, keyId: documentKey.keyId, userAuthCas: trustStore.userAuth.length },
    'hq-gateway listening',
  );
  return {
    url,
    db,
    async close() {
      await closeServer(server);
      await db.close();
      logger.info({ event: 'gateway.stopped' }, 'hq-gateway stopped');
    },
  };
}

async function loadCardManagementKey(file: string, dataDir: string, logger: Logger): Promise<Buffer> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new Error(`cannot read ${file}: is ${dataDir} seeded (deploy/src/local/seed.ts)?`, {
      cause: error,
    });
  });
  const key = parseCardManagementKey(text);
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) {
    logger.warn({ event: 'gateway.key_permissions', file }, 'card-management key is readable by others');
  }
  return key;
}

export function listen(app: Express, host: string, port: number): Promise<Server> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function serverUrl(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    server.closeIdleConnections();
  });
}
