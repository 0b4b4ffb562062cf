import { verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KioskError } from 'kiosk-agent/errors';
import type { CardProfile } from 'kiosk-agent/card/emulator/profile';
import { makeTestProfile } from 'kiosk-agent/card/emulator/testing/test-keys';
import { VirtualJpkiCard } from 'kiosk-agent/card/emulator/virtual-card';
import { JpkiCard } from 'kiosk-agent/card/jpki';
import { PcscReader } from 'kiosk-agent/card/pcsc';
import { VpcdClient } from 'kiosk-agent/card/vpcd/client';
import {
  emulatorRig,
  pcscRig,
  recordEvents,
  TEST_READER,
  TEST_SLOT,
  TrippingCard,
  type CardRig,
} from './card-rigs';
import { ensurePcscStack, restartPcscd, startPcscd, stopPcscd } from './pcscd';

/**
 * The JPKI driver, unchanged, over the in-process emulator and over the real PC/SC stack (pcscd +
 * vsmartcard-vpcd + the virtual card): the same scenarios must end the same way on both.
 */

const HUNG_TIMEOUT_MS = 800;
const message = new TextEncoder().encode('challenge from HQ: 7f3a…');

let profile: CardProfile;
let tempDir: string;

beforeAll(async () => {
  // Installs and starts what the PC/SC rig needs (quick when present), so `npm test` works on a fresh machine.
  await ensurePcscStack();
  profile = await makeTestProfile({ id: 'device-test', serial: 'DEVTEST0001' });
  tempDir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-devices-'));
});

afterAll(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

async function caught(promise: Promise<unknown>): Promise<KioskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KioskError);
  return error as KioskError;
}

/** Reads, verifies and signs on whatever card is in the reader; the signature is checked with node's crypto. */
async function authenticate(rig: CardRig): Promise<void> {
  const card = await JpkiCard.open(rig.reader);
  try {
    const certificate = new X509Certificate(await card.readUserAuthCertificate());
    expect(await card.userAuthTriesLeft()).toBe(3);
    await card.verifyUserAuthPin(profile.userAuth.pin);
    const signature = await card.signWithUserAuthKey(message);
    expect(verify('sha256', message, certificate.publicKey, signature)).toBe(true);
    expect(await card.readSerial()).toBe(profile.serial);
  } finally {
    await card.close();
  }
}

describe.each([
  ['the emulator reader', emulatorRig],
  ['PC/SC (pcscd + vpcd)', pcscRig],
])('JpkiCard over %s', (_name, makeRig) => {
  let rig: CardRig;
  beforeAll(async () => {
    rig = await makeRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('authenticates: certificate, tries left, VERIFY, SIGN checked against the certificate', async () => {
    await rig.insert(new VirtualJpkiCard(profile));
    await authenticate(rig);
    rig.pull();
    await rig.waitEmpty();
  });

  it('reports CARD_REMOVED when the card leaves mid-transaction, then the reader is empty', async () => {
    // Command 4 is the second READ BINARY of the certificate (SELECT AP, SELECT EF, READ header, READ body).
    const card = new TrippingCard(profile, 4);
    card.trip = () => rig.pull();
    await rig.insert(card);
    const jpki = await JpkiCard.open(rig.reader);
    const error = await caught(jpki.readUserAuthCertificate());
    expect(error.code).toBe('CARD_REMOVED');
    await rig.waitEmpty();
    expect(rig.reader.cardPresent).toBe(false);
    await jpki.close();

    await rig.insert(new VirtualJpkiCard(profile));
    await authenticate(rig);
    rig.pull();
    await rig.waitEmpty();
  });

  it('times out on a hung card (CARD_TIMEOUT), and a fresh card works once the hung one is gone', async () => {
    const hung = await rig.insertHangable(profile, tempDir);
    const jpki = await JpkiCard.open(rig.reader, { timeoutMs: HUNG_TIMEOUT_MS });
    hung.hang();
    const started = performance.now();
    const error = await caught(jpki.readUserAuthCertificate());
    const elapsed = performance.now() - started;
    expect(error.code).toBe('CARD_TIMEOUT');
    expect(elapsed).toBeGreaterThanOrEqual(HUNG_TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(HUNG_TIMEOUT_MS + 500);
    // Closing never waits for the hung card.
    const closing = performance.now();
    await jpki.close();
    expect(performance.now() - closing).toBeLessThan(HUNG_TIMEOUT_MS + 500);

    await hung.kill();
    await rig.waitEmpty();
    await rig.insert(new VirtualJpkiCard(profile));
    await authenticate(rig);
    rig.pull();
    await rig.waitEmpty();
  });
});

describe('PcscReader and a pcscd restart', () => {
  let rig: Awaited<ReturnType<typeof pcscRig>>;
  beforeAll(async () => {
    rig = await pcscRig();
  });
  afterAll(async () => {
    // Whatever happened above, leave a running pcscd behind for the next test file.
    await startPcscd();
    await rig?.close();
  });

  it('refuses a new connection at once while the hung card holds the slot', async () => {
    const hung = await rig.insertHangable(profile, tempDir);
    const jpki = await JpkiCard.open(rig.reader, { timeoutMs: HUNG_TIMEOUT_MS });
    hung.hang();
    expect((await caught(jpki.readSerial())).code).toBe('CARD_TIMEOUT');
    await jpki.close();
    const started = performance.now();
    expect((await caught(JpkiCard.open(rig.reader))).code).toBe('CARD_TIMEOUT');
    expect(performance.now() - started).toBeLessThan(100);
    await hung.kill();
    await rig.waitEmpty();
  });

  it('opens while pcscd is down (unavailable) and finds its reader once pcscd starts', async () => {
    await stopPcscd();
    let late: PcscReader | undefined;
    try {
      late = await PcscReader.open({ reader: TEST_READER, openWaitMs: 0 });
      expect(late.presence).toBe('unavailable');
      expect((await caught(late.connect())).code).toBe('READER_UNAVAILABLE');
    } finally {
      await startPcscd();
    }
    try {
      expect(await late.whenPresence('empty', 10_000)).toBe(true);
      expect(late.name).toBe(TEST_READER);
    } finally {
      await late.close();
    }
  });

  it('reports unavailable while pcscd restarts, then present again, and a new session works', async () => {
    const client = VpcdClient.forCard(new VirtualJpkiCard(profile), { slot: TEST_SLOT });
    client.start();
    try {
      const events = recordEvents(rig.reader);
      await events.waitFor('present');
      const open = await JpkiCard.open(rig.reader);

      await restartPcscd();
      await events.waitFor('unavailable');
      // The old session died with the old daemon.
      expect((await caught(open.readSerial())).code).toBe('READER_UNAVAILABLE');
      await open.close();
      // The card client reconnects by itself; the reader re-creates its context and re-enumerates.
      await events.waitFor('present');
      expect(rig.reader.name).toBe(TEST_READER);
      await authenticate(rig);
      events.stop();
    } finally {
      await client.stop();
    }
    await rig.waitEmpty();
  });
});
