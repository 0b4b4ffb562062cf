import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { request as undiciRequest } from 'undici';
import { startGateway } from 'hq-gateway/server';
import { EmulatorReader } from 'kiosk-agent/card/emulator-reader';
import { VirtualJpkiCard } from 'kiosk-agent/card/emulator/virtual-card';
import { loadProfile, persistToFile } from 'kiosk-agent/card/emulator/profile-store';
import type { CardProfile } from 'kiosk-agent/card/emulator/profile';
import { openJournal } from 'kiosk-agent/journal/index';
import { Kiosk } from 'kiosk-agent/flows/kiosk';
import { HqClient } from 'kiosk-agent/hq/client';
import { SimulatedPaymentDevice } from 'kiosk-agent/payment/simulated';
import { SimulatedPrinter } from 'kiosk-agent/printer/simulated';
import { renderDocument } from 'kiosk-agent/render/index';
import type { ScreenState } from 'kiosk-agent/protocol/state';
import { demoEnrollmentCode, enrollDemoKiosk } from '../../deploy/src/local/demo-enrollment';
import { ensureDemoData } from '../../deploy/src/local/seed';
import { loadTerminalIdentity } from 'kiosk-agent/hq/tls';
import { FaultyReader } from './faulty-reader';

/**
 * The agent's kiosk state machine in-process, on the real card emulator behind a reader the test can
 * make fail at any APDU, against a real HQ gateway on a seeded temporary data folder.
 */
export async function startKioskHarness() {
  const root = await mkdtemp(path.join(os.tmpdir(), 'kiosk-harness-'));
  const dataDir = path.join(root, 'data');
  const seeded = await ensureDemoData(dataDir);
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const gateway = await startGateway({ dataDir, host: '127.0.0.1', port: 0, logger });
  const code = seeded.enrollmentCode ?? (await demoEnrollmentCode(dataDir, gateway.db));
  if (code) await enrollDemoKiosk(dataDir, gateway.url, code);
  const identity = await loadTerminalIdentity(dataDir);
  const credentials = { terminalId: identity.terminalId, tls: identity.tls };
  // Every request body the kiosk sends HQ, as sent (tests check that no PIN ever leaves the kiosk).
  const hqRequestBodies: string[] = [];
  const recordingRequest = ((url, options) => {
    if (typeof options?.body === 'string') hqRequestBodies.push(options.body);
    return undiciRequest(url, options);
  }) as typeof undiciRequest;
  const emulator = new EmulatorReader('harness reader');
  const reader = new FaultyReader(emulator);
  const journal = await openJournal(path.join(root, 'journal'));
  const kiosk = new Kiosk({
    journal,
    reader,
    printer: new SimulatedPrinter(path.join(root, 'output')),
    payment: new SimulatedPaymentDevice(),
    hq: new HqClient({ baseUrl: gateway.url, credentials, retries: 0, request: recordingRequest }),
    documentPublicKey: await readFile(path.join(dataDir, 'kiosk', 'hq-document-signing.pub'), 'utf8'),
    render: (doc) => renderDocument(doc),
    logger,
    inactivity: { idleMs: 600_000, warningMs: 60_000 },
  });
  const cardFile = (id: string) => path.join(dataDir, 'cards', `${id}.json`);

  return {
    dataDir,
    hqUrl: gateway.url,
    hqRequestBodies,
    kiosk,
    reader,
    emulator,
    cardFile,
    readProfile: (id: string): Promise<CardProfile> => loadProfile(cardFile(id)),
    writeProfile: (id: string, profile: CardProfile) =>
      writeFile(cardFile(id), JSON.stringify(profile, null, 2)),
    async insert(id: string): Promise<VirtualJpkiCard> {
      const card = new VirtualJpkiCard(await loadProfile(cardFile(id)), {
        persist: persistToFile(cardFile(id)),
      });
      emulator.insert(card);
      return card;
    },
    /** Resolves once the kiosk shows a screen that `match` accepts. */
    until(match: (state: ScreenState) => boolean, timeoutMs = 10_000): Promise<ScreenState> {
      if (match(kiosk.state)) return Promise.resolve(kiosk.state);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new Error(`kiosk stayed on ${kiosk.state.screen}`));
        }, timeoutMs);
        const stop = kiosk.onState((state) => {
          if (!match(state)) return;
          clearTimeout(timer);
          stop();
          resolve(state);
        });
      });
    },
    async close() {
      await kiosk.close();
      await journal.close();
      await gateway.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export type KioskHarness = Awaited<ReturnType<typeof startKioskHarness>>;
