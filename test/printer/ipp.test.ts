import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IppPrinter, type IppPrinterOptions } from 'kiosk-agent/printer/ipp';
import { PrintInterrupted, type PrinterStatus, type PrintJob } from 'kiosk-agent/printer/printer';
import { IppEvePrinter } from './ippeveprinter';

/**
 * IppPrinter against a real IPP Everywhere printer (ippeveprinter) whose print engine the tests steer:
 * progress, jams, paper and cover faults, toner and paper warnings, and the printer going away.
 */

let fake: IppEvePrinter;
let printer: IppPrinter | undefined;
let pngs: Buffer[];

beforeAll(async () => {
  fake = await IppEvePrinter.start({ pageMs: 150 });
  // Small A4-proportioned RGB pages at 30 dpi, each a different grey.
  pngs = await Promise.all(
    [40, 120, 200].map((grey) =>
      sharp({ create: { width: 248, height: 351, channels: 3, background: { r: grey, g: grey, b: grey } } })
        .png()
        .withDensity(30)
        .toBuffer(),
    ),
  );
});

afterAll(async () => {
  await fake?.stop();
});

afterEach(async () => {
  await printer?.close();
  printer = undefined;
  await fake.control({ pageMs: 150 });
});

async function connect(
  options: IppPrinterOptions = {},
): Promise<{ printer: IppPrinter; events: PrinterStatus[] }> {
  const created = new IppPrinter(fake.url, {
    name: 'Counter printer',
    pollMs: 200,
    printingPollMs: 50,
    requestTimeoutMs: 2000,
    settleMs: 2000,
    testPageDpi: 50,
    ...options,
  });
  printer = created;
  const events: PrinterStatus[] = [];
  created.onStatus((status) => events.push(status));
  await created.start();
  return { printer: created, events };
}

function job(jobId: string, pages: number): PrintJob {
  return { jobId, pages: pngs.slice(0, pages).map((png, i) => ({ png, label: `${jobId}-p${i + 1}` })) };
}

/** Resolves once the printer's status matches, checking at every status change. */
function waitFor(
  target: IppPrinter,
  match: (status: PrinterStatus) => boolean,
  ms = 5000,
): Promise<PrinterStatus> {
  return new Promise((resolve, reject) => {
    if (match(target.status())) return resolve(target.status());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`status still ${JSON.stringify(target.status())} after ${ms} ms`));
    }, ms);
    const off = target.onStatus((status) => {
      if (!match(status)) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}

describe('IppPrinter with ippeveprinter', () => {
  it('prints a 2-page job as one PDF, reporting each page, and ends idle', async () => {
    const { printer, events } = await connect({ media: 'iso_a4_210x297mm' });
    expect(printer.status()).toEqual({ state: 'idle' });
    await fake.control({ pageMs: 300 }); // slow enough that a poll sees page 2 even on a busy machine

    await expect(printer.print(job('job-1', 2))).resolves.toEqual({ jobId: 'job-1', pagesPrinted: 2 });

    expect(events).toContainEqual({ state: 'printing', page: 1, pages: 2 });
    expect(events).toContainEqual({ state: 'printing', page: 2, pages: 2 });
    expect(events.at(-1)).toEqual({ state: 'idle' });
    const pages = events
      .filter((e) => e.state === 'printing')
      .map((e) => (e.state === 'printing' ? e.page : 0));
    expect(pages).toEqual([...pages].sort()); // progress never goes back

    const printed = (await fake.printed()).at(-1);
    expect(printed).toMatchObject({ name: 'job-1', format: 'application/pdf', pages: 2, completed: 2 });
    // The spooled document is the PDF with both pages.
    const spool = path.join(fake.dir, 'spool');
    const pdfs = (await readdir(spool)).filter((f) => f.endsWith('.pdf'));
    const pdf = await readFile(path.join(spool, pdfs.at(-1)!), 'latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf.match(/\/Type \/Page /g)).toHaveLength(2);
  });

  it('reports a jam in the middle of a job with the pages printed, and is idle once cleared', async () => {
    const { printer } = await connect();
    // The engine holds the jammed job a while, like a printer waiting for staff: the kiosk sees the jam
    // while the job is still processing and cancels it.
    await fake.failAt('jam', 2, { holdMs: 400 });

    const error = await printer.print(job('job-2', 3)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrintInterrupted);
    expect(error).toMatchObject({
      code: 'PRINTER_FAILED',
      jobId: 'job-2',
      pages: 3,
      pagesPrinted: 1,
      fault: { state: 'jam', where: 'paper path' },
    });
    expect(printer.status()).toEqual({ state: 'jam', where: 'paper path' });
    expect((await fake.printed()).at(-1)).toMatchObject({ name: 'job-2', completed: 1, fault: 'jam' });

    // Until staff clear it, new jobs are refused at once and nothing reaches the printer.
    const before = (await fake.printed()).length;
    await expect(printer.print(job('job-3', 1))).rejects.toMatchObject({
      pagesPrinted: 0,
      fault: { state: 'jam' },
    });
    expect(await fake.printed()).toHaveLength(before);

    await fake.clearFaults();
    expect(await printer.refresh()).toEqual({ state: 'idle' });
    await expect(printer.print(job('job-2', 3))).resolves.toEqual({ jobId: 'job-2', pagesPrinted: 3 });
  });

  it('runs out of paper mid-job, then prints again once paper is loaded', async () => {
    const { printer } = await connect();
    await fake.failAt('paperOut', 2); // the job aborts at once: seen as an aborted job
    await expect(printer.print(job('job-4', 3))).rejects.toMatchObject({
      pagesPrinted: 1,
      fault: { state: 'paperOut' },
    });
    expect(printer.status()).toEqual({ state: 'paperOut' });

    await fake.setPaper(250);
    expect(await printer.refresh()).toEqual({ state: 'idle' });

    await fake.setPaper(5);
    expect(await printer.refresh()).toEqual({ state: 'idle', warnings: ['paperLow'] });
    await fake.setPaper(0);
    expect(await printer.refresh()).toEqual({ state: 'paperOut' });
    await expect(printer.print(job('job-5', 1))).rejects.toMatchObject({ pagesPrinted: 0 });
    await fake.setPaper(250);
    await waitFor(printer, (s) => s.state === 'idle'); // found by the background poll
  });

  it('reports an open cover and low toner', async () => {
    const { printer } = await connect();
    await fake.failAt('coverOpen', 1);
    await expect(printer.print(job('job-6', 1))).rejects.toMatchObject({
      pagesPrinted: 0,
      fault: { state: 'coverOpen' },
    });
    await fake.clearFaults();
    expect(await printer.refresh()).toEqual({ state: 'idle' });

    await fake.setToner(5);
    expect(await printer.refresh()).toEqual({ state: 'idle', warnings: ['tonerLow'] });
    const events: PrinterStatus[] = [];
    const off = printer.onStatus((s) => events.push(s));
    await printer.print(job('job-7', 1));
    off();
    expect(events).toContainEqual({ state: 'printing', page: 1, pages: 1, warnings: ['tonerLow'] });
    await fake.setToner(80);
    expect(await printer.refresh()).toEqual({ state: 'idle' });
  });

  it('goes offline when the printer disappears, also in the middle of a job, and recovers', async () => {
    const { printer } = await connect();
    await fake.kill();
    await waitFor(printer, (s) => s.state === 'offline');
    await expect(printer.print(job('job-8', 1))).rejects.toMatchObject({
      pagesPrinted: 0,
      fault: { state: 'offline' },
    });
    await fake.restart();
    await waitFor(printer, (s) => s.state === 'idle');

    // Pull the plug while page 2 is printing: page 1 was reported complete.
    await fake.control({ pageMs: 300 });
    const off = printer.onStatus((s) => {
      if (s.state === 'printing' && s.page === 2) {
        off();
        void fake.kill();
      }
    });
    await expect(printer.print(job('job-9', 3))).rejects.toMatchObject({
      pagesPrinted: 1,
      fault: { state: 'offline' },
    });
    expect(printer.status()).toEqual({ state: 'offline' });
    await fake.restart();
    await waitFor(printer, (s) => s.state === 'idle');
    await fake.control({ pageMs: 50 });
    await expect(printer.print(job('job-9', 3))).resolves.toMatchObject({ pagesPrinted: 3 });
  });

  it('can send one PNG job per page instead of a PDF', async () => {
    const { printer, events } = await connect({ documentFormat: 'image/png' });
    await expect(printer.print(job('job-10', 2))).resolves.toEqual({ jobId: 'job-10', pagesPrinted: 2 });
    const docs = (await fake.printed()).slice(-2);
    expect(docs).toMatchObject([
      { name: 'job-10 p1', format: 'image/png', completed: 1 },
      { name: 'job-10 p2', format: 'image/png', completed: 1 },
    ]);
    expect(events).toContainEqual({ state: 'printing', page: 2, pages: 2 });

    // A jam on the second page's job: the first page counts.
    await fake.failAt('jam', 1, { skip: 1 });
    await expect(printer.print(job('job-11', 2))).rejects.toMatchObject({
      pagesPrinted: 1,
      fault: { state: 'jam' },
    });
    await fake.clearFaults();
    await printer.refresh();
  });

  it('prints a test page', async () => {
    const { printer } = await connect();
    const result = await printer.printTestPage();
    expect(result).toMatchObject({ jobId: expect.stringMatching(/^test-page-/), pagesPrinted: 1 });
    expect((await fake.printed()).at(-1)).toMatchObject({
      format: 'application/pdf',
      pages: 1,
      completed: 1,
    });
  });
});
