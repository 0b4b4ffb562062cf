import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from 'hq-gateway/server';
import { openAllDay } from '../support/system';
import type { IntentAck, ScreenState } from 'kiosk-agent/protocol/index';
import { demoEnrollmentCode, enrollDemoKiosk } from '../../deploy/src/local/demo-enrollment';
import { DEMO_STAFF_CODE, ensureDemoData } from '../../deploy/src/local/seed';
import { devApi } from '../support/dev-api';
import { connectKiosk } from '../support/kiosk-socket';
import { uiToken } from '../support/ui';

/**
 * The real kiosk agent, as a child process, SIGKILLed right after each journal record of a 2-copy job,
 * then restarted: whatever the step, no serial is printed twice, every copy HQ counts as printed is in the
 * tray exactly once, paid copies are printed or refunded, and the journal ends with the job closed. A refund
 * is owed (the customer has gone: no coins): the restarted agent lists it in staff mode, and staff settle it.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;
let dataDir: string;
let gateway: RunningGateway;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'agent-kill-'));
  dataDir = path.join(dir, 'data');
  const seeded = await ensureDemoData(dataDir);
  gateway = await startGateway({ dataDir, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  await openAllDay(gateway.db);
  // The agent talks mutual TLS to HQ: the demo kiosk enrols first, as `npm start` has it do.
  const code = seeded.enrollmentCode ?? (await demoEnrollmentCode(dataDir, gateway.db));
  if (code) await enrollDemoKiosk(dataDir, gateway.url, code);
});
afterAll(async () => {
  await gateway?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts the agent; resolves with its URL once it listens (recovery of open jobs runs before that). */
function startAgent(outputDir: string, killAfter?: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'kiosk-agent/src/main.ts',
      '--data',
      dataDir,
      '--output',
      outputDir,
      '--port',
      '0',
      '--hq',
      gateway.url,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, KIOSK_TEST_KILL_AFTER_JOURNAL_APPEND: killAfter ? String(killAfter) : '' },
    },
  );
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /"event":"agent.started","url":"([^"]+)"/.exec(buffered);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once('exit', (code, signal) => reject(new Error(`agent exited early (${signal ?? code})`)));
  });
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

/** Drives a 2-copy 住民票 through the UI socket until the agent dies (or finishes). */
async function orderTwoCopies(url: string, child: ChildProcess): Promise<void> {
  const token = await uiToken(url);
  const socket = io(url, { auth: { token }, transports: ['websocket'], reconnection: false });
  let state: ScreenState | undefined;
  socket.on('state', (next) => (state = next));
  const send = (intent: unknown) =>
    new Promise<IntentAck | undefined>((resolve) => {
      socket.emit('intent', intent, resolve);
      child.once('exit', () => resolve(undefined));
    });
  const reach = (screen: string) => expect.poll(() => state?.screen, { timeout: 15_000 }).toBe(screen);
  const dev = devApi(url);
  const taro = (await dev.cards()).find((c) => c.id === 'demo-taro')!;
  await reach('idle');
  await send({ type: 'start' });
  await send({ type: 'selectIssuance' });
  await dev.insert('demo-taro');
  await reach('pin');
  await send({ type: 'submitPin', pin: taro.pins.userAuth });
  await reach('chooseCertificate');
  await send({ type: 'selectCertificate', certificate: 'juminhyo' });
  await reach('options');
  await send({ type: 'setCopies', copies: 2 });
  await send({ type: 'confirm' });
  await reach('payment');
  await dev.insertMoney(1000);
  await reach('removeCard');
  await dev.remove();
  await Promise.race([exited(child), reach('takeCertificate')]);
  socket.close();
}

interface Written {
  type: string;
  jobId?: string;
  copyIndexes?: number[];
  refundId?: string;
  amountYen?: number;
  staffCodeId?: string;
}

/** Journal records as written (each line: CRC, space, JSON). */
async function journalRecords(): Promise<Written[]> {
  const text = await readFile(path.join(dataDir, 'kiosk', 'journal', 'print-jobs.journal'), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line.slice(line.indexOf(' ') + 1)) as Written);
}

/** What the demo kiosk last reported to HQ about owed refunds (the only terminal on this HQ). */
async function owedAtHq(): Promise<unknown> {
  const rows = await gateway.db.query<{ owed: unknown }>(
    "SELECT status->'owedRefunds' AS owed FROM terminal_status",
  );
  return rows[0]?.owed;
}

/** In staff mode on the restarted agent: the owed refund is listed with its amount, and staff settle it. */
async function settleInStaffMode(url: string, refundId: string, amountYen: number): Promise<void> {
  const kiosk = await connectKiosk(url);
  try {
    await kiosk.reach('idle');
    await kiosk.send({ type: 'enterStaffMode' });
    await kiosk.send({ type: 'staffLogin', code: DEMO_STAFF_CODE });
    const menu = await kiosk.reach('staffMenu');
    expect(menu.owedRefunds.count).toBeGreaterThanOrEqual(1);
    // HQ sees it too (amounts and times only), from the restarted agent's status report.
    await expect.poll(owedAtHq, { timeout: 15_000 }).toMatchObject({ count: 1, totalYen: amountYen });
    await kiosk.send({ type: 'showOwedRefunds' });
    const list = await kiosk.reach('staffOwedRefunds');
    expect(list.refunds).toContainEqual({ refundId, amountYen, owedAt: expect.any(String) });
    await kiosk.send({ type: 'settleOwedRefund', refundId });
    expect(kiosk.state).toMatchObject({ screen: 'staffOwedRefunds', lastSettled: { amountYen } });
    expect((kiosk.state as typeof list).refunds.map((r) => r.refundId)).not.toContain(refundId);
    await expect(kiosk.send({ type: 'settleOwedRefund', refundId })).rejects.toThrow(
      'REFUND_ALREADY_SETTLED',
    );
    await expect.poll(owedAtHq, { timeout: 15_000 }).toEqual({ count: 0, totalYen: 0, oldestAt: null });
  } finally {
    kiosk.close();
  }
}

describe('the agent killed at every journal step of a 2-copy job', () => {
  // job.opened, job.paid, then per copy printing/printed/reported, then job.closed: 9 records.
  for (let step = 1; step <= 9; step++) {
    it(`killed after record ${step}: finished or settled exactly once after a restart`, async () => {
      const output = path.join(dir, `output-${step}`);
      const first = await startAgent(output, step);
      await orderTwoCopies(first.url, first.child);
      await exited(first.child);
      expect(first.child.signalCode).toBe('SIGKILL');

      // Restart: recovery settles the open job before the agent listens again.
      const second = await startAgent(output);
      const owed = (await journalRecords()).filter((r) => r.type === 'refund.owed');
      const jobOf = (await journalRecords()).find((r) => r.type === 'job.opened')?.jobId;
      const owedNow = owed.find((r) => r.jobId === jobOf);
      if (owedNow) await settleInStaffMode(second.url, owedNow.refundId!, owedNow.amountYen!);
      second.child.kill('SIGTERM');
      await exited(second.child);

      const [issuance] = await gateway.db.query<{ id: string }>(
        'SELECT id FROM issuances ORDER BY created_at DESC LIMIT 1',
      );
      const copies = await gateway.db.query<{ serial: string; status: string }>(
        'SELECT serial, status FROM issuance_copies WHERE issuance_id = $1',
        [issuance!.id],
      );
      const files = await readdir(output).catch(() => [] as string[]);
      const pagesOf = (serial: string) => files.filter((file) => file.includes(serial)).length;
      for (const copy of copies) expect(pagesOf(copy.serial), copy.serial).toBeLessThanOrEqual(1);
      const printed = copies.filter((c) => c.status === 'printed');
      for (const copy of printed) expect(pagesOf(copy.serial), copy.serial).toBe(1);

      const records = await journalRecords();
      const jobId = records.find((r) => r.type === 'job.opened')?.jobId;
      if (!jobId) {
        // Killed after the job closed: the restart compacted it away; both copies were printed.
        expect(step).toBe(9);
        expect(printed).toHaveLength(2);
        return;
      }
      const mine = records.filter((r) => r.jobId === jobId);
      expect(mine.some((r) => r.type === 'job.closed')).toBe(true);
      const refunded = mine.filter((r) => r.type === 'job.refunded').flatMap((r) => r.copyIndexes ?? []);
      // Paid from record 2 on: every paid copy is printed or refunded, never both, never lost.
      if (step >= 2) expect(printed.length + refunded.length).toBe(2);
      // What was refunded is owed once (nothing paid, nothing owed), and staff settled it.
      const owedForJob = mine.filter((r) => r.type === 'refund.owed');
      expect(owedForJob.map((r) => r.amountYen)).toEqual(refunded.length > 0 ? [refunded.length * 300] : []);
      expect(owedNow?.refundId).toBe(owedForJob[0]?.refundId);
      const settled = records.filter((r) => r.type === 'refund.settled' && r.refundId === owedNow?.refundId);
      expect(settled).toHaveLength(owedNow ? 1 : 0);
      expect(settled[0]?.staffCodeId ?? '').not.toContain(DEMO_STAFF_CODE);
    });
  }
});
