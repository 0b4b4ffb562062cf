import { readFile, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { pino, type Logger } from 'pino';
import { createApp } from './api/app';
import type { RateLimits } from './api/rate-limit';
import { runMigrations } from './db/migrate';
import { databaseConfig, describeDatabase, openDatabase } from './db/open';
import type { Database } from './db/database';
import { loadDocumentSigningKey } from './issuance/document-signing';
import { parseCardManagementKey } from './pinreset/card-management-key';
import { loadTrustStore } from './pki/trust-store';
import { acceptProxyProtocol } from './pki/client-address';
import { createGatewayServer, isTlsServer, loadGatewayIdentity, type GatewayTls } from './pki/tls-server';
import { attachLive } from './fleet/live';
import { createLiveAdapter, type LiveAdapter } from './fleet/pg-adapter';
import { startFleet } from './fleet/service';
import { startAuditSealer } from './audit/sealer';

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
  /** postgres://… to run on PostgreSQL; defaults to DATABASE_URL, and to PGlite in the data folder without. */
  databaseUrl?: string;
  /**
   * Every connection starts with a PROXY protocol header from the balancer (haproxy `send-proxy-v2`),
   * which names the real client (pki/client-address.ts). Connections without one are closed.
   */
  proxyProtocol?: boolean;
  /**
   * Also serve /metrics, and nothing else, over plain HTTP on 127.0.0.1:metricsPort: for Prometheus on the
   * host when the main port takes only the balancer's connections (proxyProtocol).
   */
  metricsPort?: number;
  /** Per-client limits on the open routes other than the defaults (api/rate-limit.ts, HQ_RATE_LIMITS). */
  rateLimits?: Partial<RateLimits>;
}

export interface RunningGateway {
  url: string;
  /** http://127.0.0.1:<metricsPort>/metrics when a metrics listener was asked for. */
  metricsUrl?: string;
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
  // HTTPS with its server certificate; kiosks present terminal-CA certificates (mutual TLS).
  const identity = await loadGatewayIdentity(options.dataDir);

  const dbConfig = databaseConfig({
    dataDir: paths.database,
    ...(options.databaseUrl !== undefined && { databaseUrl: options.databaseUrl }),
  });
  const db = await openDatabase(dbConfig, logger);
  let server: Server;
  let metricsServer: Server | undefined;
  // Listening servers, closed again if the start fails after them (a half-started gateway keeps no port).
  const listening: Server[] = [];
  let live: ReturnType<typeof attachLive>;
  let liveAdapter: LiveAdapter | undefined;
  let fleet: ReturnType<typeof startFleet>;
  let sealer: ReturnType<typeof startAuditSealer>;
  try {
    const applied = await runMigrations(db);
    if (applied.length > 0) logger.info({ event: 'db.migrated', applied }, 'migrations applied');
    const app = createApp({
      db,
      trustStore,
      documentKey,
      cardManagementKey,
      logger,
      enrollment: { terminalCa: identity.terminalCa, hqCaPem: identity.hqCaPem },
      ...(options.rateLimits && { rateLimits: options.rateLimits }),
    });
    server = await listen(app, options.host, options.port, identity.tls);
    listening.push(server);
    if (options.proxyProtocol) acceptProxyProtocol(server, logger);
    if (options.metricsPort !== undefined) {
      // The app's own /metrics route (loopback-only), reached on a listener only the host can connect to.
      const metricsOnly = express();
      metricsOnly.get('/metrics', app);
      metricsServer = await listen(metricsOnly, '127.0.0.1', options.metricsPort);
      listening.push(metricsServer);
    }
    // The dashboards' live channel and the alert sweep. On PostgreSQL several gateways may run: the
    // adapter relays every io.emit to the dashboards connected to the other instances (LISTEN/NOTIFY).
    if (dbConfig.engine === 'postgres') liveAdapter = createLiveAdapter(dbConfig.connectionString, logger);
    live = attachLive(server, { db, logger }, liveAdapter ? { adapter: liveAdapter.adapter } : {});
    fleet = startFleet(app, live, { db, logger });
    // Chains the audit rows appended since the last tick (appends themselves take no lock).
    sealer = startAuditSealer({ db, logger });
  } catch (error) {
    for (const started of listening) await closeServer(started);
    await liveAdapter?.close();
    await db.close();
    throw error;
  }
  const url = serverUrl(server, options.host);
  const metricsUrl = metricsServer && `${serverUrl(metricsServer, '127.0.0.1')}/metrics`;
  logger.info(
    {
      event: 'gateway.started',
      url,
      database: describeDatabase(dbConfig),
      keyId: documentKey.keyId,
      userAuthCas: trustStore.userAuth.length,
      proxyProtocol: options.proxyProtocol === true,
      ...(metricsUrl && { metricsUrl }),
    },
    'hq-gateway listening',
  );
  return {
    url,
    ...(metricsUrl && { metricsUrl }),
    db,
    async close() {
      await fleet.stop();
      await live.close();
      await liveAdapter?.close();
      await closeServer(server);
      if (metricsServer) await closeServer(metricsServer);
      // After the last request: its audit rows are chained before the database closes.
      await sealer.stop();
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

/** HTTPS with mutual TLS when `tls` is given, plain HTTP otherwise. */
export function listen(app: Express, host: string, port: number, tls?: GatewayTls): Promise<Server> {
  const server = createGatewayServer(app, tls);
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
  const scheme = isTlsServer(server) ? 'https' : 'http';
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    server.closeIdleConnections();
  });
}
