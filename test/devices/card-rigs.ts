import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { EmulatorReader } from 'kiosk-agent/card/emulator-reader';
import { saveProfile } from 'kiosk-agent/card/emulator/profile-store';
import type { CardProfile } from 'kiosk-agent/card/emulator/profile';
import { VirtualJpkiCard } from 'kiosk-agent/card/emulator/virtual-card';
import { PcscReader } from 'kiosk-agent/card/pcsc';
import type { CardReader, ReaderEvent } from 'kiosk-agent/card/reader';
import { VpcdClient } from 'kiosk-agent/card/vpcd/client';
import { ROOT } from './pcscd';

/**
 * The same card scenarios on two readers: the in-process EmulatorReader, and PcscReader over the real pcscd
 * with the virtual card behind vsmartcard-vpcd. Every wait is for a reader event, never a fixed sleep.
 */

/** vpcd slot 0 (port 35963); the card benchmark uses slot 1, so the two can run side by side. */
export const TEST_SLOT = 0;
export const TEST_READER = 'Virtual PCD 00 00';
const PRESENCE_TIMEOUT_MS = 5_000;

/** A card that can be frozen (it stops answering, like a hung chip) and then pulled for good. */
export interface HangableCard {
  hang(): void;
  /** Pulls the hung card out (for PC/SC: kills the card process, which frees the vpcd slot). */
  kill(): Promise<void>;
}

export interface CardRig {
  readonly reader: CardReader;
  /** Puts the card in the reader and waits until the reader reports it. */
  insert(card: VirtualJpkiCard): Promise<void>;
  /** Inserts a card that can be made to hang. */
  insertHangable(profile: CardProfile, dir: string): Promise<HangableCard>;
  /** Pulls the card now without waiting (callable from inside the card's own transmit). */
  pull(): void;
  /** Waits until the reader reports no card. */
  waitEmpty(): Promise<void>;
  close(): Promise<void>;
}

async function expectPresence(reader: PcscReader, wanted: ReaderEvent['type']): Promise<void> {
  if (!(await reader.whenPresence(wanted, PRESENCE_TIMEOUT_MS))) {
    throw new Error(`reader still ${reader.presence} after ${PRESENCE_TIMEOUT_MS} ms (wanted ${wanted})`);
  }
}

export function emulatorRig(): Promise<CardRig> {
  const reader = new EmulatorReader();
  return Promise.resolve({
    reader,
    async insert(card) {
      reader.setHung(false);
      reader.insert(card);
    },
    async insertHangable(profile) {
      reader.insert(new VirtualJpkiCard(profile));
      return {
        hang: () => reader.setHung(true),
        kill: async () => {
          reader.remove();
          reader.setHung(false);
        },
      };
    },
    pull: () => reader.remove(),
    waitEmpty: async () => {
      if (reader.cardPresent) throw new Error('the emulator still holds a card');
    },
    close: () => reader.close(),
  });
}

export async function pcscRig(): Promise<CardRig & { reader: PcscReader }> {
  // Quick back-off: the restart tests wait for the reader to find pcscd again.
  const reader = await PcscReader.open({ reader: TEST_READER, retryDelayMs: { min: 50, max: 500 } });
  let client: VpcdClient | undefined;
  const children = new Set<ChildCard>();
  const rig = {
    reader,
    async insert(card: VirtualJpkiCard) {
      client = VpcdClient.forCard(card, { slot: TEST_SLOT });
      client.start();
      await expectPresence(reader, 'present');
    },
    async insertHangable(profile: CardProfile, dir: string) {
      const child = await ChildCard.start(profile, dir);
      children.add(child);
      await expectPresence(reader, 'present');
      return {
        hang: () => child.freeze(),
        kill: async () => {
          await child.kill();
          children.delete(child);
        },
      };
    },
    pull() {
      void client?.stop();
      client = undefined;
    },
    waitEmpty: () => expectPresence(reader, 'empty'),
    async close() {
      await client?.stop();
      await Promise.all([...children].map((child) => child.kill()));
      await reader.close();
    },
  };
  return rig;
}

/** The `vcard` CLI in its own process: the only way to get a card that truly stops answering (SIGSTOP). */
export class ChildCard {
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(profile: CardProfile, dir: string, slot = TEST_SLOT): Promise<ChildCard> {
    const file = path.join(dir, `${profile.id}.json`);
    await saveProfile(file, profile);
    const cli = path.join(ROOT, 'kiosk-agent', 'src', 'card', 'vpcd', 'cli.ts');
    // `node --import tsx`, not the tsx binary: one process, so the signals reach the card itself.
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--card', file, '--slot', String(slot)], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    return new ChildCard(child);
  }

  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** A VirtualJpkiCard that, at its n-th command (1-based), calls `trip` and never answers that command. */
export class TrippingCard extends VirtualJpkiCard {
  private count = 0;
  trip: () => void = () => {};

  constructor(
    profile: CardProfile,
    private readonly tripAt: number,
  ) {
    super(profile);
  }

  override transmit(apdu: Uint8Array): Promise<Uint8Array> {
    this.count += 1;
    if (this.count === this.tripAt) {
      this.trip();
      return new Promise(() => {});
    }
    return super.transmit(apdu);
  }
}

/** Records a reader's events from now on; waitFor resolves on the next matching one not yet consumed. */
export function recordEvents(reader: CardReader) {
  const events: ReaderEvent['type'][] = [];
  let cursor = 0;
  const waiters = new Set<() => void>();
  const stop = reader.onEvent((event) => {
    events.push(event.type);
    for (const wake of [...waiters]) wake();
  });
  return {
    events,
    stop,
    /** Waits for `type` after the events already consumed by earlier waits. */
    waitFor(type: ReaderEvent['type'], timeoutMs = 15_000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const index = events.indexOf(type, cursor);
          if (index === -1) return false;
          cursor = index + 1;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no '${type}' event within ${timeoutMs} ms (saw: ${events.join(', ')})`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
  };
}
