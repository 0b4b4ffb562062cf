import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import sharp from 'sharp';
import { KioskError } from '../errors';
import { PrinterClearRequest, PrinterFaultRequest } from './faults';
import { PrintInterrupted, type PrinterStatus } from './printer';
import { SimulatedPrinter } from './simulated';

/** The smallest valid PNG (1×1 grey), tagged so pages can be told apart. */
function png(tag: number): Buffer {
  const base = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABc3UWCgAAAABJRU5ErkJggg==',
    'base64',
  );
  return Buffer.concat([base, Buffer.from([tag])]);
}

const FILE = /^\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}Z-[\w.-]+\.png$/;

describe('SimulatedPrinter', () => {
  let dir: string;
  let out: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiosk-printer-'));
    out = join(dir, 'nested', 'output'); // created on first print
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function record(printer: SimulatedPrinter): PrinterStatus[] {
    const events: PrinterStatus[] = [];
    printer.onStatus((s) => events.push(s));
    return events;
  }

  it('writes each page as a PNG file and reports page progress', async () => {
    const printer = new SimulatedPrinter(out, { now: () => new Date('2026-11-22T10:30:00.000Z') });
    const events = record(printer);
    expect(printer.status()).toEqual({ state: 'idle' });

    const result = await printer.print({
      jobId: 'job-1',
      pages: [
        { png: png(1), label: 'JMH-1-p1' },
        { png: png(2), label: 'JMH-1-p2' },
      ],
    });

    expect(result).toEqual({ jobId: 'job-1', pagesPrinted: 2 });
    expect(events).toEqual([
      { state: 'printing', page: 1, pages: 2 },
      { state: 'printing', page: 2, pages: 2 },
      { state: 'idle' },
    ]);
    const files = await readdir(out);
    // Same clock reading for both pages, yet distinct, ordered names; no temp files left.
    expect(files.sort()).toEqual([
      '2026-11-22T103000.000Z-job-1-JMH-1-p1.png',
      '2026-11-22T103000.001Z-job-1-JMH-1-p2.png',
    ]);
    expect(await readFile(join(out, files[1]!))).toEqual(png(2));
  });

  it('lists prints oldest first with sizes and times', async () => {
    const printer = new SimulatedPrinter(out);
    expect(await printer.listPrints()).toEqual([]); // folder not there yet
    await printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] });
    await printer.print({
      jobId: 'b',
      pages: [
        { png: png(2), label: 'p1' },
        { png: png(3), label: 'p2' },
      ],
    });
    await writeFile(join(out, 'notes.txt'), 'not a print');

    const prints = await printer.listPrints();
    expect(prints.map((p) => p.file.replace(/^.*Z-/, ''))).toEqual(['a-p1.png', 'b-p1.png', 'b-p2.png']);
    for (const p of prints) {
      expect(p.file).toMatch(FILE);
      expect(p.bytes).toBe(png(0).length);
      expect(Date.parse(p.createdAt)).not.toBeNaN();
      expect(new Date(p.createdAt).toISOString()).toBe(p.createdAt);
    }
  });

  it('clears its own files only', async () => {
    const printer = new SimulatedPrinter(out);
    await printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] });
    await writeFile(join(out, 'keep.txt'), 'x');
    await writeFile(join(out, '.printing-deadbeef.tmp'), 'half a page');
    await printer.clearOutput();
    expect(await printer.listPrints()).toEqual([]);
    expect(await readdir(out)).toEqual(['keep.txt']);
  });

  it('keeps file names safe whatever the label', async () => {
    const printer = new SimulatedPrinter(out);
    await printer.print({ jobId: '../../etc', pages: [{ png: png(1), label: '../p 1/äö' }] });
    const files = await readdir(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(FILE);
    expect(files[0]).not.toContain('/');
  });

  it('runs concurrent jobs one after the other', async () => {
    const printer = new SimulatedPrinter(out, { pageDelayMs: 5 });
    const events = record(printer);
    const pages = (n: number) => Array.from({ length: n }, (_, i) => ({ png: png(i), label: `p${i + 1}` }));
    await Promise.all([
      printer.print({ jobId: 'a', pages: pages(2) }),
      printer.print({ jobId: 'b', pages: pages(2) }),
    ]);
    const names = (await printer.listPrints()).map((p) => p.file.replace(/^.*Z-/, ''));
    expect(names).toEqual(['a-p1.png', 'a-p2.png', 'b-p1.png', 'b-p2.png']);
    expect(events.filter((e) => e.state === 'printing')).toHaveLength(4);
    expect(events.at(-1)).toEqual({ state: 'idle' });
  });

  it('refuses to print while faulted, and prints again once cleared', async () => {
    const printer = new SimulatedPrinter(out);
    const events = record(printer);
    printer.injectFault({ state: 'paperOut' });
    expect(printer.status()).toEqual({ state: 'paperOut' });
    const failure = printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] });
    await expect(failure).rejects.toBeInstanceOf(PrintInterrupted);
    await expect(failure).rejects.toMatchObject({
      code: 'PRINTER_FAILED',
      action: 'staff',
      pagesPrinted: 0,
      pages: 1,
      fault: { state: 'paperOut' },
    });
    expect(await printer.listPrints()).toEqual([]);

    printer.clearFault();
    await printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] });
    expect(events.map((e) => e.state)).toEqual(['paperOut', 'idle', 'printing', 'idle']);
  });

  it('jams at the injected page: the pages before are printed, that page is spoiled', async () => {
    const printer = new SimulatedPrinter(out);
    const events = record(printer);
    printer.injectFault({ state: 'jam', where: 'fuser' }, { atPage: 2 });
    expect(printer.status()).toEqual({ state: 'idle' }); // not yet
    const job = { jobId: 'a', pages: [1, 2, 3].map((i) => ({ png: png(i), label: `p${i}` })) };
    const error = await printer.print(job).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PrintInterrupted);
    expect(error).toBeInstanceOf(KioskError);
    expect(error).toMatchObject({
      code: 'PRINTER_FAILED',
      jobId: 'a',
      pages: 3,
      pagesPrinted: 1,
      fault: { state: 'jam', where: 'fuser' },
    });
    expect((error as Error).message).toMatch(
      /PRINTER_FAILED: .*jam \(fuser\) at page 2 of 3 \(job a, 1 printed\)/,
    );
    expect(events).toEqual([
      { state: 'printing', page: 1, pages: 3 },
      { state: 'printing', page: 2, pages: 3 },
      { state: 'jam', where: 'fuser' },
    ]);
    expect(printer.status()).toEqual({ state: 'jam', where: 'fuser' });
    expect((await printer.listPrints()).map((p) => p.file.replace(/^.*Z-/, ''))).toEqual(['a-p1.png']);

    // Jobs queued behind it fail at once, nothing printed.
    await expect(printer.print({ jobId: 'b', pages: [{ png: png(1), label: 'p1' }] })).rejects.toMatchObject({
      pagesPrinted: 0,
      fault: { state: 'jam' },
    });

    // Staff clear the jam; the copy is printed again in full.
    printer.clearFault();
    expect(printer.status()).toEqual({ state: 'idle' });
    await expect(printer.print(job)).resolves.toEqual({ jobId: 'a', pagesPrinted: 3 });
    expect(await printer.listPrints()).toHaveLength(4);
  });

  it('keeps the old afterPages option as atPage - 1', async () => {
    const printer = new SimulatedPrinter(out);
    printer.injectFault({ state: 'jam', where: 'fuser' }, { afterPages: 1 });
    const job = { jobId: 'a', pages: [1, 2, 3].map((i) => ({ png: png(i), label: `p${i}` })) };
    await expect(printer.print(job)).rejects.toMatchObject({ pagesPrinted: 1 });
    expect(await printer.listPrints()).toHaveLength(1);
  });

  it('counts the fault page across jobs, or only within the given job', async () => {
    const printer = new SimulatedPrinter(out);
    const two = (jobId: string) => ({
      jobId,
      pages: [png(1), png(2)].map((p, i) => ({ png: p, label: `p${i + 1}` })),
    });

    printer.injectFault({ state: 'coverOpen' }, { atPage: 3 });
    await expect(printer.print(two('a'))).resolves.toEqual({ jobId: 'a', pagesPrinted: 2 });
    await expect(printer.print(two('b'))).rejects.toMatchObject({
      pagesPrinted: 0,
      fault: { state: 'coverOpen' },
    });
    printer.clearFault();

    printer.injectFault({ state: 'jam', where: 'tray 1' }, { atPage: 2, jobId: 'd' });
    await expect(printer.print(two('c'))).resolves.toMatchObject({ pagesPrinted: 2 });
    await expect(printer.print(two('d'))).rejects.toMatchObject({
      pagesPrinted: 1,
      fault: { where: 'tray 1' },
    });
  });

  it('stops a running job at its current page when a fault is injected now', async () => {
    const printer = new SimulatedPrinter(out, { pageDelayMs: 20 });
    printer.onStatus((s) => {
      if (s.state === 'printing' && s.page === 2) printer.injectFault({ state: 'offline' });
    });
    const job = { jobId: 'a', pages: [1, 2, 3].map((i) => ({ png: png(i), label: `p${i}` })) };
    await expect(printer.print(job)).rejects.toMatchObject({ pagesPrinted: 1, fault: { state: 'offline' } });
    expect(await printer.listPrints()).toHaveLength(1);
    expect(printer.status()).toEqual({ state: 'offline' });
    printer.clearFault();
    expect(printer.status()).toEqual({ state: 'idle' });
  });

  it('uses paper: warns when low, stops when out, and refills', async () => {
    const printer = new SimulatedPrinter(out, { paperCapacity: 5, paperLowAt: 2 });
    const events = record(printer);
    const pages = (jobId: string, n: number) => ({
      jobId,
      pages: Array.from({ length: n }, (_, i) => ({ png: png(i), label: `p${i + 1}` })),
    });
    await printer.print(pages('a', 3));
    expect(printer.paper).toBe(2);
    expect(printer.status()).toEqual({ state: 'idle', warnings: ['paperLow'] });

    await expect(printer.print(pages('b', 3))).rejects.toMatchObject({
      pagesPrinted: 2,
      pages: 3,
      fault: { state: 'paperOut' },
    });
    expect(events.slice(-4)).toEqual([
      { state: 'idle', warnings: ['paperLow'] },
      { state: 'printing', page: 1, pages: 3, warnings: ['paperLow'] },
      { state: 'printing', page: 2, pages: 3, warnings: ['paperLow'] },
      { state: 'paperOut' }, // no sheet for page 3
    ]);
    expect(printer.paper).toBe(0);

    printer.refillPaper(3);
    expect(printer.status()).toEqual({ state: 'idle' });
    await printer.print(pages('c', 3)); // the tray is empty after the last sheet: paper out, job done
    expect(printer.status()).toEqual({ state: 'paperOut' });

    printer.clearFault({ refillPaper: false });
    expect(printer.status()).toEqual({ state: 'paperOut' }); // still no paper
    printer.clearFault(); // staff put paper in
    expect(printer.paper).toBe(5);
    expect(printer.status()).toEqual({ state: 'idle' });
    expect(() => printer.refillPaper(-1)).toThrow(RangeError);
  });

  it('reports low toner as a warning while idle and printing', async () => {
    const printer = new SimulatedPrinter(out);
    const events = record(printer);
    printer.setTonerLow(true);
    await printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] });
    printer.setTonerLow(false);
    expect(events).toEqual([
      { state: 'idle', warnings: ['tonerLow'] },
      { state: 'printing', page: 1, pages: 1, warnings: ['tonerLow'] },
      { state: 'idle', warnings: ['tonerLow'] },
      { state: 'idle' },
    ]);
  });

  it('takes faults from a validated dev API body', async () => {
    const printer = new SimulatedPrinter(out);
    printer.injectFaultRequest(PrinterFaultRequest.parse({ kind: 'jam', atPage: 1 }));
    await expect(printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] })).rejects.toMatchObject({
      fault: { state: 'jam', where: 'paper path' },
    });
    printer.clearFault(PrinterClearRequest.parse({}));
    printer.injectFaultRequest(PrinterFaultRequest.parse({ kind: 'offline' }));
    expect(printer.status()).toEqual({ state: 'offline' });
    expect(await printer.refresh()).toEqual({ state: 'offline' });
  });

  it('prints a test page', async () => {
    const printer = new SimulatedPrinter(out, { name: 'Counter printer' });
    const result = await printer.printTestPage();
    expect(result).toEqual({ jobId: expect.stringMatching(/^test-page-/), pagesPrinted: 1 });
    const [file] = await printer.listPrints();
    expect(file?.file).toMatch(/-test-page\.png$/);
    const meta = await sharp(join(out, file!.file)).metadata();
    expect(meta).toMatchObject({ format: 'png', width: 1240, height: 1754, density: 150, channels: 3 });
  });

  it('rejects jobs that are empty or not PNG', async () => {
    const printer = new SimulatedPrinter(out);
    const empty = printer.print({ jobId: 'a', pages: [] });
    await expect(empty).rejects.toMatchObject({ code: 'PRINTER_FAILED' });
    await expect(empty).rejects.not.toBeInstanceOf(PrintInterrupted); // nothing printed, not a fault
    await expect(
      printer.print({
        jobId: 'a',
        pages: [
          { png: png(1), label: 'p1' },
          { png: Buffer.from('%PDF-1.7'), label: 'p2' },
        ],
      }),
    ).rejects.toThrow(/page 2 is not a PNG/);
    expect(printer.status()).toEqual({ state: 'idle' });
  });

  it('reports a write failure as a printer failure and stays usable', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'x'); // a file where the output folder should be
    const printer = new SimulatedPrinter(join(blocker, 'out'));
    const failure = printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] });
    await expect(failure).rejects.toBeInstanceOf(PrintInterrupted);
    await expect(failure).rejects.toMatchObject({
      code: 'PRINTER_FAILED',
      pagesPrinted: 0,
      fault: undefined,
    });
    expect(printer.status()).toEqual({ state: 'idle' });
  });

  it('stops notifying after unsubscribe, and survives a throwing listener', async () => {
    const printer = new SimulatedPrinter(out);
    const events: PrinterStatus[] = [];
    const off = printer.onStatus((s) => events.push(s));
    const offBroken = printer.onStatus(() => {
      throw new Error('listener bug');
    });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] });
      expect(logged).toHaveBeenCalledTimes(2); // printing, idle
    } finally {
      logged.mockRestore();
    }
    off();
    offBroken();
    await printer.print({ jobId: 'b', pages: [{ png: png(1), label: 'p1' }] });
    expect(events).toHaveLength(2);
  });
});
