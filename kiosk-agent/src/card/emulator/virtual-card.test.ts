import { constants, createHash, publicDecrypt, randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, parseResponse, swHex, toHex } from '../apdu';
import { computePinResetToken, deriveCardManagementKey } from '../management-key';
import type { CardProfile } from './profile';
import { loadProfile, persistToFile, saveProfile } from './profile-store';
import { makeTestProfile, TEST_CARD_MANAGEMENT_MASTER_KEY } from './testing/test-keys';
import {
  CARD_FACE_AID,
  CARD_TEXT_AID,
  JPKI_AID,
  VirtualJpkiCard,
  type VirtualJpkiCardOptions,
} from './virtual-card';

const SELECT_JPKI = `00A4040C0A${JPKI_AID}`;
const selectEf = (fid: string) => `00A4020C02${fid}`;
const ascii = (text: string) => toHex(new TextEncoder().encode(text));
const verifyApdu = (pin: string) => `00200080${pin.length.toString(16).padStart(2, '0')}${ascii(pin)}`;
const DIGEST_INFO_PREFIX = '3031300D060960864801650304020105000420';

let profile: CardProfile;
let childProfile: CardProfile;

beforeAll(async () => {
  profile = await makeTestProfile({ serial: 'SERIAL0001' });
  childProfile = await makeTestProfile({ child: true });
});

function poweredCard(p: CardProfile = profile, options?: VirtualJpkiCardOptions): VirtualJpkiCard {
  const card = new VirtualJpkiCard(p, options);
  card.powerOn();
  return card;
}

async function send(
  card: VirtualJpkiCard,
  apdu: string | Uint8Array,
): Promise<{ data: Uint8Array; sw: string }> {
  const response = await card.transmit(typeof apdu === 'string' ? fromHex(apdu) : apdu);
  const { data, sw } = parseResponse(response);
  return { data, sw: swHex(sw) };
}

async function sw(card: VirtualJpkiCard, apdu: string | Uint8Array): Promise<string> {
  return (await send(card, apdu)).sw;
}

/** SELECT AP, SELECT pinEf, VERIFY pin — expects success. */
async function login(card: VirtualJpkiCard, pinEf: '0018' | '001B', pin: string): Promise<void> {
  expect(await sw(card, SELECT_JPKI)).toBe('9000');
  expect(await sw(card, selectEf(pinEf))).toBe('9000');
  expect(await sw(card, verifyApdu(pin))).toBe('9000');
}

function digestInfo(message: Uint8Array): string {
  return DIGEST_INFO_PREFIX + createHash('sha256').update(message).digest('hex').toUpperCase();
}

function signApdu(data: string, le = '00'): string {
  return `802A0080${(data.length / 2).toString(16).padStart(2, '0')}${data}${le}`;
}

/**
 * Reads a whole transparent EF in 256-byte steps until 6B 00. Bounded, and an empty 90 00 fails: a card bug
 * must fail the test, not spin a loop that starves the event loop (and with it vitest's timeout).
 */
async function readAll(card: VirtualJpkiCard): Promise<Uint8Array> {
  const parts: number[] = [];
  for (let reads = 0; reads < 200; reads++) {
    const offset = parts.length;
    const { data, sw: status } = await send(
      card,
      `00B0${(offset >> 8).toString(16).padStart(2, '0')}${(offset & 0xff).toString(16).padStart(2, '0')}00`,
    );
    if (status === '6B00') return Uint8Array.from(parts);
    expect(status).toBe('9000');
    expect(data.length).toBeGreaterThan(0);
    parts.push(...data);
  }
  throw new Error('READ BINARY never reached the end of the file');
}

const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

describe('power', () => {
  it('powerOn and reset return the ATR from the profile', () => {
    const card = new VirtualJpkiCard(profile);
    expect(toHex(card.powerOn())).toBe('3BE000FF8131FE4514');
    expect(card.isPowered).toBe(true);
    expect(toHex(card.reset())).toBe('3BE000FF8131FE4514');
  });

  it('an unpowered card is mute', async () => {
    const card = new VirtualJpkiCard(profile);
    expect((await card.transmit(fromHex(SELECT_JPKI))).length).toBe(0);
    card.powerOn();
    card.powerOff();
    expect(card.isPowered).toBe(false);
    expect((await card.transmit(fromHex(SELECT_JPKI))).length).toBe(0);
  });

  it('after power on no AP is selected', async () => {
    const card = poweredCard();
    expect(await sw(card, selectEf('000A'))).toBe('6A82');
    expect(await sw(card, '00B0000004')).toBe('6986');
  });

  for (const [what, cycle] of [
    ['powerOff/powerOn', (c: VirtualJpkiCard) => (c.powerOff(), c.powerOn())],
    ['reset', (c: VirtualJpkiCard) => c.reset()],
  ] as const) {
    it(`${what} clears selection and verified PINs but keeps retry counters`, async () => {
      const card = poweredCard();
      await login(card, '0018', '1234');
      expect(await sw(card, selectEf('0018'))).toBe('9000');
      expect(await sw(card, verifyApdu('9999'))).toBe('63C2');
      await login(card, '0018', '1234');
      expect(await sw(card, verifyApdu('0000'))).toBe('63C2');
      cycle(card);
      // Selection gone: the EF of the JPKI AP is not visible until SELECT AP.
      expect(await sw(card, selectEf('0017'))).toBe('6A82');
      expect(await sw(card, SELECT_JPKI)).toBe('9000');
      expect(await sw(card, selectEf('0018'))).toBe('9000');
      // Counter kept (2 after the last wrong try).
      expect(await sw(card, '00200080')).toBe('63C2');
      // Verification gone: a fresh login is needed before signing.
      await login(card, '0018', '1234');
      cycle(card);
      expect(await sw(card, SELECT_JPKI)).toBe('9000');
      expect(await sw(card, selectEf('0017'))).toBe('9000');
      expect(await sw(card, signApdu(digestInfo(Uint8Array.of(1))))).toBe('6982');
    });
  }
});

describe('SELECT', () => {
  it('selects the JPKI AP and its EFs', async () => {
    const card = poweredCard();
    expect(await sw(card, SELECT_JPKI)).toBe('9000');
    for (const fid of ['000A', '000B', '0017', '0018', '0001', '0002', '001A', '001B', '0006']) {
      expect(await sw(card, selectEf(fid)), fid).toBe('9000');
    }
  });

  it('answers 6A 82 for unknown EFs and unknown AIDs', async () => {
    const card = poweredCard();
    expect(await sw(card, SELECT_JPKI)).toBe('9000');
    expect(await sw(card, selectEf('1234'))).toBe('6A82');
    expect(await sw(card, selectEf('3F00'))).toBe('6A82');
    expect(await sw(card, '00A4040C07A0000000031010')).toBe('6A82');
    // A failed SELECT AP leaves the JPKI AP selected.
    expect(await sw(card, selectEf('000A'))).toBe('9000');
  });

  it('the two other APs are selectable and empty', async () => {
    const card = poweredCard();
    for (const aid of [CARD_TEXT_AID, CARD_FACE_AID]) {
      expect(await sw(card, `00A4040C0A${aid}`)).toBe('9000');
      expect(await sw(card, selectEf('000A'))).toBe('6A82');
      expect(await sw(card, selectEf('0001'))).toBe('6A82');
    }
  });

  it('SELECT AP clears PIN verification state (also of the other AP)', async () => {
    const card = poweredCard();
    await login(card, '0018', '1234');
    expect(await sw(card, SELECT_JPKI)).toBe('9000');
    expect(await sw(card, selectEf('0017'))).toBe('9000');
    expect(await sw(card, signApdu(digestInfo(Uint8Array.of(1))))).toBe('6982');

    await login(card, '0018', '1234');
    expect(await sw(card, `00A4040C0A${CARD_TEXT_AID}`)).toBe('9000');
    expect(await sw(card, SELECT_JPKI)).toBe('9000');
    expect(await sw(card, selectEf('0017'))).toBe('9000');
    expect(await sw(card, signApdu(digestInfo(Uint8Array.of(1))))).toBe('6982');
  });

  it('checks P1/P2 and Lc', async () => {
    const card = poweredCard();
    expect(await sw(card, `00A4000C0A${JPKI_AID}`)).toBe('6A86');
    expect(await sw(card, `00A404040A${JPKI_AID}`)).toBe('6A86');
    expect(await sw(card, `00A4040C0A${JPKI_AID}00`)).toBe('9000'); // Le tolerated
    expect(await sw(card, `00A4040C`)).toBe('6700');
    expect(await sw(card, `00A4040C00`)).toBe('6700'); // case 2: no AID
    expect(await sw(card, '00A4020C03000A00')).toBe('6700');
    expect(await sw(card, '00A4020C01')).toBe('6700'); // case 2 read as Le: no FID
  });

  it('a child card has no signature EFs', async () => {
    const card = poweredCard(childProfile);
    expect(await sw(card, SELECT_JPKI)).toBe('9000');
    for (const fid of ['0001', '0002', '001A', '001B'])
      expect(await sw(card, selectEf(fid)), fid).toBe('6A82');
    for (const fid of ['000A', '000B', '0017', '0018', '0006'])
      expect(await sw(card, selectEf(fid)), fid).toBe('9000');
  });
});

describe('READ BINARY', () => {
  it('reads the certificates exactly as in the profile', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('000A'));
    const certificate = await readAll(card);
    expect(toHex(certificate)).toBe(toHex(der(profile.userAuth.certificate)));
    expect(certificate.length).toBeGreaterThan(256); // the chunked path was exercised
    expect(new X509Certificate(certificate).subject).toContain('C=JP');
    await sw(card, selectEf('000B'));
    expect(toHex(await readAll(card))).toBe(toHex(der(profile.userAuth.caCertificate)));
    await sw(card, selectEf('0002'));
    expect(toHex(await readAll(card))).toBe(toHex(der(profile.signature?.caCertificate ?? '')));
  });

  it('honours offset and Le; Le 00 means 256; shorter at the end of the file', async () => {
    const card = poweredCard();
    const file = der(profile.userAuth.certificate);
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('000A'));
    const first = await send(card, '00B0000004');
    expect(toHex(first.data)).toBe(toHex(file.subarray(0, 4)));
    const full = await send(card, '00B0000000');
    expect(full.data.length).toBe(256);
    const second = await send(card, '00B0010010');
    expect(toHex(second.data)).toBe(toHex(file.subarray(0x100, 0x110)));
    const tailOffset = file.length - 10;
    const tail = await send(card, `00B0${tailOffset.toString(16).padStart(4, '0')}00`);
    expect(tail.sw).toBe('9000');
    expect(toHex(tail.data)).toBe(toHex(file.subarray(tailOffset)));
  });

  it('answers 6B 00 at and past the end of the file', async () => {
    const card = poweredCard();
    const length = der(profile.userAuth.certificate).length;
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('000A'));
    expect(await sw(card, `00B0${length.toString(16).padStart(4, '0')}01`)).toBe('6B00');
    expect(await sw(card, `00B0${(length + 100).toString(16).padStart(4, '0')}01`)).toBe('6B00');
    expect(await sw(card, '00B07FFF01')).toBe('6B00');
  });

  it('checks P1 b8, Le, and the kind of the current EF', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    expect(await sw(card, '00B0000004')).toBe('6986'); // no current EF
    await sw(card, selectEf('000A'));
    expect(await sw(card, '00B0800004')).toBe('6A86'); // short EF id addressing
    expect(await sw(card, '00B00000')).toBe('6700'); // no Le
    expect(await sw(card, '00B000000101')).toBe('6700'); // data instead of Le
    await sw(card, selectEf('0018'));
    expect(await sw(card, '00B0000004')).toBe('6981');
    await sw(card, selectEf('0017'));
    expect(await sw(card, '00B0000004')).toBe('6981');
  });

  it('EF 0001 is readable only after VERIFY of 001B, and again not after SELECT AP', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0001'));
    expect(await sw(card, '00B0000004')).toBe('6982');
    await login(card, '0018', '1234'); // the other PIN does not open it
    await sw(card, selectEf('0001'));
    expect(await sw(card, '00B0000004')).toBe('6982');
    await login(card, '001B', 'ABC123');
    await sw(card, selectEf('0001'));
    expect(toHex(await readAll(card))).toBe(toHex(der(profile.signature?.certificate ?? '')));
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0001'));
    expect(await sw(card, '00B0000004')).toBe('6982');
  });

  it('EF 0006 is the token info with label and serial', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0006'));
    const { data, sw: status } = await send(card, '00B00000A0');
    expect(status).toBe('9000');
    expect(data.length).toBe(160);
    expect(Buffer.from(data.subarray(0, 32)).toString('latin1')).toBe('JPKIAPICCTOKEN2                 ');
    expect(Buffer.from(data.subarray(80, 96)).toString('latin1')).toBe('SERIAL0001      ');
    expect(await sw(card, '00B000A001')).toBe('6B00');
  });
});

describe('VERIFY', () => {
  it('an empty VERIFY reports the counter and spends nothing', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0018'));
    expect(await sw(card, '00200080')).toBe('63C3');
    expect(await sw(card, '00200080')).toBe('63C3');
    await sw(card, selectEf('001B'));
    expect(await sw(card, '00200080')).toBe('63C5');
    expect(card.profile.userAuth.triesLeft).toBe(3);
  });

  it('locks after 3 wrong tries: 63 C2 → 63 C1 → 63 C0 → 69 84, persisting each change first', async () => {
    const persisted: number[] = [];
    const card = poweredCard(profile, {
      persist: async (p) => {
        persisted.push(p.userAuth.triesLeft);
      },
    });
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0018'));
    expect(await sw(card, verifyApdu('0000'))).toBe('63C2');
    expect(await sw(card, verifyApdu('0000'))).toBe('63C1');
    expect(await sw(card, verifyApdu('0000'))).toBe('63C0');
    expect(persisted).toEqual([2, 1, 0]);
    expect(await sw(card, verifyApdu('0000'))).toBe('6984');
    expect(await sw(card, verifyApdu('1234'))).toBe('6984'); // even the right PIN
    expect(await sw(card, '00200080')).toBe('6984');
    expect(persisted).toEqual([2, 1, 0]); // nothing more changed
    expect(card.profile.userAuth.triesLeft).toBe(0);
    // The signature PIN is independent.
    await sw(card, selectEf('001B'));
    expect(await sw(card, verifyApdu('ABC123'))).toBe('9000');
  });

  it('a right PIN restores the counter (persisted) and a wrong one clears verification', async () => {
    const persisted: number[] = [];
    const card = poweredCard(profile, { persist: async (p) => void persisted.push(p.userAuth.triesLeft) });
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0018'));
    expect(await sw(card, verifyApdu('1234'))).toBe('9000');
    expect(persisted).toEqual([]); // nothing changed: no write
    expect(await sw(card, verifyApdu('4321'))).toBe('63C2');
    expect(await sw(card, verifyApdu('1234'))).toBe('9000');
    expect(persisted).toEqual([2, 3]);
    expect(await sw(card, verifyApdu('4321'))).toBe('63C2');
    await sw(card, selectEf('0017'));
    expect(await sw(card, signApdu(digestInfo(Uint8Array.of(1))))).toBe('6982');
  });

  it('a PIN of the wrong length spends a try like any wrong PIN', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0018'));
    expect(await sw(card, verifyApdu('12345'))).toBe('63C2');
    expect(await sw(card, verifyApdu('123'))).toBe('63C1');
  });

  it('the signature PIN has 5 tries and compares bytes exactly', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('001B'));
    expect(await sw(card, verifyApdu('abc123'))).toBe('63C4');
    for (const expected of ['63C3', '63C2', '63C1', '63C0', '6984']) {
      expect(await sw(card, verifyApdu('ZZZ999'))).toBe(expected);
    }
  });

  it('after a successful VERIFY an empty VERIFY answers per retryCounterAfterVerify', async () => {
    const defaultCard = poweredCard();
    await login(defaultCard, '0018', '1234');
    expect(await sw(defaultCard, '00200080')).toBe('63C3');

    const okCard = poweredCard(await makeTestProfile({ retryCounterAfterVerify: '9000' }));
    await sw(okCard, SELECT_JPKI);
    await sw(okCard, selectEf('0018'));
    expect(await sw(okCard, '00200080')).toBe('63C3'); // not verified yet
    expect(await sw(okCard, verifyApdu('1234'))).toBe('9000');
    expect(await sw(okCard, '00200080')).toBe('9000');
    await sw(okCard, selectEf('001B'));
    expect(await sw(okCard, '00200080')).toBe('63C5'); // the other PIN is not verified
    await sw(okCard, SELECT_JPKI);
    await sw(okCard, selectEf('0018'));
    expect(await sw(okCard, '00200080')).toBe('63C3');
  });

  it('checks P1/P2, Le and the current EF', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    expect(await sw(card, verifyApdu('1234'))).toBe('6986'); // no current EF
    await sw(card, selectEf('000A'));
    expect(await sw(card, verifyApdu('1234'))).toBe('6986'); // not a PIN EF
    await sw(card, selectEf('0018'));
    expect(await sw(card, `0020008104${ascii('1234')}`)).toBe('6A86');
    expect(await sw(card, `0020010004${ascii('1234')}`)).toBe('6A86');
    expect(await sw(card, `0020008004${ascii('1234')}00`)).toBe('6700');
    expect(await sw(card, '0020008000')).toBe('6700');
    expect(await sw(card, '00200080')).toBe('63C3'); // none of the above spent a try
  });

  it('persists before answering and rejects (counter already spent) when persisting fails', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let answered = false;
    const card = poweredCard(profile, { persist: () => gate });
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0018'));
    const pending = card.transmit(fromHex(verifyApdu('0000'))).then((r) => ((answered = true), r));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toBe(false);
    release();
    expect(swHex(parseResponse(await pending).sw)).toBe('63C2');

    const failing = poweredCard(profile, { persist: async () => Promise.reject(new Error('disk full')) });
    await sw(failing, SELECT_JPKI);
    await sw(failing, selectEf('0018'));
    await expect(failing.transmit(fromHex(verifyApdu('0000')))).rejects.toThrow('disk full');
    expect(failing.profile.userAuth.triesLeft).toBe(2);
    // The card keeps working afterwards.
    expect(await sw(failing, '00200080')).toBe('63C2');
  });
});

describe('retry counters persist across restarts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jpki-card-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a card locked through persist stays locked when rebuilt from the saved file', async () => {
    const file = join(dir, 'locked.json');
    await saveProfile(file, profile);
    const card = poweredCard(await loadProfile(file), { persist: persistToFile(file) });
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0018'));
    for (const expected of ['63C2', '63C1', '63C0'])
      expect(await sw(card, verifyApdu('0000'))).toBe(expected);

    const restarted = poweredCard(await loadProfile(file));
    await sw(restarted, SELECT_JPKI);
    await sw(restarted, selectEf('0018'));
    expect(await sw(restarted, '00200080')).toBe('6984');
    expect(await sw(restarted, verifyApdu('1234'))).toBe('6984');
  });

  it('a partly spent counter and a changed PIN survive a restart', async () => {
    const file = join(dir, 'changed.json');
    await saveProfile(file, profile);
    const card = poweredCard(await loadProfile(file), { persist: persistToFile(file) });
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('001B'));
    expect(await sw(card, verifyApdu('WRONG1'))).toBe('63C4');
    await sw(card, selectEf('0018'));
    expect(await sw(card, verifyApdu('1234'))).toBe('9000');
    expect(await sw(card, `0024018004${ascii('8642')}`)).toBe('9000');

    const restarted = poweredCard(await loadProfile(file));
    await sw(restarted, SELECT_JPKI);
    await sw(restarted, selectEf('001B'));
    expect(await sw(restarted, '00200080')).toBe('63C4');
    await sw(restarted, selectEf('0018'));
    expect(await sw(restarted, verifyApdu('8642'))).toBe('9000');
  });
});

describe('CHANGE PIN', () => {
  it('needs a VERIFY of the selected PIN EF, then sets the new PIN', async () => {
    const persisted: string[] = [];
    const card = poweredCard(profile, { persist: async (p) => void persisted.push(p.userAuth.pin) });
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0018'));
    expect(await sw(card, `0024018004${ascii('5678')}`)).toBe('6982');
    expect(await sw(card, verifyApdu('1234'))).toBe('9000');
    expect(await sw(card, `0024018004${ascii('5678')}`)).toBe('9000');
    expect(persisted).toEqual(['5678']);
    expect(await sw(card, verifyApdu('1234'))).toBe('63C2');
    expect(await sw(card, verifyApdu('5678'))).toBe('9000');
  });

  it('a VERIFY of the other PIN does not allow it', async () => {
    const card = poweredCard();
    await login(card, '0018', '1234');
    await sw(card, selectEf('001B'));
    expect(await sw(card, `002401800A${ascii('NEWPIN1234')}`)).toBe('6982');
  });

  it('a failed write keeps the old PIN and answers 65 81', async () => {
    const card = poweredCard(profile, { persist: async () => Promise.reject(new Error('disk full')) });
    await login(card, '0018', '1234');
    expect(await sw(card, `0024018004${ascii('5678')}`)).toBe('6581');
    expect(card.profile.userAuth.pin).toBe('1234');
    await login(card, '0018', '1234');
  });

  it('refuses a new PIN that breaks the format rules', async () => {
    const card = poweredCard();
    await login(card, '0018', '1234');
    expect(await sw(card, `0024018005${ascii('12345')}`)).toBe('6A80');
    expect(await sw(card, `0024018004${ascii('12a4')}`)).toBe('6A80');
    await login(card, '001B', 'ABC123');
    expect(await sw(card, `0024018006${ascii('abc123')}`)).toBe('6A80');
    expect(await sw(card, `0024018006${ascii('ABCDEF')}`)).toBe('6A80');
    expect(await sw(card, `0024018006${ascii('XYZ789')}`)).toBe('9000');
    expect(card.profile.signature?.pin).toBe('XYZ789');
  });

  it('checks P1/P2, Lc and the current EF', async () => {
    const card = poweredCard();
    await login(card, '0018', '1234');
    expect(await sw(card, `0024008004${ascii('5678')}`)).toBe('6A86');
    expect(await sw(card, `0024018104${ascii('5678')}`)).toBe('6A86');
    expect(await sw(card, '00240180')).toBe('6700');
    expect(await sw(card, `0024018004${ascii('5678')}00`)).toBe('6700');
    await sw(card, selectEf('000A'));
    expect(await sw(card, `0024018004${ascii('5678')}`)).toBe('6986');
    expect(card.profile.userAuth.pin).toBe('1234');
  });
});

describe('SIGN', () => {
  const message = new TextEncoder().encode('HQ challenge 0123456789');

  it('signs a DigestInfo with the user-authentication key; the signature verifies with the certificate', async () => {
    const card = poweredCard();
    await login(card, '0018', '1234');
    expect(await sw(card, selectEf('0017'))).toBe('9000');
    const { data, sw: status } = await send(card, signApdu(digestInfo(message)));
    expect(status).toBe('9000');
    expect(data.length).toBe(256);
    const publicKey = new X509Certificate(der(profile.userAuth.certificate)).publicKey;
    expect(verify('sha256', message, publicKey, data)).toBe(true);
    expect(verify('sha256', Uint8Array.of(0), publicKey, data)).toBe(false);
  });

  it('signs with the signature key after VERIFY of 001B only', async () => {
    const card = poweredCard();
    await login(card, '0018', '1234');
    await sw(card, selectEf('001A'));
    expect(await sw(card, signApdu(digestInfo(message)))).toBe('6982');
    await login(card, '001B', 'ABC123');
    await sw(card, selectEf('001A'));
    const { data, sw: status } = await send(card, signApdu(digestInfo(message)));
    expect(status).toBe('9000');
    const publicKey = new X509Certificate(der(profile.signature?.certificate ?? '')).publicKey;
    expect(verify('sha256', message, publicKey, data)).toBe(true);
    // The user-authentication key needs its own PIN.
    await sw(card, selectEf('0017'));
    expect(await sw(card, signApdu(digestInfo(message)))).toBe('6982');
  });

  it('pads exactly the bytes sent (type 1) up to 245 bytes; 246 is 67 00', async () => {
    const card = poweredCard();
    await login(card, '0018', '1234');
    await sw(card, selectEf('0017'));
    const publicKey = new X509Certificate(der(profile.userAuth.certificate)).publicKey;
    for (const length of [1, 32, 245]) {
      const input = new Uint8Array(randomBytes(length));
      const { data, sw: status } = await send(card, signApdu(toHex(input)));
      expect(status, `length ${length}`).toBe('9000');
      const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, data);
      expect(toHex(recovered)).toBe(toHex(input));
      // Raw RSA shows the type-1 block: 00 01 FF… 00 ‖ input.
      const raw = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, data);
      expect(toHex(raw.subarray(0, 2))).toBe('0001');
      expect(toHex(raw.subarray(2, 256 - length - 1))).toBe('FF'.repeat(256 - length - 3));
    }
    expect(await sw(card, signApdu(toHex(new Uint8Array(246))))).toBe('6700');
  });

  it('checks P1/P2, Lc, Le, CLA and the current EF', async () => {
    const card = poweredCard();
    await login(card, '0018', '1234');
    const data = digestInfo(message);
    expect(await sw(card, signApdu(data))).toBe('6986'); // the PIN EF is selected, not a key
    await sw(card, selectEf('0017'));
    expect(await sw(card, `802A009E33${data}00`)).toBe('6A86');
    expect(await sw(card, `802A0180${'33'}${data}00`)).toBe('6A86');
    expect(await sw(card, '802A008000')).toBe('6700'); // no data
    expect(await sw(card, signApdu(data, '10'))).toBe('6700'); // Le too small for the signature
    expect(await sw(card, `002A008033${data}00`)).toBe('6E00'); // SIGN only under CLA 80
    expect((await send(card, `802A008033${data}`)).data.length).toBe(256); // no Le: allowed
  });

  it('answers 6F 00 rather than throwing when the key cannot be loaded', async () => {
    const broken = structuredClone(profile);
    broken.userAuth.privateKey = Buffer.from('not a key').toString('base64');
    const card = poweredCard(broken);
    await login(card, '0018', '1234');
    await sw(card, selectEf('0017'));
    expect(await sw(card, signApdu(digestInfo(message)))).toBe('6F00');
  });
});

describe('GET CHALLENGE', () => {
  it('returns Le random bytes', async () => {
    const card = poweredCard();
    const a = await send(card, '0084000008');
    const b = await send(card, '0084000008');
    expect(a.sw).toBe('9000');
    expect(a.data.length).toBe(8);
    expect(toHex(a.data)).not.toBe(toHex(b.data));
    expect((await send(card, '0084000000')).data.length).toBe(256);
  });

  it('checks P1/P2 and Le', async () => {
    const card = poweredCard();
    expect(await sw(card, '0084010008')).toBe('6A86');
    expect(await sw(card, '00840000')).toBe('6700');
    expect(await sw(card, '008400000101')).toBe('6700');
  });
});

describe('class, instruction and malformed APDUs', () => {
  it('answers 6D 00 / 6E 00', async () => {
    const card = poweredCard();
    expect(await sw(card, '00CA010000')).toBe('6D00'); // GET DATA: not supported
    expect(await sw(card, '00880000')).toBe('6D00'); // INTERNAL AUTHENTICATE: not supported
    expect(await sw(card, `8082009810${'00'.repeat(16)}`)).toBe('6E00'); // EXTERNAL AUTHENTICATE is ISO (CLA 00)
    expect(await sw(card, `802C029804${ascii('1234')}`)).toBe('6E00'); // so is RESET RETRY COUNTER
    expect(await sw(card, `01A4040C0A${JPKI_AID}`)).toBe('6E00'); // logical channel 1
    expect(await sw(card, `0CA4040C0A${JPKI_AID}`)).toBe('6E00'); // secure messaging
    expect(await sw(card, `80A4040C0A${JPKI_AID}`)).toBe('6E00'); // ISO command under CLA 80
    expect(await sw(card, 'FFCA000000')).toBe('6E00');
  });

  it('answers 67 00 to bytes that are no short APDU', async () => {
    const card = poweredCard();
    for (const bad of [
      '',
      '00',
      '00A4',
      '00A404',
      `00A4040C0AD392F0`,
      `00A4040C02${JPKI_AID}`,
      '00B00000000100',
    ]) {
      expect(await sw(card, bad), bad || '(empty)').toBe('6700');
    }
  });

  it('never throws and always answers a status word, whatever the bytes', async () => {
    const card = poweredCard();
    const inses = [0xa4, 0xb0, 0x20, 0x24, 0x2a, 0x84, 0x82, 0x2c, 0xca];
    for (let i = 0; i < 3000; i++) {
      const apdu = new Uint8Array(randomBytes(Math.floor(Math.random() * 270)));
      if (i % 2 === 0 && apdu.length >= 4) {
        // Half of them with a plausible header, so the handlers and not only the parser get fuzzed.
        apdu[0] = i % 4 === 0 ? 0x00 : 0x80;
        apdu[1] = inses[i % inses.length] ?? 0;
        if (apdu.length > 5) apdu[4] = Math.min(apdu.length - 5, apdu[4] ?? 0);
      }
      if (i % 50 === 0) await card.transmit(fromHex(SELECT_JPKI));
      const response = await card.transmit(apdu);
      expect(response.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('processes APDUs in order even when sent without waiting', async () => {
    const card = poweredCard();
    const answers = await Promise.all(
      [
        SELECT_JPKI,
        selectEf('0018'),
        verifyApdu('1234'),
        selectEf('0017'),
        signApdu(digestInfo(Uint8Array.of(9))),
      ].map((apdu) => card.transmit(fromHex(apdu))),
    );
    expect(answers.map((r) => swHex(parseResponse(r).sw))).toEqual(['9000', '9000', '9000', '9000', '9000']);
  });

  it('the constructor copies the profile: later edits of the caller do not change the card', async () => {
    const mine = structuredClone(profile);
    const card = poweredCard(mine);
    mine.userAuth.pin = '0000';
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0018'));
    expect(await sw(card, verifyApdu('1234'))).toBe('9000');
  });
});

// --- PIN reset -------------------------------------------------------------------------------------------

type Pin = 'userAuth' | 'signature';
const P2: Record<Pin, string> = { userAuth: '98', signature: '9B' };
const NEW_PIN: Record<Pin, string> = { userAuth: '8642', signature: 'NEW456XY' };
const OLD_PIN: Record<Pin, string> = { userAuth: '1234', signature: 'ABC123' };
const PIN_EF: Record<Pin, '0018' | '001B'> = { userAuth: '0018', signature: '001B' };
const lc = (data: string) => (data.length / 2).toString(16).padStart(2, '0').toUpperCase();
const externalAuthenticate = (p2: string, token: Uint8Array | string) => {
  const data = typeof token === 'string' ? token : toHex(token);
  return `008200${p2}${lc(data)}${data}`;
};
const resetRetryCounter = (p2: string, pin: string) => `002C02${p2}${lc(ascii(pin))}${ascii(pin)}`;

/** What HQ computes: the token for this card (its serial), this PIN and this nonce. */
function tokenFor(p: CardProfile, pin: Pin, nonce: Uint8Array): Uint8Array {
  return computePinResetToken(deriveCardManagementKey(TEST_CARD_MANAGEMENT_MASTER_KEY, p.serial), pin, nonce);
}

async function getChallenge(card: VirtualJpkiCard): Promise<Uint8Array> {
  const { data, sw: status } = await send(card, '0084000008');
  expect(status).toBe('9000');
  expect(data.length).toBe(8);
  return data;
}

/** SELECT AP, GET CHALLENGE, EXTERNAL AUTHENTICATE with the right token — expects 90 00. */
async function openReset(card: VirtualJpkiCard, pin: Pin, p: CardProfile = profile): Promise<void> {
  expect(await sw(card, SELECT_JPKI)).toBe('9000');
  const nonce = await getChallenge(card);
  expect(await sw(card, externalAuthenticate(P2[pin], tokenFor(p, pin, nonce)))).toBe('9000');
}

describe('PIN reset: EXTERNAL AUTHENTICATE', () => {
  for (const pin of ['userAuth', 'signature'] as const) {
    it(`a right token opens one reset of the ${pin} PIN: the new PIN replaces the old one`, async () => {
      const persisted: CardProfile[] = [];
      const card = poweredCard(profile, { persist: async (p) => void persisted.push(p) });
      await openReset(card, pin);
      expect(await sw(card, resetRetryCounter(P2[pin], NEW_PIN[pin]))).toBe('9000');
      expect(persisted.map((p) => p[pin]?.pin)).toEqual([NEW_PIN[pin]]);
      expect(await sw(card, selectEf(PIN_EF[pin]))).toBe('9000');
      expect(await sw(card, verifyApdu(OLD_PIN[pin]))).toMatch(/^63C/);
      expect(await sw(card, verifyApdu(NEW_PIN[pin]))).toBe('9000');
      // The other PIN is untouched.
      const other = pin === 'userAuth' ? 'signature' : 'userAuth';
      expect(card.profile[other]?.pin).toBe(OLD_PIN[other]);
    });
  }

  it('a wrong token is 69 82 and opens nothing', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    const otherKey = new Uint8Array(32).fill(1);
    const earlier = await getChallenge(card);
    const wrongTokens: Array<(nonce: Uint8Array) => Uint8Array> = [
      () => new Uint8Array(16),
      (nonce) => tokenFor(profile, 'signature', nonce), // for the other PIN EF
      (nonce) => computePinResetToken(otherKey, 'userAuth', nonce), // another card's key
      (nonce) => computePinResetToken(deriveCardManagementKey(otherKey, profile.serial), 'userAuth', nonce),
      () => tokenFor(profile, 'userAuth', earlier), // an older nonce
      (nonce) => tokenFor(profile, 'userAuth', nonce).map((b, i) => (i === 15 ? b ^ 1 : b)),
    ];
    for (const [i, wrong] of wrongTokens.entries()) {
      const nonce = await getChallenge(card);
      expect(await sw(card, externalAuthenticate('98', wrong(nonce))), `token ${i}`).toBe('6982');
      expect(await sw(card, resetRetryCounter('98', '8642')), `token ${i}`).toBe('6982');
    }
    expect(card.profile.userAuth.pin).toBe('1234');
  });

  it('needs a GET CHALLENGE first; only an 8-byte one counts, power loses it, SELECT AP does not', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    expect(await sw(card, externalAuthenticate('98', new Uint8Array(16)))).toBe('6982');

    const { data: long } = await send(card, '0084000010');
    expect(
      await sw(card, externalAuthenticate('98', tokenFor(profile, 'userAuth', long.subarray(0, 8)))),
    ).toBe('6982');

    let nonce = await getChallenge(card);
    card.powerOff();
    card.powerOn();
    await sw(card, SELECT_JPKI);
    expect(await sw(card, externalAuthenticate('98', tokenFor(profile, 'userAuth', nonce)))).toBe('6982');

    nonce = await getChallenge(card);
    card.reset();
    await sw(card, SELECT_JPKI);
    expect(await sw(card, externalAuthenticate('98', tokenFor(profile, 'userAuth', nonce)))).toBe('6982');

    nonce = await getChallenge(card);
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('000A'));
    expect(await sw(card, externalAuthenticate('98', tokenFor(profile, 'userAuth', nonce)))).toBe('9000');
  });

  it('a nonce is single use, whether the token was right or wrong; the last nonce counts', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    let nonce = await getChallenge(card);
    const token = tokenFor(profile, 'userAuth', nonce);
    expect(await sw(card, externalAuthenticate('98', token))).toBe('9000');
    expect(await sw(card, externalAuthenticate('98', token))).toBe('6982'); // replay
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('6982');

    nonce = await getChallenge(card);
    expect(await sw(card, externalAuthenticate('98', new Uint8Array(16)))).toBe('6982');
    expect(await sw(card, externalAuthenticate('98', tokenFor(profile, 'userAuth', nonce)))).toBe('6982');

    const first = await getChallenge(card);
    const second = await getChallenge(card);
    expect(await sw(card, externalAuthenticate('98', tokenFor(profile, 'userAuth', first)))).toBe('6982');
    const third = await getChallenge(card);
    await getChallenge(card); // superseded
    expect(await sw(card, externalAuthenticate('98', tokenFor(profile, 'userAuth', third)))).toBe('6982');
    const last = await getChallenge(card);
    expect(toHex(last)).not.toBe(toHex(second));
    expect(await sw(card, externalAuthenticate('98', tokenFor(profile, 'userAuth', last)))).toBe('9000');
  });

  it('checks P1/P2 and Lc before the token, without spending the nonce', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    const nonce = await getChallenge(card);
    const token = toHex(tokenFor(profile, 'userAuth', nonce));
    expect(await sw(card, `0082019810${token}`)).toBe('6A86');
    for (const p2 of ['18', '1B', '99', '80', '00', '0A']) {
      expect(await sw(card, externalAuthenticate(p2, token)), p2).toBe('6A86');
    }
    expect(await sw(card, externalAuthenticate('98', token.slice(2)))).toBe('6700'); // 15 bytes
    expect(await sw(card, externalAuthenticate('98', `${token}00`))).toBe('6700'); // 17 bytes
    expect(await sw(card, `0082009810${token}00`)).toBe('6700'); // Le
    expect(await sw(card, '00820098')).toBe('6700'); // no token
    expect(await sw(card, externalAuthenticate('98', token))).toBe('9000');
  });

  it('the JPKI AP must be selected (6A 82), without spending the nonce', async () => {
    const card = poweredCard();
    const nonce = await getChallenge(card);
    const token = tokenFor(profile, 'userAuth', nonce);
    expect(await sw(card, externalAuthenticate('98', token))).toBe('6A82'); // no AP after power on
    await sw(card, `00A4040C0A${CARD_TEXT_AID}`);
    expect(await sw(card, externalAuthenticate('98', token))).toBe('6A82');
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('6A82');
    await sw(card, SELECT_JPKI);
    expect(await sw(card, externalAuthenticate('98', token))).toBe('9000');
  });

  it('a card without signature PIN answers 6A 82 for P2 9B; its user-authentication PIN resets', async () => {
    const card = poweredCard(childProfile);
    await sw(card, SELECT_JPKI);
    const nonce = await getChallenge(card);
    expect(await sw(card, externalAuthenticate('9B', tokenFor(childProfile, 'signature', nonce)))).toBe(
      '6A82',
    );
    expect(await sw(card, resetRetryCounter('9B', 'NEW456XY'))).toBe('6A82');
    // The 6A 82 did not spend the nonce.
    expect(await sw(card, externalAuthenticate('98', tokenFor(childProfile, 'userAuth', nonce)))).toBe(
      '9000',
    );
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('9000');
    await sw(card, selectEf('0018'));
    expect(await sw(card, verifyApdu('8642'))).toBe('9000');
  });
});

describe('PIN reset: the opened reset lasts one command', () => {
  const interposed: Array<[string, string, string]> = [
    ['SELECT EF', selectEf('0018'), '9000'],
    ['a VERIFY without current EF', '00200080', '6986'],
    ['SIGN without a key EF', signApdu(digestInfo(Uint8Array.of(1))), '6986'],
    ['READ BINARY', '00B0000004', '6986'],
    ['GET CHALLENGE', '0084000008', '9000'],
    ['an unknown instruction', '00CA010000', '6D00'],
    ['an unknown class', 'FFCA000000', '6E00'],
    ['bytes that are no APDU', '00', '6700'],
    ['a failed EXTERNAL AUTHENTICATE', externalAuthenticate('98', new Uint8Array(16)), '6982'],
    ['a RESET RETRY COUNTER of the other PIN', resetRetryCounter('9B', 'NEW456XY'), '6982'],
    ['a RESET RETRY COUNTER with bad P1', `002C009804${ascii('8642')}`, '6A86'],
    ['a RESET RETRY COUNTER with a bad PIN', resetRetryCounter('98', '86420'), '6A80'],
  ];
  for (const [what, apdu, expected] of interposed) {
    it(`${what} (${expected}) closes it`, async () => {
      const persisted: CardProfile[] = [];
      const card = poweredCard(profile, { persist: async (p) => void persisted.push(p) });
      await openReset(card, 'userAuth');
      expect(await sw(card, apdu)).toBe(expected);
      expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('6982');
      expect(persisted).toEqual([]);
      expect(card.profile.userAuth.pin).toBe('1234');
    });
  }

  for (const [what, close] of [
    ['power off/on', (c: VirtualJpkiCard) => (c.powerOff(), c.powerOn())],
    ['reset', (c: VirtualJpkiCard) => c.reset()],
    ['SELECT AP', async (c: VirtualJpkiCard) => expect(await sw(c, SELECT_JPKI)).toBe('9000')],
  ] as const) {
    it(`${what} closes it`, async () => {
      const card = poweredCard();
      await openReset(card, 'userAuth');
      await close(card);
      // Right after power on no AP is selected (6A 82); once it is, the reset is gone (69 82).
      expect(await sw(card, resetRetryCounter('98', '8642'))).toBe(what === 'SELECT AP' ? '6982' : '6A82');
      await sw(card, SELECT_JPKI);
      expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('6982');
      expect(card.profile.userAuth.pin).toBe('1234');
    });
  }

  it('a reset of one PIN does not open the other', async () => {
    const card = poweredCard();
    await openReset(card, 'signature');
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('6982');
    await openReset(card, 'userAuth');
    expect(await sw(card, resetRetryCounter('9B', 'NEW456XY'))).toBe('6982');
    expect(card.profile.userAuth.pin).toBe('1234');
    expect(card.profile.signature?.pin).toBe('ABC123');
  });
});

describe('PIN reset: RESET RETRY COUNTER', () => {
  it('without EXTERNAL AUTHENTICATE: 69 82, even with the PIN verified', async () => {
    const card = poweredCard();
    await sw(card, SELECT_JPKI);
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('6982');
    await login(card, '0018', '1234');
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('6982');
    await login(card, '001B', 'ABC123');
    expect(await sw(card, resetRetryCounter('9B', 'NEW456XY'))).toBe('6982');
    expect(card.profile.userAuth.pin).toBe('1234');
  });

  const badPins: Record<Pin, string[]> = {
    userAuth: ['123', '12345', '12a4', 'abcd', ' 123', '１２３４'],
    signature: ['abc123', 'ABCDEF', '123456', 'ABC12', 'A1B2C3D4E5F6G7H8I', 'ABC 123', 'ÄBC123'],
  };
  for (const pin of ['userAuth', 'signature'] as const) {
    it(`a new ${pin} PIN that breaks the format is 6A 80; nothing changes and the reset is closed`, async () => {
      const persisted: CardProfile[] = [];
      const card = poweredCard(profile, { persist: async (p) => void persisted.push(p) });
      for (const bad of badPins[pin]) {
        await openReset(card, pin);
        const bytes = toHex(new TextEncoder().encode(bad));
        expect(await sw(card, `002C02${P2[pin]}${lc(bytes)}${bytes}`), bad).toBe('6A80');
        expect(await sw(card, resetRetryCounter(P2[pin], NEW_PIN[pin])), bad).toBe('6982');
      }
      // A non-ASCII byte can never pass, even where a lenient decoding would make it look right.
      await openReset(card, pin);
      expect(await sw(card, `002C02${P2[pin]}04${'B1B2B3B4'}`)).toBe('6A80');
      expect(persisted).toEqual([]);
      expect(card.profile[pin]?.pin).toBe(OLD_PIN[pin]);
    });
  }

  it('checks P1/P2 and Lc', async () => {
    const card = poweredCard();
    for (const apdu of [
      `002C009804${ascii('8642')}`,
      `002C039804${ascii('8642')}`,
      `002C029704${ascii('8642')}`,
      `002C021804${ascii('8642')}`,
    ]) {
      await openReset(card, 'userAuth');
      expect(await sw(card, apdu), apdu).toBe('6A86');
    }
    for (const apdu of ['002C0298', `002C029804${ascii('8642')}00`, '002C029800']) {
      await openReset(card, 'userAuth');
      expect(await sw(card, apdu), apdu).toBe('6700');
    }
    expect(card.profile.userAuth.pin).toBe('1234');
  });

  it('puts the counter back to 3 / 5 and persists PIN and counter together, once, before answering', async () => {
    const partly = await makeTestProfile({ userAuthTriesLeft: 1, signatureTriesLeft: 2 });
    const persisted: CardProfile[] = [];
    let release: () => void = () => {};
    let gate: Promise<void> = Promise.resolve();
    const card = poweredCard(partly, {
      persist: async (p) => {
        persisted.push(p);
        await gate;
      },
    });
    for (const pin of ['userAuth', 'signature'] as const) {
      await openReset(card, pin, partly);
      gate = new Promise<void>((resolve) => (release = resolve));
      let answered = false;
      const pending = card
        .transmit(fromHex(resetRetryCounter(P2[pin], NEW_PIN[pin])))
        .then((r) => ((answered = true), r));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(answered).toBe(false);
      // While the write is pending the card still holds the old PIN.
      expect(card.profile[pin]?.pin).toBe(OLD_PIN[pin]);
      release();
      expect(swHex(parseResponse(await pending).sw)).toBe('9000');
      gate = Promise.resolve();
    }
    expect(persisted.length).toBe(2);
    expect(persisted[0]?.userAuth).toMatchObject({ pin: '8642', triesLeft: 3 });
    expect(persisted[0]?.signature).toMatchObject({ pin: 'ABC123', triesLeft: 2 });
    expect(persisted[1]?.userAuth).toMatchObject({ pin: '8642', triesLeft: 3 });
    expect(persisted[1]?.signature).toMatchObject({ pin: 'NEW456XY', triesLeft: 5 });
    await sw(card, SELECT_JPKI);
    await sw(card, selectEf('0018'));
    expect(await sw(card, '00200080')).toBe('63C3');
    await sw(card, selectEf('001B'));
    expect(await sw(card, '00200080')).toBe('63C5');
  });

  it('a locked PIN becomes usable with the new PIN', async () => {
    const locked = await makeTestProfile({ userAuthTriesLeft: 0, signatureTriesLeft: 0 });
    const card = poweredCard(locked);
    const message = Uint8Array.of(1, 2, 3);
    for (const pin of ['userAuth', 'signature'] as const) {
      await sw(card, SELECT_JPKI);
      await sw(card, selectEf(PIN_EF[pin]));
      expect(await sw(card, verifyApdu(OLD_PIN[pin]))).toBe('6984');
      await openReset(card, pin, locked);
      expect(await sw(card, resetRetryCounter(P2[pin], NEW_PIN[pin]))).toBe('9000');
      await login(card, PIN_EF[pin], NEW_PIN[pin]);
      await sw(card, selectEf(pin === 'userAuth' ? '0017' : '001A'));
      const { data, sw: status } = await send(card, signApdu(digestInfo(message)));
      expect(status).toBe('9000');
      const certificate =
        pin === 'userAuth' ? locked.userAuth.certificate : (locked.signature?.certificate ?? '');
      expect(verify('sha256', message, new X509Certificate(der(certificate)).publicKey, data)).toBe(true);
    }
  });

  it('does not leave the PIN verified', async () => {
    const card = poweredCard();
    await openReset(card, 'userAuth');
    await sw(card, selectEf('0018'));
    expect(await sw(card, verifyApdu('1234'))).toBe('9000');
    const nonce = await getChallenge(card);
    expect(await sw(card, externalAuthenticate('98', tokenFor(profile, 'userAuth', nonce)))).toBe('9000');
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('9000');
    await sw(card, selectEf('0017'));
    expect(await sw(card, signApdu(digestInfo(Uint8Array.of(1))))).toBe('6982');
  });

  it('a failed write answers 65 81 and keeps the old PIN and counter; the card keeps working', async () => {
    const partly = await makeTestProfile({ userAuthTriesLeft: 1 });
    let failing = true;
    const card = poweredCard(partly, {
      persist: async () => {
        if (failing) throw new Error('disk full');
      },
    });
    await openReset(card, 'userAuth', partly);
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('6581');
    expect(card.profile.userAuth).toMatchObject({ pin: '1234', triesLeft: 1 });
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('6982'); // the reset is closed
    await sw(card, selectEf('0018'));
    expect(await sw(card, '00200080')).toBe('63C1');
    failing = false;
    await openReset(card, 'userAuth', partly);
    expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('9000');
    await login(card, '0018', '8642');
  });

  describe('on disk', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'jpki-reset-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function restarted(file: string): Promise<VirtualJpkiCard> {
      const card = poweredCard(await loadProfile(file));
      await sw(card, SELECT_JPKI);
      await sw(card, selectEf('0018'));
      return card;
    }

    it('the new PIN and full counter survive a restart', async () => {
      const file = join(dir, 'reset.json');
      const locked = await makeTestProfile({ userAuthTriesLeft: 0 });
      await saveProfile(file, locked);
      const card = poweredCard(await loadProfile(file), { persist: persistToFile(file) });
      await openReset(card, 'userAuth', locked);
      expect(await sw(card, resetRetryCounter('98', '8642'))).toBe('9000');
      const again = await restarted(file);
      expect(await sw(again, '00200080')).toBe('63C3');
      expect(await sw(again, verifyApdu('8642'))).toBe('9000');
    });

    it('power lost while writing leaves the old or the new PIN, each with its own counter', async () => {
      const locked = await makeTestProfile({ userAuthTriesLeft: 0 });
      // Power goes while the card writes; the write completes (new PIN) or never happens (old PIN).
      for (const writeCompletes of [true, false]) {
        const file = join(dir, `pulled-${writeCompletes}.json`);
        await saveProfile(file, locked);
        const card: VirtualJpkiCard = poweredCard(await loadProfile(file), {
          persist: async (p) => {
            card.powerOff();
            if (!writeCompletes) throw new Error('power lost before the write');
            await saveProfile(file, p);
          },
        });
        await openReset(card, 'userAuth', locked);
        await card.transmit(fromHex(resetRetryCounter('98', '8642')));
        const again = await restarted(file);
        if (writeCompletes) {
          expect(await sw(again, verifyApdu('8642'))).toBe('9000');
        } else {
          expect(await sw(again, '00200080')).toBe('6984');
          expect(await sw(again, verifyApdu('8642'))).toBe('6984');
        }
      }
    });
  });
});
