import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KioskError } from '../errors';
import type { PrinterStatus } from './printer';
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
    await expect(failure).rejects.toBeInstanceOf(KioskError);
    await expect(failure).rejects.toMatchObject({ code: 'PRINTER_FAILED', action: 'staff' });
    expect(await printer.listPrints()).toEqual([]);

    printer.clearFault();
    await printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] });
    expect(events.map((e) => e.state)).toEqual(['paperOut', 'idle', 'printing', 'idle']);
  });

  it('fails in the middle of a job when a jam is injected', async () => {
    const printer = new SimulatedPrinter(out);
    printer.injectFault({ state: 'jam', where: 'fuser' }, { afterPages: 1 });
    const job = { jobId: 'a', pages: [1, 2, 3].map((i) => ({ png: png(i), label: `p${i}` })) };
    await expect(printer.print(job)).rejects.toThrow(/PRINTER_FAILED: .*jam \(fuser\) after page 1 of 3/);
    expect(printer.status()).toEqual({ state: 'jam', where: 'fuser' });
    expect(await printer.listPrints()).toHaveLength(1);
  });

  it('rejects jobs that are empty or not PNG', async () => {
    const printer = new SimulatedPrinter(out);
    await expect(printer.print({ jobId: 'a', pages: [] })).rejects.toMatchObject({ code: 'PRINTER_FAILED' });
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
    await expect(printer.print({ jobId: 'a', pages: [{ png: png(1), label: 'p1' }] })).rejects.toMatchObject({
      code: 'PRINTER_FAILED',
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
