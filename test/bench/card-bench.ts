/**
 * `npm run bench:card`: APDU round trip through the agent's PcscReader (and the JPKI driver on top of it)
 * against raw `pcsclite`, on the same virtual card behind pcscd + vsmartcard-vpcd (slot 1, so the device
 * tests on slot 0 are not disturbed). The card runs in its own process, as a real card would be outside ours.
 * Paths alternate in short blocks so that drift (other processes, pcscd's 400 ms polling) hits both alike; the
 * overhead is the median over blocks of (agent block median / raw block median − 1).
 *
 *   npm run bench:card [-- N]     (N APDUs per measurement, default 500)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildCommand } from 'kiosk-agent/card/apdu';
import { makeTestProfile } from 'kiosk-agent/card/emulator/testing/test-keys';
import { JPKI_AID } from 'kiosk-agent/card/emulator/virtual-card';
import { JpkiCard } from 'kiosk-agent/card/jpki';
import { PcscReader } from 'kiosk-agent/card/pcsc';
import {
  loadPcsclite,
  SCARD_STATE,
  type NativeReader,
  type PcscliteFactory,
} from 'kiosk-agent/card/pcsc-native';
import type { CardConnection } from 'kiosk-agent/card/reader';
import { ChildCard } from '../devices/card-rigs';
import { ensurePcscStack } from '../devices/pcscd';

const N = Number(process.argv[2] ?? 500);
/** Many short alternating blocks: on two shared cores, drift between blocks dwarfs the reader's own cost. */
const BLOCKS = 25;
/**
 * Not counted: JIT warm-up. The agent is a long-running process whose APDU path is compiled after its first
 * sessions; without this, a 500-APDU run mostly measures V8's tiers (≈ +10 % instead of ≈ +2 %).
 */
const WARM_UP_BLOCKS = 10;
const WARM_UP_PER_BLOCK = 100;
const SLOT = 1;
const READER = 'Virtual PCD 00 01';

const apdu = (hex: string) => Buffer.from(hex, 'hex');
const SELECT_AP = buildCommand({ cla: 0, ins: 0xa4, p1: 4, p2: 0x0c, data: apdu(JPKI_AID) });
const SELECT_EF = buildCommand({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: Uint8Array.of(0x00, 0x0a) });
const READ_256 = buildCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 256 });

type Transmit = (command: Uint8Array) => Promise<Uint8Array>;

interface Session {
  transmit: Transmit;
  /** The JPKI driver over the same reader (agent path only). */
  jpki?: JpkiCard;
  end(): Promise<void>;
}

/** Raw pcsclite, the way its README uses it: the baseline. */
async function rawReader(factory: PcscliteFactory) {
  const context = factory();
  context.on('error', () => undefined);
  const readers: NativeReader[] = [];
  const firstStatus: Promise<void>[] = [];
  const target = await new Promise<NativeReader>((resolve) => {
    context.on('reader', (reader) => {
      readers.push(reader);
      reader.on('error', () => undefined);
      reader.on('end', () => undefined);
      let seen: () => void = () => {};
      firstStatus.push(new Promise((r) => (seen = r)));
      reader.on('status', (status) => {
        seen();
        if (reader.name === READER && (status.state & SCARD_STATE.PRESENT) !== 0) resolve(reader);
      });
    });
  });
  return {
    async session(): Promise<Session> {
      const protocol = await new Promise<number>((resolve, reject) =>
        target.connect(
          { share_mode: target.SCARD_SHARE_EXCLUSIVE, protocol: target.SCARD_PROTOCOL_T1 },
          (error, p) => (error ? reject(error) : resolve(p)),
        ),
      );
      const transmit: Transmit = (command) =>
        new Promise((resolve, reject) =>
          target.transmit(Buffer.from(command), 258, protocol, (error, response) =>
            error ? reject(error) : resolve(response),
          ),
        );
      return {
        transmit,
        end: () =>
          new Promise<void>((resolve, reject) =>
            target.disconnect(target.SCARD_UNPOWER_CARD, (error) => (error ? reject(error) : resolve())),
          ),
      };
    },
    async close() {
      // Same care as PcscReader: after the first status report, from a fresh macrotask.
      await Promise.all(firstStatus);
      await new Promise((resolve) => setImmediate(resolve));
      readers.forEach((reader) => reader.close());
      context.close();
    },
  };
}

async function agentReader() {
  const reader = await PcscReader.open({ reader: READER });
  if (!(await reader.whenPresence('present', 5_000))) throw new Error(`no card in ${READER}`);
  return {
    async session(): Promise<Session> {
      // The driver opens its own connection (and selects the AP); a bare connection measures the reader alone.
      const connection: CardConnection = await reader.connect();
      return {
        transmit: (command) => connection.transmit(command),
        end: () => connection.disconnect(),
      };
    },
    async jpki(): Promise<JpkiCard> {
      return JpkiCard.open(reader);
    },
    close: () => reader.close(),
  };
}

async function timeEach(count: number, run: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

function check(response: Uint8Array, length: number): void {
  if (response.length !== length || response[length - 2] !== 0x90) throw new Error('unexpected response');
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function p90(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))]!;
}

const setup = await ensurePcscStack();
console.log(setup);
const dir = await mkdtemp(path.join(os.tmpdir(), 'card-bench-'));
const profile = await makeTestProfile({ id: 'bench-card', serial: 'BENCH0001' });
const certificateLength = Buffer.from(profile.userAuth.certificate, 'base64').length;
const card = await ChildCard.start(profile, dir, SLOT);
const factory = await loadPcsclite();
const raw = await rawReader(factory);
const agent = await agentReader();

type Row = 'read' | 'select' | 'certificate';
const ROWS: Row[] = ['read', 'select', 'certificate'];
/** Per path and row: every sample, and each block's median (for the paired overhead). */
const results = {
  raw: {
    samples: { read: [], select: [], certificate: [] },
    blocks: { read: [], select: [], certificate: [] },
  },
  agent: {
    samples: { read: [], select: [], certificate: [] },
    blocks: { read: [], select: [], certificate: [] },
  },
} as Record<'raw' | 'agent', { samples: Record<Row, number[]>; blocks: Record<Row, number[]> }>;

/** The driver's readUserAuthCertificate, APDU for APDU, for the raw path. */
async function rawReadCertificate(transmit: Transmit): Promise<void> {
  check(await transmit(SELECT_EF), 2);
  await transmit(buildCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, le: 4 }));
  for (let offset = 4; offset < certificateLength; offset += 256) {
    const le = Math.min(256, certificateLength - offset);
    check(
      await transmit(buildCommand({ cla: 0, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, le })),
      le + 2,
    );
  }
}

const perBlock = Math.ceil(N / BLOCKS);
const certificatePerBlock = 2;
try {
  for (let block = -WARM_UP_BLOCKS; block < BLOCKS; block++) {
    // Which path goes first alternates too: the first block after a switch pays for the card's power-on.
    const order = block % 2 === 0 ? (['raw', 'agent'] as const) : (['agent', 'raw'] as const);
    for (const name of order) {
      const session = await (name === 'raw' ? raw : agent).session();
      check(await session.transmit(SELECT_AP), 2);
      check(await session.transmit(SELECT_EF), 2);
      const measured: Record<Row, number[]> = { read: [], select: [], certificate: [] };
      const count = block < 0 ? WARM_UP_PER_BLOCK : perBlock;
      measured.read = await timeEach(count, async () => check(await session.transmit(READ_256), 258));
      measured.select = await timeEach(count, async () => check(await session.transmit(SELECT_EF), 2));
      if (name === 'raw') {
        measured.certificate = await timeEach(block < 0 ? 10 : certificatePerBlock, () =>
          rawReadCertificate(session.transmit),
        );
        await session.end();
      } else {
        await session.end();
        const jpki = await agent.jpki();
        measured.certificate = await timeEach(block < 0 ? 10 : certificatePerBlock, () =>
          jpki.readUserAuthCertificate(),
        );
        await jpki.close();
      }
      if (block < 0) continue; // warm-up: JIT, caches
      for (const row of ROWS) {
        results[name].samples[row].push(...measured[row]);
        results[name].blocks[row].push(median(measured[row]));
      }
    }
  }
} finally {
  await agent.close();
  await raw.close();
  await card.kill();
  await rm(dir, { recursive: true, force: true });
}

const apdus = 2 + Math.ceil((certificateLength - 4) / 256);
const labels: Record<Row, string> = {
  read: 'READ BINARY 256 B',
  select: 'SELECT EF',
  certificate: `read certificate (${apdus} APDUs, JpkiCard)`,
};
const ms = (value: number) => `${value.toFixed(3)} ms`;
const cell = (samples: number[]) => `${ms(median(samples))} (${ms(p90(samples))})`.padEnd(24);
console.log(
  `\ncard round trip: median (p90); ${BLOCKS * perBlock} APDUs per APDU row, ` +
    `${BLOCKS * certificatePerBlock} certificate reads; ${BLOCKS} alternating blocks`,
);
console.log(`${'operation'.padEnd(40)}${'raw pcsclite'.padEnd(24)}${'agent'.padEnd(24)}overhead (paired)`);
for (const row of ROWS) {
  const ratios = results.agent.blocks[row].map(
    (agentBlock, i) => agentBlock / results.raw.blocks[row][i]! - 1,
  );
  const overhead = median(ratios) * 100;
  console.log(
    `${labels[row].padEnd(40)}${cell(results.raw.samples[row])}${cell(results.agent.samples[row])}` +
      `${overhead >= 0 ? '+' : ''}${overhead.toFixed(1)} %`,
  );
}
