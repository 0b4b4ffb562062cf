import { verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KioskError } from '../errors';
import { buildResponse, SW, toHex } from './apdu';
import type { CardProfile } from './emulator/profile';
import { loadProfile, persistToFile, saveProfile } from './emulator/profile-store';
import { makeTestProfile, TEST_CARD_MANAGEMENT_MASTER_KEY } from './emulator/testing/test-keys';
import { JPKI_AID, VirtualJpkiCard, type PersistProfile } from './emulator/virtual-card';
import { EmulatorReader } from './emulator-reader';
import { derTotalLength, JpkiCard } from './jpki';
import { computePinResetToken, deriveCardManagementKey } from './management-key';
import type { CardConnection, CardReader, ReaderEvent } from './reader';

let profile: CardProfile;
beforeAll(async () => {
  profile = await makeTestProfile({ serial: 'JPKI0000TEST42' });
});

const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const message = new TextEncoder().encode('challenge from HQ: 7f3a…');

/** Wraps a reader and records every command APDU (as hex) that reaches it. */
class RecordingReader implements CardReader {
  readonly sent: string[] = [];
  constructor(private readonly inner: CardReader) {}
  get name(): string {
    return this.inner.name;
  }
  get cardPresent(): boolean {
    return this.inner.cardPresent;
  }
  onEvent(listener: (event: ReaderEvent) => void): () => void {
    return this.inner.onEvent(listener);
  }
  async connect(): Promise<CardConnection> {
    const connection = await this.inner.connect();
    return {
      atr: connection.atr,
      transmit: (command, options) => {
        this.sent.push(toHex(command));
        return connection.transmit(command, options);
      },
      disconnect: () => connection.disconnect(),
    };
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

function setup(p: CardProfile = profile, persist?: PersistProfile) {
  const emulator = new EmulatorReader();
  const card = new VirtualJpkiCard(p, { persist });
  emulator.insert(card);
  const reader = new RecordingReader(emulator);
  return { emulator, card, reader };
}

async function caught(promise: Promise<unknown>): Promise<KioskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof KioskError)) throw new Error(`expected a KioskError, got ${String(error)}`);
  return error;
}

/** A profile whose user-authentication "certificate" is arbitrary bytes (the card does not parse it). */
function withUserAuthFile(bytes: Uint8Array): CardProfile {
  const p = structuredClone(profile);
  p.userAuth.certificate = Buffer.from(bytes).toString('base64');
  return p;
}

function derSequence(contentLength: number): Uint8Array {
  const header =
    contentLength < 0x80
      ? [0x30, contentLength]
      : contentLength < 0x100
        ? [0x30, 0x81, contentLength]
        : [0x30, 0x82, contentLength >> 8, contentLength & 0xff];
  const content = Array.from({ length: contentLength }, (_, i) => (i * 7 + 3) & 0xff);
  return Uint8Array.from([...header, ...content]);
}

describe('kiosk user authentication', () => {
  it('runs the whole sequence of jpki-card.md with exactly its APDUs', async () => {
    const { reader, card } = setup();
    const jpki = await JpkiCard.open(reader);
    expect(toHex(jpki.atr)).toBe('3BE000FF8131FE4514');

    const certificate = await jpki.readUserAuthCertificate();
    expect(toHex(certificate)).toBe(toHex(der(profile.userAuth.certificate)));
    expect(await jpki.userAuthTriesLeft()).toBe(3);
    await jpki.verifyUserAuthPin('1234');
    const signature = await jpki.signWithUserAuthKey(message);
    expect(signature.length).toBe(256);
    const publicKey = new X509Certificate(certificate).publicKey;
    expect(verify('sha256', message, publicKey, signature)).toBe(true);
    await jpki.close();
    expect(card.isPowered).toBe(false);

    const total = certificate.length;
    const reads: string[] = [];
    for (let offset = 4; offset < total; offset += 256) {
      const le = Math.min(256, total - offset);
      reads.push(
        `00B0${offset.toString(16).padStart(4, '0').toUpperCase()}${(le % 256).toString(16).padStart(2, '0').toUpperCase()}`,
      );
    }
    const select = `00A4040C0A${JPKI_AID}`;
    expect(reader.sent).toEqual([
      select,
      '00A4020C02000A',
      '00B0000004',
      ...reads,
      '00A4020C020018',
      '00200080',
      '00A4020C020018',
      '002000800431323334',
      '00A4020C020017',
      expect.stringMatching(/^802A0080333031300D060960864801650304020105000420[0-9A-F]{64}00$/),
      select, // logout
    ]);
    expect(reads.every((apdu) => apdu.endsWith('00') || Number.parseInt(apdu.slice(8), 16) < 256)).toBe(true);
  });

  it('reads the CA certificate', async () => {
    const jpki = await JpkiCard.open(setup().reader);
    expect(toHex(await jpki.readUserAuthCaCertificate())).toBe(toHex(der(profile.userAuth.caCertificate)));
  });

  it('logout makes the card forget the PIN', async () => {
    const jpki = await JpkiCard.open(setup().reader);
    await jpki.verifyUserAuthPin('1234');
    await jpki.logout();
    const error = await caught(jpki.signWithUserAuthKey(message));
    expect(error.code).toBe('CARD_UNREADABLE');
    expect(error.message).toContain('6982');
  });

  it('reads the serial number from EF 0006', async () => {
    const jpki = await JpkiCard.open(setup().reader);
    expect(await jpki.readSerial()).toBe('JPKI0000TEST42');
  });

  it('serialises concurrent operations', async () => {
    const jpki = await JpkiCard.open(setup().reader);
    const [certificate, serial, ca, tries] = await Promise.all([
      jpki.readUserAuthCertificate(),
      jpki.readSerial(),
      jpki.readUserAuthCaCertificate(),
      jpki.userAuthTriesLeft(),
    ]);
    expect(toHex(certificate)).toBe(toHex(der(profile.userAuth.certificate)));
    expect(serial).toBe('JPKI0000TEST42');
    expect(toHex(ca)).toBe(toHex(der(profile.userAuth.caCertificate)));
    expect(tries).toBe(3);
  });
});

describe('user-authentication PIN', () => {
  it('a wrong PIN is PIN_WRONG with tries left, then PIN_LOCKED; the PIN never appears in messages', async () => {
    const { card, reader } = setup();
    const jpki = await JpkiCard.open(reader);
    const first = await caught(jpki.verifyUserAuthPin('9999'));
    expect(first.code).toBe('PIN_WRONG');
    expect(first.triesLeft).toBe(2);
    expect(first.toInfo()).toEqual({ code: 'PIN_WRONG', action: 'user', triesLeft: 2 });
    expect(first.message).not.toContain('9999');
    expect(await jpki.userAuthTriesLeft()).toBe(2);
    expect((await caught(jpki.verifyUserAuthPin('9999'))).triesLeft).toBe(1);
    const exhausting = await caught(jpki.verifyUserAuthPin('9999'));
    expect(exhausting.code).toBe('PIN_LOCKED'); // 63 C0
    expect(exhausting.triesLeft).toBeUndefined();
    expect(await jpki.userAuthTriesLeft()).toBe(0);
    expect((await caught(jpki.verifyUserAuthPin('1234'))).code).toBe('PIN_LOCKED'); // 69 84
    expect(card.profile.userAuth.triesLeft).toBe(0);
  });

  it('a locked card reports 0 tries and PIN_LOCKED from the start', async () => {
    const jpki = await JpkiCard.open(setup(await makeTestProfile({ userAuthTriesLeft: 0 })).reader);
    expect(await jpki.userAuthTriesLeft()).toBe(0);
    expect((await caught(jpki.verifyUserAuthPin('1234'))).code).toBe('PIN_LOCKED');
  });

  it('a malformed PIN is PIN_FORMAT and reaches no card', async () => {
    const { card, reader } = setup();
    const jpki = await JpkiCard.open(reader);
    const sentBefore = reader.sent.length;
    for (const bad of ['', '123', '12345', 'abcd', '１２３４', '12 4', ' 1234']) {
      const error = await caught(jpki.verifyUserAuthPin(bad));
      expect(error.code, JSON.stringify(bad)).toBe('PIN_FORMAT');
      if (bad !== '') expect(error.message).not.toContain(bad);
    }
    expect(reader.sent.length).toBe(sentBefore);
    expect(card.profile.userAuth.triesLeft).toBe(3);
    expect(await jpki.userAuthTriesLeft()).toBe(3);
  });

  it('reports a full counter when the card answers 90 00 after VERIFY', async () => {
    const jpki = await JpkiCard.open(
      setup(await makeTestProfile({ retryCounterAfterVerify: '9000' })).reader,
    );
    await jpki.verifyUserAuthPin('1234');
    expect(await jpki.userAuthTriesLeft()).toBe(3);
  });
});

describe('signature PIN and key', () => {
  it('normalises to upper case, verifies, then reads the certificate and signs', async () => {
    const jpki = await JpkiCard.open(setup().reader);
    expect(await jpki.hasSignatureKey()).toBe(true);
    expect(await jpki.signatureTriesLeft()).toBe(5);
    const locked = await caught(jpki.readSignatureCertificate());
    expect(locked.code).toBe('CARD_UNREADABLE');
    expect(locked.message).toContain('6982');
    expect(toHex(await jpki.readSignatureCaCertificate())).toBe(
      toHex(der(profile.signature?.caCertificate ?? '')),
    );
    await jpki.verifySignaturePin('abc123');
    const certificate = await jpki.readSignatureCertificate();
    expect(toHex(certificate)).toBe(toHex(der(profile.signature?.certificate ?? '')));
    const signature = await jpki.signWithSignatureKey(message);
    expect(verify('sha256', message, new X509Certificate(certificate).publicKey, signature)).toBe(true);
  });

  it('wrong signature PIN: PIN_WRONG with 4 tries left, without the PIN in the message', async () => {
    const jpki = await JpkiCard.open(setup().reader);
    const error = await caught(jpki.verifySignaturePin('WRONG9'));
    expect(error.code).toBe('PIN_WRONG');
    expect(error.triesLeft).toBe(4);
    expect(error.message).not.toContain('WRONG9');
    expect(await jpki.signatureTriesLeft()).toBe(4);
  });

  it('a malformed signature PIN is PIN_FORMAT and reaches no card', async () => {
    const { card, reader } = setup();
    const jpki = await JpkiCard.open(reader);
    const sentBefore = reader.sent.length;
    for (const bad of [
      'ABC12',
      'A1B2C3D4E5F6G7H8I',
      'ABCDEF',
      '123456',
      'ABC 123',
      'ＡＢＣ１２３',
      'abcß12',
    ]) {
      expect((await caught(jpki.verifySignaturePin(bad))).code, bad).toBe('PIN_FORMAT');
    }
    expect(reader.sent.length).toBe(sentBefore);
    expect(card.profile.signature?.triesLeft).toBe(5);
  });

  it("a child's card has no signature key", async () => {
    const jpki = await JpkiCard.open(setup(await makeTestProfile({ child: true })).reader);
    expect(await jpki.hasSignatureKey()).toBe(false);
    const error = await caught(jpki.signatureTriesLeft());
    expect(error.code).toBe('CARD_UNREADABLE');
    expect(error.message).toContain('6A82');
    // The user-authentication side is unaffected.
    await jpki.verifyUserAuthPin('1234');
  });
});

describe('certificate length from the DER header', () => {
  it('derTotalLength handles 30 LL, 30 81 LL and 30 82 LL LL', () => {
    expect(derTotalLength(Uint8Array.of(0x30, 0x05, 0, 0))).toBe(7);
    expect(derTotalLength(Uint8Array.of(0x30, 0x81, 0xc8, 0))).toBe(203);
    expect(derTotalLength(Uint8Array.of(0x30, 0x82, 0x03, 0x10))).toBe(0x314);
    expect(derTotalLength(Uint8Array.of(0x30, 0x80, 0, 0))).toBeUndefined();
    expect(derTotalLength(Uint8Array.of(0x30, 0x83, 0, 0))).toBeUndefined();
    expect(derTotalLength(Uint8Array.of(0xff, 0xff, 0xff, 0xff))).toBeUndefined();
  });

  for (const contentLength of [5, 200, 252, 256, 508, 1500]) {
    it(`reads a ${contentLength}-byte DER object exactly, ignoring padding after it`, async () => {
      const object = derSequence(contentLength);
      const padded = Uint8Array.from([...object, ...new Uint8Array(37).fill(0xff)]);
      const { reader } = setup(withUserAuthFile(padded));
      const jpki = await JpkiCard.open(reader);
      expect(toHex(await jpki.readUserAuthCertificate())).toBe(toHex(object));
      const reads = reader.sent.filter((apdu) => apdu.startsWith('00B0'));
      expect(reads[0]).toBe('00B0000004');
      // Fewest reads: the 4-byte head, then ≤ 256-byte chunks.
      expect(reads.length).toBe(1 + Math.ceil(Math.max(0, object.length - 4) / 256));
    });
  }

  it('a file that is no DER object is CARD_UNREADABLE', async () => {
    const jpki = await JpkiCard.open(setup(withUserAuthFile(new Uint8Array(300).fill(0xff))).reader);
    expect((await caught(jpki.readUserAuthCertificate())).code).toBe('CARD_UNREADABLE');
  });

  it('a file shorter than its DER header says is CARD_UNREADABLE (6B 00), not a hang', async () => {
    const truncated = derSequence(600).subarray(0, 400);
    const jpki = await JpkiCard.open(setup(withUserAuthFile(truncated)).reader);
    const error = await caught(jpki.readUserAuthCertificate());
    expect(error.code).toBe('CARD_UNREADABLE');
    expect(error.message).toContain('6B00');
  });
});

describe('faults', () => {
  it('open on an empty reader is CARD_REMOVED', async () => {
    expect((await caught(JpkiCard.open(new EmulatorReader()))).code).toBe('CARD_REMOVED');
  });

  it('a card that refuses the JPKI AP is CARD_UNREADABLE and is released', async () => {
    let disconnected = 0;
    const notJpki: CardReader = {
      name: 'fake',
      cardPresent: true,
      onEvent: () => () => {},
      close: async () => {},
      connect: async () => ({
        atr: Uint8Array.of(0x3b, 0x00),
        transmit: async () => buildResponse(SW.FILE_NOT_FOUND),
        disconnect: async () => void disconnected++,
      }),
    };
    const error = await caught(JpkiCard.open(notJpki));
    expect(error.code).toBe('CARD_UNREADABLE');
    expect(error.message).toContain('6A82');
    expect(disconnected).toBe(1);
  });

  it('a reader failing with a non-KioskError is reported as CARD_UNREADABLE', async () => {
    let calls = 0;
    const flaky: CardReader = {
      name: 'flaky',
      cardPresent: true,
      onEvent: () => () => {},
      close: async () => {},
      connect: async () => ({
        atr: new Uint8Array(0),
        transmit: async () => {
          if (++calls > 1) throw new TypeError('driver bug');
          return buildResponse(SW.OK);
        },
        disconnect: async () => {},
      }),
    };
    const jpki = await JpkiCard.open(flaky);
    const error = await caught(jpki.readSerial());
    expect(error.code).toBe('CARD_UNREADABLE');
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('card removed in the middle of a certificate read is CARD_REMOVED', async () => {
    const emulator = new EmulatorReader();
    let reads = 0;
    class PulledCard extends VirtualJpkiCard {
      override transmit(apdu: Uint8Array): Promise<Uint8Array> {
        // The user pulls the card while the second READ BINARY is on the wire.
        if (apdu[1] === 0xb0 && ++reads === 2) emulator.remove();
        return super.transmit(apdu);
      }
    }
    emulator.insert(new PulledCard(profile));
    const jpki = await JpkiCard.open(emulator);
    expect((await caught(jpki.readUserAuthCertificate())).code).toBe('CARD_REMOVED');
    expect(reads).toBe(2);
    expect((await caught(jpki.userAuthTriesLeft())).code).toBe('CARD_REMOVED');
    await jpki.close(); // best effort: does not throw with the card gone
  });

  it('a hung card is CARD_TIMEOUT', async () => {
    const { emulator, reader } = setup();
    const jpki = await JpkiCard.open(reader, { timeoutMs: 50 });
    emulator.setHung(true);
    expect((await caught(jpki.verifyUserAuthPin('1234'))).code).toBe('CARD_TIMEOUT');
    emulator.setHung(false);
    expect(await jpki.userAuthTriesLeft()).toBe(3); // the PIN never reached the card
  });

  it('close is safe twice and disconnects', async () => {
    const { card, reader } = setup();
    const jpki = await JpkiCard.open(reader);
    await jpki.close();
    await jpki.close();
    expect(card.isPowered).toBe(false);
  });
});

describe('PIN reset', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jpki-driver-reset-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** HQ's part: K_card from the master key and the serial the kiosk read, then the token for the nonce. */
  function hqToken(serial: string, pin: 'userAuth' | 'signature', nonce: Uint8Array): Uint8Array {
    return computePinResetToken(deriveCardManagementKey(TEST_CARD_MANAGEMENT_MASTER_KEY, serial), pin, nonce);
  }

  /** GET CHALLENGE → token → EXTERNAL AUTHENTICATE, as the PIN-reset flow does it. */
  async function authorise(jpki: JpkiCard, pin: 'userAuth' | 'signature'): Promise<void> {
    const serial = await jpki.readSerial();
    const nonce = await jpki.getChallenge();
    await jpki.externalAuthenticate(pin, hqToken(serial, pin, nonce));
  }

  /** A card whose profile lives in a file (written by the card before it answers). */
  async function fileCard(name: string, p: CardProfile, persist?: (file: string) => PersistProfile) {
    const file = join(dir, `${name}.json`);
    await saveProfile(file, p);
    const setupResult = setup(await loadProfile(file), (persist ?? persistToFile)(file));
    return { file, ...setupResult };
  }

  /** The card as it is after a restart: re-read from its file, in a fresh reader. */
  async function reopened(file: string): Promise<JpkiCard> {
    const reader = new EmulatorReader();
    reader.insert(new VirtualJpkiCard(await loadProfile(file), { persist: persistToFile(file) }));
    return JpkiCard.open(reader);
  }

  it('GET CHALLENGE → HQ token → EXTERNAL AUTHENTICATE → RESET RETRY COUNTER → VERIFY with the new PIN', async () => {
    const locked = await makeTestProfile({ serial: 'RESET0001', userAuthTriesLeft: 0 });
    const { reader, card } = setup(locked);
    const jpki = await JpkiCard.open(reader);
    expect((await caught(jpki.verifyUserAuthPin('1234'))).code).toBe('PIN_LOCKED');

    const serial = await jpki.readSerial();
    expect(serial).toBe('RESET0001');
    const before = reader.sent.length;
    const nonce = await jpki.getChallenge();
    expect(nonce.length).toBe(8);
    const token = hqToken(serial, 'userAuth', nonce);
    await jpki.externalAuthenticate('userAuth', token);
    await jpki.resetRetryCounter('userAuth', '8642');
    expect(reader.sent.slice(before)).toEqual([
      '0084000008',
      `0082009810${toHex(token)}`,
      '002C02980438363432',
    ]);

    expect(await jpki.userAuthTriesLeft()).toBe(3);
    expect(card.profile.userAuth).toMatchObject({ pin: '8642', triesLeft: 3 });
    await jpki.verifyUserAuthPin('8642');
    const signature = await jpki.signWithUserAuthKey(message);
    const certificate = await jpki.readUserAuthCertificate();
    expect(verify('sha256', message, new X509Certificate(certificate).publicKey, signature)).toBe(true);
  });

  it('resets the signature PIN, upper-casing the new PIN first', async () => {
    const { reader } = setup(await makeTestProfile({ signatureTriesLeft: 0 }));
    const jpki = await JpkiCard.open(reader);
    await authorise(jpki, 'signature');
    await jpki.resetRetryCounter('signature', 'new456xy');
    expect(reader.sent.at(-1)).toBe(`002C029B08${toHex(new TextEncoder().encode('NEW456XY'))}`);
    expect(await jpki.signatureTriesLeft()).toBe(5);
    await jpki.verifySignaturePin('NEW456XY');
    const certificate = await jpki.readSignatureCertificate();
    const signature = await jpki.signWithSignatureKey(message);
    expect(verify('sha256', message, new X509Certificate(certificate).publicKey, signature)).toBe(true);
    // The user-authentication PIN is untouched.
    await jpki.verifyUserAuthPin('1234');
  });

  it('getChallenge returns fresh bytes of the asked length; a bad length is RangeError, nothing sent', async () => {
    const { reader } = setup();
    const jpki = await JpkiCard.open(reader);
    const a = await jpki.getChallenge();
    const b = await jpki.getChallenge(16);
    expect(a.length).toBe(8);
    expect(b.length).toBe(16);
    expect(toHex(a)).not.toBe(toHex(b.subarray(0, 8)));
    expect((await jpki.getChallenge(256)).length).toBe(256);
    const sent = reader.sent.length;
    for (const bad of [0, 257, 1.5, Number.NaN]) {
      await expect(jpki.getChallenge(bad)).rejects.toBeInstanceOf(RangeError);
    }
    expect(reader.sent.length).toBe(sent);
  });

  it('a refused token is CARD_UNREADABLE "external authenticate refused"; nothing is reset', async () => {
    const { reader, card } = setup();
    const jpki = await JpkiCard.open(reader);
    const serial = await jpki.readSerial();

    // No challenge yet, a wrong token, a token for the other PIN, a replayed token.
    const noChallenge = await caught(jpki.externalAuthenticate('userAuth', new Uint8Array(16)));
    expect(noChallenge.code).toBe('CARD_UNREADABLE');
    expect(noChallenge.message).toBe('CARD_UNREADABLE: external authenticate refused');
    let nonce = await jpki.getChallenge();
    const wrong = await caught(jpki.externalAuthenticate('userAuth', hqToken(serial, 'signature', nonce)));
    expect(wrong.message).toBe('CARD_UNREADABLE: external authenticate refused');
    nonce = await jpki.getChallenge();
    const token = hqToken(serial, 'userAuth', nonce);
    await jpki.externalAuthenticate('userAuth', token);
    expect((await caught(jpki.externalAuthenticate('userAuth', token))).message).toContain('refused');

    // RESET RETRY COUNTER without an opened reset.
    const refused = await caught(jpki.resetRetryCounter('userAuth', '8642'));
    expect(refused.code).toBe('CARD_UNREADABLE');
    expect(refused.message).toBe('CARD_UNREADABLE: reset retry counter refused');
    expect(refused.message).not.toContain('8642');
    expect(card.profile.userAuth.pin).toBe('1234');
  });

  it('a token of the wrong length is RangeError and reaches no card', async () => {
    const { reader } = setup();
    const jpki = await JpkiCard.open(reader);
    const sent = reader.sent.length;
    for (const length of [0, 8, 15, 17, 32]) {
      await expect(jpki.externalAuthenticate('userAuth', new Uint8Array(length))).rejects.toBeInstanceOf(
        RangeError,
      );
    }
    expect(reader.sent.length).toBe(sent);
  });

  it('a malformed new PIN is PIN_FORMAT, reaches no card, and leaves the opened reset usable', async () => {
    const { reader, card } = setup();
    const jpki = await JpkiCard.open(reader);
    for (const [pin, bad] of [
      ['userAuth', '123'],
      ['userAuth', '12345'],
      ['userAuth', '１２３４'],
      ['signature', 'ABCDEF'],
      ['signature', 'abc12'],
      ['signature', 'abcß12'],
    ] as const) {
      await authorise(jpki, pin);
      const sent = reader.sent.length;
      const error = await caught(jpki.resetRetryCounter(pin, bad));
      expect(error.code, bad).toBe('PIN_FORMAT');
      expect(error.message).not.toContain(bad);
      expect(reader.sent.length).toBe(sent);
      // Nothing reached the card, so the reset is still open for the corrected PIN.
      await jpki.resetRetryCounter(pin, pin === 'userAuth' ? '2468' : 'GOOD2468');
    }
    expect(card.profile.userAuth.pin).toBe('2468');
    expect(card.profile.signature?.pin).toBe('GOOD2468');
  });

  it("a child's card: the signature PIN cannot be reset (6A 82), the user-authentication PIN can", async () => {
    const child = await makeTestProfile({ child: true, serial: 'CHILD01' });
    const jpki = await JpkiCard.open(setup(child).reader);
    expect(await jpki.hasSignatureKey()).toBe(false);
    const nonce = await jpki.getChallenge();
    const error = await caught(
      jpki.externalAuthenticate('signature', hqToken('CHILD01', 'signature', nonce)),
    );
    expect(error.code).toBe('CARD_UNREADABLE');
    expect(error.message).toContain('6A82');
    await jpki.externalAuthenticate('userAuth', hqToken('CHILD01', 'userAuth', nonce)); // nonce not spent
    await jpki.resetRetryCounter('userAuth', '8642');
    await jpki.verifyUserAuthPin('8642');
  });

  it('the card failing to write the new PIN (65 81) is CARD_UNREADABLE and the old PIN still works', async () => {
    const { reader } = setup(profile, async () => Promise.reject(new Error('disk full')));
    const jpki = await JpkiCard.open(reader);
    await authorise(jpki, 'userAuth');
    const error = await caught(jpki.resetRetryCounter('userAuth', '8642'));
    expect(error.code).toBe('CARD_UNREADABLE');
    expect(error.message).toContain('6581');
    expect(error.message).not.toContain('8642');
    await jpki.verifyUserAuthPin('1234');
  });

  it('card removed between EXTERNAL AUTHENTICATE and RESET RETRY COUNTER: the old PIN stays', async () => {
    const locked = await makeTestProfile({ userAuthTriesLeft: 0 });
    const { file, emulator } = await fileCard('removed-before-reset', locked);
    const jpki = await JpkiCard.open(emulator);
    await authorise(jpki, 'userAuth');
    emulator.remove();
    expect((await caught(jpki.resetRetryCounter('userAuth', '8642'))).code).toBe('CARD_REMOVED');
    await jpki.close();

    const again = await reopened(file);
    expect(await again.userAuthTriesLeft()).toBe(0);
    expect((await caught(again.verifyUserAuthPin('8642'))).code).toBe('PIN_LOCKED');

    // Same with a PIN that was not locked: the old one verifies, the new one is wrong.
    const { file: file2, emulator: emulator2 } = await fileCard('removed-before-reset-2', profile);
    const jpki2 = await JpkiCard.open(emulator2);
    await authorise(jpki2, 'userAuth');
    emulator2.remove();
    expect((await caught(jpki2.resetRetryCounter('userAuth', '8642'))).code).toBe('CARD_REMOVED');
    const again2 = await reopened(file2);
    expect((await caught(again2.verifyUserAuthPin('8642'))).code).toBe('PIN_WRONG');
    await again2.verifyUserAuthPin('1234');
  });

  it('card removed right after RESET RETRY COUNTER: the new PIN stays', async () => {
    const locked = await makeTestProfile({ userAuthTriesLeft: 0 });
    const { file, emulator } = await fileCard('removed-after-reset', locked);
    const jpki = await JpkiCard.open(emulator);
    await authorise(jpki, 'userAuth');
    await jpki.resetRetryCounter('userAuth', '8642');
    emulator.remove();

    const again = await reopened(file);
    expect(await again.userAuthTriesLeft()).toBe(3);
    await again.verifyUserAuthPin('8642');
  });

  it('card removed while RESET RETRY COUNTER is on the wire: CARD_REMOVED, and the card holds one whole PIN', async () => {
    const locked = await makeTestProfile({ userAuthTriesLeft: 0 });

    // Pulled before the card got the command: old PIN, still locked.
    const early = join(dir, 'pulled-early.json');
    await saveProfile(early, locked);
    const emulator = new EmulatorReader();
    class PulledCard extends VirtualJpkiCard {
      override transmit(apdu: Uint8Array): Promise<Uint8Array> {
        if (apdu[1] === 0x2c) emulator.remove();
        return super.transmit(apdu);
      }
    }
    emulator.insert(new PulledCard(await loadProfile(early), { persist: persistToFile(early) }));
    const jpki = await JpkiCard.open(emulator);
    await authorise(jpki, 'userAuth');
    expect((await caught(jpki.resetRetryCounter('userAuth', '8642'))).code).toBe('CARD_REMOVED');
    expect(await (await reopened(early)).userAuthTriesLeft()).toBe(0);

    // Pulled while the card was writing, which it finished: the kiosk saw CARD_REMOVED, yet the new PIN holds.
    let written: Promise<void> = Promise.resolve();
    let pull = () => {};
    const late = await fileCard('pulled-late', locked, (file) => async (p) => {
      pull();
      written = saveProfile(file, p);
      await written;
    });
    pull = () => late.emulator.remove();
    const jpki2 = await JpkiCard.open(late.emulator);
    await authorise(jpki2, 'userAuth');
    expect((await caught(jpki2.resetRetryCounter('userAuth', '8642'))).code).toBe('CARD_REMOVED');
    await written;
    const again = await reopened(late.file);
    expect(await again.userAuthTriesLeft()).toBe(3);
    await again.verifyUserAuthPin('8642');
  });
});
