import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startGateway } from 'hq-gateway/server';
import type { Database } from 'hq-gateway/db/database';
import { startAgent } from 'kiosk-agent/agent';
import { defaultAgentOptions } from 'kiosk-agent/config/options';
import { ensureDemoData } from '../../deploy/src/local/seed';

export interface TestSystem {
  dataDir: string;
  outputDir: string;
  hqUrl: string;
  kioskUrl: string;
  /** HQ's database, to check what HQ recorded (copies, audit). */
  hqDb: Database;
  close(): Promise<void>;
}

/**
 * The whole system as `npm start` runs it, but on its own temporary data and output folders and on free
 * ports, so tests pass in any order, twice in a row and beside a running `npm start`.
 */
export async function startTestSystem(
  options: { inactivity?: { idleMs: number; warningMs: number }; reader?: 'virtual' | 'pcsc' } = {},
): Promise<TestSystem> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'kiosk-e2e-'));
  const dataDir = path.join(root, 'data');
  const outputDir = path.join(root, 'output');
  await ensureDemoData(dataDir);
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const hq = await startGateway({ dataDir, host: '127.0.0.1', port: 0, logger });
  const agent = await startAgent(
    {
      ...defaultAgentOptions,
      dataDir,
      outputDir,
      port: 0,
      hqUrl: hq.url,
      inactivity: options.inactivity ?? defaultAgentOptions.inactivity,
      reader: options.reader ?? 'virtual',
    },
    logger,
  );
  return {
    dataDir,
    outputDir,
    hqUrl: hq.url,
    kioskUrl: agent.url,
    hqDb: hq.db,
    async close() {
      await agent.close();
      await hq.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
