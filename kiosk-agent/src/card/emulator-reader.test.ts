import { beforeAll, describe, expect, it } from 'vitest';
import { KioskError } from '../errors';
import { fromHex, parseResponse, swHex, toHex } from './apdu';
import type { CardProfile } from './emulator/profile';
import { makeTestProfile } from './emulator/testing/test-keys';
import { JPKI_AID, VirtualJpkiCard } from './emulator/virtual-card';
import { EmulatorReader } from './emulator-reader';
import type { ReaderEvent } from './reader';

const SELECT_JPKI = fromHex(`00A4040C0A${JPKI_AID}`);

let profile: CardProfile;
beforeAll(async () => {
  profile = await makeTestProfile();
});

function readerWithCard(): { reader: EmulatorReader; card: VirtualJpkiCard } {
  const reader = new EmulatorReader();
  const card = new VirtualJpkiCard(profile);
  reader.insert(card);
  return { reader, card };
}

async function swOf(response: Promise<Uint8Array>): Promise<string> {
  return swHex(parseResponse(await response).sw);
}

function code(error: unknown): string | undefined {
  return error instanceof KioskError ? error.code : undefined;
}

describe('presence', () => {
  it('reports insertion and removal as events and in cardPresent', () => {
    const reader = new EmulatorReader({ name: 'Test reader' });
    expect(reader.name).toBe('Test reader');
    const events: ReaderEvent[] = [];
    const unsubscribe = reader.onEvent((event) => events.push(event));
    expect(reader.cardPresent).toBe(false);
    const card = new VirtualJpkiCard(profile);
    reader.insert(card);
    expect(reader.cardPresent).toBe(true);
    expect(reader.card).toBe(card);
    reader.remove();
    expect(reader.cardPresent).toBe(false);
    reader.remove(); // no card: nothing happens
    unsubscribe();
    reader.insert(card);
    expect(events).toEqual([{ type: 'present' }, { type: 'empty' }]);
  });

  it('refuses a second card', () => {
    const { reader } = readerWithCard();
    expect(() => reader.insert(new VirtualJpkiCard(profile))).toThrow('already');
  });

  it('takes a plain string as its name', () => {
    expect(new EmulatorReader('Virtual JPKI reader').name).toBe('Virtual JPKI reader');
  });

  it('a throwing listener does not stop the others or corrupt the state', () => {
    const reader = new EmulatorReader();
    const seen: string[] = [];
    reader.onEvent(() => {
      throw new Error('listener bug');
    });
    reader.onEvent((event) => seen.push(event.type));
    expect(() => reader.insert(new VirtualJpkiCard(profile))).toThrow('listener bug');
    expect(reader.cardPresent).toBe(true);
    expect(seen).toEqual(['present']);
  });
});

describe('connect / transmit / disconnect', () => {
  it('connect powers the card and returns its ATR; transmit forwards to the card', async () => {
    const { reader, card } = readerWithCard();
    expect(card.isPowered).toBe(false);
    const connection = await reader.connect();
    expect(card.isPowered).toBe(true);
    expect(toHex(connection.atr)).toBe('3BE000FF8131FE4514');
    expect(await swOf(connection.transmit(SELECT_JPKI))).toBe('9000');
    expect(await swOf(connection.transmit(fromHex('00A4020C02FFFF')))).toBe('6A82');
  });

  it('connect without a card is CARD_REMOVED', async () => {
    await expect(new EmulatorReader().connect()).rejects.toMatchObject({ code: 'CARD_REMOVED' });
  });

  it('is exclusive: a second connect fails until the first disconnects', async () => {
    const { reader } = readerWithCard();
    const first = await reader.connect();
    await expect(reader.connect()).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await first.disconnect();
    await first.disconnect(); // twice is safe
    await expect(first.transmit(SELECT_JPKI)).rejects.toMatchObject({ code: 'INVALID_STATE' });
    const second = await reader.connect();
    expect(await swOf(second.transmit(SELECT_JPKI))).toBe('9000');
  });

  it('disconnect powers the card off, so a new connection starts with no PIN verified', async () => {
    const { reader, card } = readerWithCard();
    const first = await reader.connect();
    for (const apdu of [`00A4040C0A${JPKI_AID}`, '00A4020C020018', '0020008004' + '31323334']) {
      expect(await swOf(first.transmit(fromHex(apdu)))).toBe('9000');
    }
    await first.disconnect();
    expect(card.isPowered).toBe(false);
    const second = await reader.connect();
    await second.transmit(SELECT_JPKI);
    await second.transmit(fromHex('00A4020C020017'));
    expect(await swOf(second.transmit(fromHex(`802A008033${'00'.repeat(0x33)}00`)))).toBe('6982');
  });

  it('close disconnects, reports unavailable, and refuses new connections', async () => {
    const { reader, card } = readerWithCard();
    const events: ReaderEvent[] = [];
    reader.onEvent((event) => events.push(event));
    await reader.connect();
    await reader.close();
    expect(card.isPowered).toBe(false);
    expect(events).toEqual([{ type: 'unavailable' }]);
    await expect(reader.connect()).rejects.toMatchObject({ code: 'READER_UNAVAILABLE' });
    await reader.close();
  });
});

describe('faults', () => {
  it('removal rejects a pending transmit with CARD_REMOVED', async () => {
    const { reader, card } = readerWithCard();
    const connection = await reader.connect();
    reader.setHung(true);
    const pending = connection.transmit(SELECT_JPKI, { timeoutMs: 5_000 });
    reader.remove();
    await expect(pending).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    expect(card.isPowered).toBe(false);
  });

  it('removal while the card is working (persisting) still loses the answer', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let persisting: () => void = () => {};
    const persistStarted = new Promise<void>((resolve) => (persisting = resolve));
    const reader = new EmulatorReader();
    const card = new VirtualJpkiCard(profile, {
      persist: () => {
        persisting();
        return gate;
      },
    });
    reader.insert(card);
    const connection = await reader.connect();
    await connection.transmit(SELECT_JPKI);
    await connection.transmit(fromHex('00A4020C020018'));
    const pending = connection.transmit(fromHex('002000800430303030'));
    await persistStarted; // the card has processed the VERIFY and is writing its counter
    reader.remove();
    release();
    await expect(pending).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    // The card did process it: the try is spent, as on a real card.
    expect(card.profile.userAuth.triesLeft).toBe(2);
  });

  it('an answer not yet delivered when the card is pulled is lost', async () => {
    const reader = new EmulatorReader();
    class PulledAsItAnswers extends VirtualJpkiCard {
      override transmit(apdu: Uint8Array): Promise<Uint8Array> {
        const answer = super.transmit(apdu);
        // Pulled right after answering: this reaction runs before the reader sees the answer.
        void answer.then(() => reader.remove());
        return answer;
      }
    }
    reader.insert(new PulledAsItAnswers(profile));
    const connection = await reader.connect();
    await expect(connection.transmit(SELECT_JPKI)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
  });

  it('a transmit after removal is CARD_REMOVED, even if the same card is back', async () => {
    const { reader, card } = readerWithCard();
    const connection = await reader.connect();
    reader.remove();
    await expect(connection.transmit(SELECT_JPKI)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    reader.insert(card);
    await expect(connection.transmit(SELECT_JPKI)).rejects.toMatchObject({ code: 'CARD_REMOVED' });
    const fresh = await reader.connect();
    expect(await swOf(fresh.transmit(SELECT_JPKI))).toBe('9000');
  });

  it('a hung card times out with CARD_TIMEOUT and works again once it answers', async () => {
    const { reader } = readerWithCard();
    const connection = await reader.connect();
    reader.setHung(true);
    const started = Date.now();
    const error = await connection.transmit(SELECT_JPKI, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(code(error)).toBe('CARD_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    reader.setHung(false);
    expect(await swOf(connection.transmit(SELECT_JPKI, { timeoutMs: 50 }))).toBe('9000');
  });

  it('uses the default timeout when transmit gives none', async () => {
    const reader = new EmulatorReader({ defaultTimeoutMs: 30 });
    reader.insert(new VirtualJpkiCard(profile));
    const connection = await reader.connect();
    reader.setHung(true);
    await expect(connection.transmit(SELECT_JPKI)).rejects.toMatchObject({ code: 'CARD_TIMEOUT' });
  });

  it('a response shorter than 2 bytes is CARD_UNREADABLE', async () => {
    class StutteringCard extends VirtualJpkiCard {
      override async transmit(): Promise<Uint8Array> {
        return Uint8Array.of(0x90);
      }
    }
    const reader = new EmulatorReader();
    reader.insert(new StutteringCard(profile));
    const connection = await reader.connect();
    await expect(connection.transmit(SELECT_JPKI)).rejects.toMatchObject({ code: 'CARD_UNREADABLE' });
  });

  it('a mute (unpowered) card is CARD_UNREADABLE', async () => {
    const { reader, card } = readerWithCard();
    const connection = await reader.connect();
    card.powerOff(); // e.g. a brown-out
    await expect(connection.transmit(SELECT_JPKI)).rejects.toMatchObject({ code: 'CARD_UNREADABLE' });
  });

  it('a card that fails internally (persist error) is CARD_UNREADABLE with the cause', async () => {
    const reader = new EmulatorReader();
    reader.insert(new VirtualJpkiCard(profile, { persist: () => Promise.reject(new Error('disk full')) }));
    const connection = await reader.connect();
    await connection.transmit(SELECT_JPKI);
    await connection.transmit(fromHex('00A4020C020018'));
    const error = await connection.transmit(fromHex('002000800430303030')).catch((e: unknown) => e);
    expect(code(error)).toBe('CARD_UNREADABLE');
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
