import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Server as TlsServer, type TLSSocket } from 'node:tls';
import { loadHqServerTls } from './tls-ca';
import { loadTerminalCa, type TerminalCa } from './terminal-ca';

/** What the gateway listens with. */
export interface GatewayTls {
  certificatePem: string;
  keyPem: string;
  /** Client certificates are verified against this CA: the terminal CA. */
  clientCaPem: string;
}

/** The gateway's TLS material and the terminal CA (which also signs at enrolment), from the data folder. */
export async function loadGatewayIdentity(
  dataDir: string,
): Promise<{ tls: GatewayTls; terminalCa: TerminalCa; hqCaPem: string }> {
  const [server, terminalCa] = await Promise.all([loadHqServerTls(dataDir), loadTerminalCa(dataDir)]);
  return {
    tls: {
      certificatePem: server.certificatePem,
      keyPem: server.keyPem,
      clientCaPem: terminalCa.certificatePem,
    },
    terminalCa,
    hqCaPem: server.caPem,
  };
}

/**
 * HTTPS that asks every client for a certificate but lets those without one in: the app API, /v1/verify,
 * /v1/health, the dashboard and /v1/enroll are open, and /v1/kiosk/* checks the certificate per request
 * (api/terminal-auth.ts). Without `tls`, plain HTTP (tests of code that has nothing to do with terminals).
 */
export function createGatewayServer(app: RequestListener, tls?: GatewayTls): Server {
  const server = tls ? httpsServer(app, tls) : createHttpServer(app);
  // Kiosks heartbeat every 15 s: keep their connections open longer than that, or every heartbeat pays a
  // full mutual-TLS handshake (measured: 29/s with a new handshake each vs 78/s kept alive, one core).
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 5_000;
  return server;
}

/** How long an idle kiosk connection stays open (the agent's HQ client uses the same figure). */
export const KEEP_ALIVE_MS = 30_000;

function httpsServer(app: RequestListener, tls: GatewayTls): Server {
  const server = createHttpsServer(
    {
      cert: tls.certificatePem,
      key: tls.keyPem,
      ca: tls.clientCaPem,
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    app,
  );
  // A connection keeps the client certificate it started with: terminal authentication caches it per
  // socket (api/terminal-auth.ts), so TLS 1.2 renegotiation (which could swap it) is refused.
  server.on('secureConnection', (socket: TLSSocket) => socket.disableRenegotiation());
  return server;
}

export function isTlsServer(server: Server): boolean {
  return server instanceof TlsServer;
}
