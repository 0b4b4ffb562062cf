import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { refreshDemoDates } from 'hq-gateway/registry/demo-municipality';
import { startGateway } from 'hq-gateway/server';
import type { Database } from 'hq-gateway/db/database';
import { startAgent } from 'kiosk-agent/agent';
import { defaultAgentOptions } from 'kiosk-agent/config/options';
import { demoEnrollmentCode, enrollDemoKiosk } from '../../deploy/src/local/demo-enrollment';
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
/** Every service of every municipality open 00:00–23:59 every day, no closures or maintenance. */
export async function openAllDay(db: Database): Promise<void> {
  await db.query("UPDATE municipality_services SET opens = '00:00', closes = '23:59', weekdays_only = false");
  await db.query('DELETE FROM municipality_closures');
  await db.query('DELETE FROM maintenance_windows');
}

export async function startTestSystem(
  options: {
    inactivity?: { idleMs: number; warningMs: number };
    reader?: 'virtual' | 'pcsc';
    /** Where both services' logs go (JSON lines), e.g. to check that they never carry personal data. */
    logDestination?: pino.DestinationStream;
    /**
     * Keep the demo municipality's service hours as configured (06:30–23:00, 戸籍 weekdays 9–17, closed
     * 29 Dec–3 Jan). By default e2e tests open every service all day, so they pass at any hour; the hours
     * themselves are tested against an injected clock in hq-gateway's offer tests.
     */
    realServiceHours?: boolean;
  } = {},
): Promise<TestSystem> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'kiosk-e2e-'));
  const dataDir = path.join(root, 'data');
  const outputDir = path.join(root, 'output');
  const seeded = await ensureDemoData(dataDir);
  const logger = options.logDestination
    ? pino({ level: 'debug' }, options.logDestination)
    : pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const hq = await startGateway({ dataDir, host: '127.0.0.1', port: 0, logger });
  await refreshDemoDates(hq.db);
  if (!options.realServiceHours) await openAllDay(hq.db);
  // As `npm start` does: the kiosk enrols through HQ's real /v1/enroll, then talks mutual TLS.
  const code = seeded.enrollmentCode ?? (await demoEnrollmentCode(dataDir, hq.db));
  if (code) await enrollDemoKiosk(dataDir, hq.url, code);
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
