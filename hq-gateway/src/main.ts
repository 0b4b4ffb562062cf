/**
 * hq-gateway command line: `tsx hq-gateway/src/main.ts --data ./data --host 127.0.0.1 --port 4200`
 * [--proxy-protocol] (behind haproxy's send-proxy-v2: every connection must start with the header)
 * [--metrics-port 14201] (/metrics over plain HTTP on 127.0.0.1, for Prometheus on the host).
 * The data folder must have been seeded (deploy/src/local/seed.ts). Logs are JSON lines on stdout.
 * Database: PGlite in <data>/hq/db, or PostgreSQL when DATABASE_URL=postgres://… is set (DATABASE_POOL_MAX:
 * connections per process). HQ_RATE_LIMITS="verify=300,enroll=100" changes per-client limits on the open
 * routes (api/rate-limit.ts). The URL is read from the environment only — a password on the command line
 * would show in `ps`. Several instances may share one PostgreSQL (deploy/README.md).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { parseRateLimits } from './api/rate-limit';
import { startGateway } from './server';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: './data' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4200' },
    // Behind haproxy with send-proxy-v2 (deploy/hq/haproxy.cfg): read the client's address from it.
    'proxy-protocol': { type: 'boolean', default: false },
    // Prometheus's port on 127.0.0.1 (plain HTTP, /metrics only), e.g. when --proxy-protocol is on.
    'metrics-port': { type: 'string' },
  },
  strict: true,
});

function portOption(name: string, text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid --${name} ${text}`);
    process.exit(2);
  }
  return port;
}
const port = portOption('port', values.port);
const metricsPort =
  values['metrics-port'] === undefined ? undefined : portOption('metrics-port', values['metrics-port']);

const logger = pino({ name: 'hq-gateway', level: process.env.LOG_LEVEL ?? 'info' });
try {
  const gateway = await startGateway({
    dataDir: resolve(values.data),
    host: values.host,
    port,
    logger,
    proxyProtocol: values['proxy-protocol'],
    ...(metricsPort !== undefined && { metricsPort }),
    rateLimits: parseRateLimits(process.env.HQ_RATE_LIMITS ?? ''),
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ event: 'gateway.stop_failed', err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  logger.fatal({ event: 'gateway.start_failed', err: error }, 'hq-gateway could not start');
  console.error(`hq-gateway could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
