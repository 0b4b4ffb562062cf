import { verify, X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { KioskError } from '../errors';
import { buildResponse, SW, toHex } from './apdu';
import type { CardProfile } from './emulator/profile';
import { makeTestProfile } from './emulator/testing/test-keys';
import { JPKI_AID, VirtualJpkiCard } from './emulator/virtual-card';
import { EmulatorReader } from './emulator-reader';
import { derTotalLength, JpkiCard } from './jpki';
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

function setup(p: CardProfile = profile) {
  const emulator = new EmulatorReader();
  const card = new VirtualJpkiCard(p);
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
