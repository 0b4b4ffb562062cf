/**
 * hq-gateway command line: `tsx hq-gateway/src/main.ts --data ./data --host 127.0.0.1 --port 4200`.
 * The data folder must have been seeded (deploy/src/local/seed.ts). Logs are JSON lines on stdout.
 * Database: PGlite in <data>/hq/db, or PostgreSQL when DATABASE_URL=postgres://… is set (DATABASE_POOL_MAX:
 * connections per process). The URL is read from the environment only — a password on the command line
 * would show in `ps`. Several instances may share one PostgreSQL (deploy/README.md).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startGateway } from './server';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: './data' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4200' },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}

const logger = pino({ name: 'hq-gateway', level: process.env.LOG_LEVEL ?? 'info' });
try {
  const gateway = await startGateway({ dataDir: resolve(values.data), host: values.host, port, logger });
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
