import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChallengeResponse,
  KioskPinResetResponse,
  PinResetOutcomeResponse,
  PinResetTokenResponse,
  Reservation,
  type PinKind,
} from 'hq-gateway/api/schemas';
import { sessionSigningInput } from 'hq-gateway/api/signing-input';
import { openPgliteDatabase } from 'hq-gateway/db/pglite';
import { DEMO_CARDS } from 'hq-gateway/registry/demo-municipality';
import { startGateway, type RunningGateway } from 'hq-gateway/server';
import { EmulatorReader } from 'kiosk-agent/card/emulator-reader';
import { loadProfile, persistToFile } from 'kiosk-agent/card/emulator/profile-store';
import { VirtualJpkiCard } from 'kiosk-agent/card/emulator/virtual-card';
import { JpkiCard } from 'kiosk-agent/card/jpki';
import { hqDispatcher, loadTerminalIdentity, type TerminalIdentity } from 'kiosk-agent/hq/tls';
import { fetch } from 'undici';
import { demoEnrollmentCode, enrollDemoKiosk } from '../../deploy/src/local/demo-enrollment';
import { demoPaths, ensureDemoData, resetDemoCards } from '../../deploy/src/local/seed';
import { AppError, cancel, list, reserve } from './app';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The signature PIN the full reset below sets on demo-hanako's card. */
const NEW_PIN = 'NEWPIN77';

let root: string;
let dataDir: string;
let gateway: RunningGateway | undefined;
let hqUrl: string;
const logs: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'app-simulator-'));
  dataDir = path.join(root, 'data');
  const seeded = await ensureDemoData(dataDir);
  // Everything HQ logs, at the most verbose level, without pid/hostname (numbers that could look like a PIN).
  const logger = pino(
    { level: 'trace', base: undefined },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
  gateway = await startGateway({ dataDir, host: '127.0.0.1', port: 0, logger });
  hqUrl = gateway.url;
  // The demo kiosk enrols as `npm start` has it do; its certificate authenticates kioskPost below.
  const code = seeded.enrollmentCode ?? (await demoEnrollmentCode(dataDir, gateway.db));
  if (code) await enrollDemoKiosk(dataDir, hqUrl, code);
});

afterAll(async () => {
  await gateway?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const app = (cardId: string) => ({ dataDir, hqUrl, cardId });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('the app simulator against a seeded gateway', () => {
  it('reserves a signature-PIN reset with the 4-digit PIN, lists and cancels it', async () => {
    const reservation = await reserve({ ...app('demo-taro'), reset: 'signature' });
    expect(reservation).toMatchObject({ reset: 'signature', status: 'open' });
    expect(await list(app('demo-taro'))).toEqual([reservation]);

    const again = await refusal(reserve({ ...app('demo-taro'), reset: 'userAuth' }));
    expect([again.source, again.status, again.code]).toEqual(['hq', 409, 'RESERVATION_EXISTS']);

    const cancelled = await cancel({ ...app('demo-taro'), reservationId: reservation.reservationId });
    expect(cancelled).toMatchObject({ reservationId: reservation.reservationId, status: 'cancelled' });
    // Listed with the signature PIN this time: either certificate of the card will do.
    expect(await list({ ...app('demo-taro'), proveWith: 'signature' })).toEqual([cancelled]);
    // The card's counters are untouched: every VERIFY was right.
    const profile = await loadProfile(demoPaths(dataDir).card('demo-taro'));
    expect([profile.userAuth.triesLeft, profile.signature?.triesLeft]).toEqual([3, 5]);
  });

  it('reserves a 4-digit-PIN reset for the locked card, proving with the signature PIN', async () => {
    const reservation = await reserve({ ...app('demo-kenichi'), reset: 'userAuth' });
    expect(reservation).toMatchObject({ reset: 'userAuth', status: 'open' });
    // Its 4-digit PIN is locked, so list proves with the signature PIN by itself.
    expect(await list(app('demo-kenichi'))).toEqual([reservation]);
    const locked = await refusal(list({ ...app('demo-kenichi'), proveWith: 'userAuth' }));
    expect([locked.source, locked.code]).toEqual(['app', 'PIN_LOCKED']);
    await cancel({ ...app('demo-kenichi'), reservationId: reservation.reservationId });
  });

  it('gets NO_SIGNATURE_CERTIFICATE for the child’s card, from the card or from HQ', async () => {
    const local = await refusal(reserve({ ...app('demo-sakura'), reset: 'userAuth' }));
    expect([local.source, local.code]).toEqual(['app', 'NO_SIGNATURE_CERTIFICATE']);
    const hq = await refusal(reserve({ ...app('demo-sakura'), reset: 'signature' }));
    expect([hq.source, hq.status, hq.code]).toEqual(['hq', 403, 'NO_SIGNATURE_CERTIFICATE']);
  });

  it('spends a try on a wrong PIN and saves the counter to the profile', async () => {
    const wrong = await refusal(list({ ...app('demo-hanako'), pin: '9999' }));
    expect([wrong.source, wrong.code, wrong.triesLeft]).toEqual(['card', 'PIN_WRONG', 2]);
    expect((await loadProfile(demoPaths(dataDir).card('demo-hanako'))).userAuth.triesLeft).toBe(2);
    // The right PIN puts the counter back.
    expect(await list(app('demo-hanako'))).toEqual([]);
    expect((await loadProfile(demoPaths(dataDir).card('demo-hanako'))).userAuth.triesLeft).toBe(3);
  });

  it('refuses an unknown card id without touching the file system outside cards/', async () => {
    expect((await refusal(list(app('../kiosk/terminal')))).code).toBe('BAD_REQUEST');
  });

  it('runs as a command line', { timeout: 60_000 }, async () => {
    const run = promisify(execFile);
    const cli = path.join(ROOT, 'test/app-simulator/cli.ts');
    const args = ['--import', 'tsx', cli, 'list', '--card', 'demo-taro', '--data', dataDir, '--hq', hqUrl];
    const { stdout } = await run(process.execPath, [...args, '--json'], { cwd: ROOT });
    const listed = Reservation.array().parse(JSON.parse(stdout));
    expect(listed.map((r) => r.status)).toEqual(['cancelled']);
    const human = await run(process.execPath, args, { cwd: ROOT });
    expect(human.stdout).toContain('cancelled');

    const usage = await run(process.execPath, ['--import', 'tsx', cli, 'reserve', '--card', 'demo-taro'], {
      cwd: ROOT,
    }).then(
      () => null,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(usage?.code).toBe(2);
    expect(usage?.stderr).toContain('--reset is required');
  });
});

// --- the kiosk's side, as the agent does it, with the real driver over the in-process reader ----------------

type Terminal = TerminalIdentity;

/** Over mutual TLS with the enrolled kiosk's certificate, as the agent's HQ client sends it. */
async function kioskPost(terminal: Terminal, route: string, body: unknown) {
  const dispatcher = hqDispatcher(terminal.tls);
  try {
    const response = await fetch(`${hqUrl}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      dispatcher,
    });
    return { status: response.status, json: (await response.json()) as unknown };
  } finally {
    await dispatcher.close();
  }
}

/** Place the card, VERIFY the PIN the user knows, sign HQ's challenge, claim the reservation. */
async function kioskClaim(terminal: Terminal, cardId: string, reset: PinKind) {
  const file = demoPaths(dataDir).card(cardId);
  const profile = await loadProfile(file);
  const reader = new EmulatorReader('Kiosk reader');
  reader.insert(new VirtualJpkiCard(profile, { persist: persistToFile(file) }));
  const card = await JpkiCard.open(reader);
  try {
    const challenge = ChallengeResponse.parse(
      (await kioskPost(terminal, '/v1/kiosk/challenges', { purpose: 'kiosk-pin-reset' })).json,
    );
    const input = sessionSigningInput(
      Buffer.from(challenge.nonce, 'base64'),
      terminal.terminalId,
      'kiosk-pin-reset',
    );
    let certificate: Uint8Array;
    let signature: Uint8Array;
    if (reset === 'signature') {
      await card.verifyUserAuthPin(profile.userAuth.pin);
      certificate = await card.readUserAuthCertificate();
      signature = await card.signWithUserAuthKey(input);
    } else {
      await card.verifySignaturePin(profile.signature?.pin ?? '');
      certificate = await card.readSignatureCertificate();
      signature = await card.signWithSignatureKey(input);
    }
    return await kioskPost(terminal, '/v1/kiosk/pin-resets', {
      challengeId: challenge.challengeId,
      certificate: Buffer.from(certificate).toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
      reset,
    });
  } finally {
    await card.close();
    await reader.close();
  }
}

/**
 * Where a PIN could show: as a token of its own (JSON value, number, word) — not inside a longer run of
 * letters, digits or base64/hex characters, where a 4-digit PIN would turn up by chance — as the hex of its
 * ASCII (a VERIFY APDU dumped to a log), or as base64 of its ASCII.
 */
function pinTraces(text: string, pins: readonly string[]): string[] {
  const found: string[] = [];
  const word = '[A-Za-z0-9_.+/=-]';
  for (const pin of pins) {
    const forms = [pin, Buffer.from(pin, 'ascii').toString('base64')];
    for (const form of forms) {
      const escaped = form.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      if (new RegExp(`(?<!${word})${escaped}(?!${word})`).test(text)) found.push(`${pin} as ${form}`);
    }
    const hex = Buffer.from(pin, 'ascii').toString('hex');
    if (text.toLowerCase().includes(hex)) found.push(`${pin} as hex`);
  }
  return found;
}

describe('a full PIN reset: app reservation, kiosk claim, token, outcome', () => {
  it('gives the kiosk a token the card accepts, resets the PIN, consumes the reservation once', async () => {
    const terminal = await loadTerminalIdentity(dataDir);
    const reservation = await reserve({ ...app('demo-hanako'), reset: 'signature' });

    const claimed = await kioskClaim(terminal, 'demo-hanako', 'signature');
    expect(claimed.status).toBe(201);
    const { resetId } = KioskPinResetResponse.parse(claimed.json);

    // On the card, by the APDUs of jpki-card.md (raw: the driver's methods for them are being written):
    // GET CHALLENGE → HQ's token → EXTERNAL AUTHENTICATE → RESET RETRY COUNTER.
    const file = demoPaths(dataDir).card('demo-hanako');
    const profile = await loadProfile(file);
    const reader = new EmulatorReader('Kiosk reader');
    reader.insert(new VirtualJpkiCard(profile, { persist: persistToFile(file) }));
    const connection = await reader.connect();
    const send = async (hex: string) => {
      const response = await connection.transmit(Buffer.from(hex.replaceAll(' ', ''), 'hex'));
      return {
        data: Buffer.from(response.subarray(0, -2)),
        sw: Buffer.from(response.subarray(-2)).toString('hex'),
      };
    };
    try {
      expect((await send('00 A4 04 0C 0A D392F000260100000001')).sw).toBe('9000');
      // A kiosk guessing a token (here: one made with a key of its own) gets nowhere.
      const guessNonce = await send('00 84 00 00 08');
      const guess = createHmac('sha256', randomBytes(32)).update(guessNonce.data).digest().subarray(0, 16);
      expect((await send(`00 82 00 9B 10 ${guess.toString('hex')}`)).sw).toBe('6982');
      expect((await send(`00 2C 02 9B 08 ${Buffer.from(NEW_PIN).toString('hex')}`)).sw).toBe('6982');

      const nonce = await send('00 84 00 00 08');
      expect([nonce.sw, nonce.data.length]).toEqual(['9000', 8]);
      const issued = await kioskPost(terminal, `/v1/kiosk/pin-resets/${resetId}/token`, {
        cardNonce: nonce.data.toString('base64'),
      });
      expect(issued.status).toBe(200);
      const issuedToken = PinResetTokenResponse.parse(issued.json).token;
      // The same token, computed from the K_card the seed put on the card.
      const expected = createHmac('sha256', Buffer.from(profile.managementKey, 'base64'))
        .update(Buffer.concat([Buffer.from('JPKI-PIN-RESET'), Buffer.from([0x00, 0x1b]), nonce.data]))
        .digest()
        .subarray(0, 16)
        .toString('base64');
      expect(issuedToken).toBe(expected);
      const token = Buffer.from(issuedToken, 'base64').toString('hex');
      expect((await send(`00 82 00 9B 10 ${token}`)).sw).toBe('9000');
      expect((await send(`00 2C 02 9B 08 ${Buffer.from(NEW_PIN).toString('hex')}`)).sw).toBe('9000');
    } finally {
      await connection.disconnect();
      await reader.close();
    }
    // The card now takes the new signature PIN (and its profile on disk says so).
    expect((await loadProfile(file)).signature?.pin).toBe(NEW_PIN);
    const proof = await refusal(list({ ...app('demo-hanako'), proveWith: 'signature', pin: 'HANAKO55' }));
    expect([proof.code, proof.triesLeft]).toEqual(['PIN_WRONG', 4]);
    expect(await list({ ...app('demo-hanako'), proveWith: 'signature' })).toHaveLength(1);

    const done = await kioskPost(terminal, `/v1/kiosk/pin-resets/${resetId}/outcome`, { outcome: 'reset' });
    expect(PinResetOutcomeResponse.parse(done.json).reservation).toMatchObject({
      reservationId: reservation.reservationId,
      status: 'used',
    });
    const second = await kioskClaim(terminal, 'demo-hanako', 'signature');
    expect(second.status).toBe(409);
    expect((await list(app('demo-hanako')))[0]).toMatchObject({ status: 'used' });
  });

  it('leaves no demo PIN in HQ’s logs or in any table', { timeout: 60_000 }, async () => {
    const pins = [
      ...DEMO_CARDS.flatMap((c) => [c.userAuthPin, ...(c.signaturePin ? [c.signaturePin] : [])]),
      NEW_PIN,
    ];
    // The scan does find a PIN where one is.
    expect(pinTraces('{"pin":"1234"}', ['1234'])).not.toEqual([]);
    expect(pinTraces('00 20 00 80 04 31 32 33 34'.replaceAll(' ', ''), ['1234'])).not.toEqual([]);
    expect(pinTraces('{"id":"a1234b","hash":"ff12345e"}', ['1234'])).toEqual([]);

    await gateway?.close();
    gateway = undefined;
    expect(logs.length).toBeGreaterThan(20);
    // Log times and durations are numbers that may contain any digits: left out of the scan.
    const logText = logs
      .map((line) => {
        const { time: _time, durationMs: _duration, ...rest } = JSON.parse(line) as Record<string, unknown>;
        return JSON.stringify(rest);
      })
      .join('\n');
    expect(logText).toContain('pinreset.outcome');
    expect(pinTraces(logText, pins)).toEqual([]);

    const db = await openPgliteDatabase({ dataDir: demoPaths(dataDir).database });
    try {
      const tables = await db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((t) => t.table_name)).toContain('pin_reset_reservations');
      for (const { table_name: table } of tables) {
        const rows = await db.query(`SELECT * FROM "${table}"`);
        expect(pinTraces(JSON.stringify(rows), pins), table).toEqual([]);
      }
      const steps = await db.query<{ event: string }>(
        "SELECT event FROM audit_log WHERE event LIKE 'pinreset.%' ORDER BY id",
      );
      expect(steps.map((s) => s.event)).toEqual(
        expect.arrayContaining([
          'pinreset.reservation_created',
          'pinreset.reservations_listed',
          'pinreset.reservation_cancelled',
          'pinreset.claimed',
          'pinreset.token_issued',
          'pinreset.outcome_reset',
          'pinreset.claim_refused',
        ]),
      );
    } finally {
      await db.close();
    }
  });

  it('leaves the demo cards resettable', async () => {
    expect(await resetDemoCards(dataDir)).toMatchObject({ missing: [] });
  });
});
