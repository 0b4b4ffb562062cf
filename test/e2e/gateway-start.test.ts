import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startGateway } from 'hq-gateway/server';
import { freePort } from '../support/free-port';
import { seededHqData } from '../support/gateway-pair';

let root: string | undefined;
const blockers: Server[] = [];

afterAll(async () => {
  for (const blocker of blockers) blocker.close();
  if (root) await rm(root, { recursive: true, force: true });
});

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('a gateway whose start fails half-way', () => {
  it('keeps no port: the main listener is closed again when the metrics port is taken', async () => {
    const seeded = await seededHqData('kiosk-gateway-start-');
    root = seeded.root;
    const [port, metricsPort] = [await freePort(), await freePort()];
    blockers.push(await listenOn(metricsPort));
    await expect(
      startGateway({
        dataDir: seeded.dataDir,
        host: '127.0.0.1',
        port,
        metricsPort,
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow(/EADDRINUSE/);
    // The main port is free again: a restart (systemd's Restart=always) can bind it.
    blockers.push(await listenOn(port));
  });
});
