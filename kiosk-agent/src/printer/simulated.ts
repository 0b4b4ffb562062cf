import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KioskError } from '../errors';
import {
  describeStatus,
  isFault,
  type Printer,
  type PrinterFault,
  type PrinterStatus,
  type PrintJob,
  type PrintResult,
} from './printer';
import { StatusEmitter } from './status-emitter';

export interface SimulatedPrinterOptions {
  name?: string;
  /** Time each page takes, so progress is visible in the UI; 0 (default) prints at once. */
  pageDelayMs?: number;
  /** Clock for file names; tests pass a fixed one. */
  now?: () => Date;
}

export interface PrintFile {
  /** File name inside the output folder. */
  file: string;
  bytes: number;
  /** When the page was printed, ISO 8601. */
  createdAt: string;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** `<time>-<jobId>-<label>.png`, the time being ISO 8601 without colons, e.g. 2026-11-22T103000.123Z. */
const PRINT_FILE = /^(\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}Z)-[\w.-]+\.png$/;
const TEMP_PREFIX = '.printing-';

/**
 * A printer that "prints" each page as a PNG file in an output folder, for development, demos and
 * tests. File names sort in print order, and each file appears whole (written to a temp file and
 * renamed), so a folder watcher never sees half a page.
 */
export class SimulatedPrinter implements Printer {
  readonly name: string;
  private readonly emitter = new StatusEmitter({ state: 'idle' });
  private readonly pageDelayMs: number;
  private readonly now: () => Date;
  /** Jobs run one after another, like a real print queue. */
  private queue: Promise<unknown> = Promise.resolve();
  private lastStamp = 0;
  private pendingFault: { fault: PrinterFault; afterPages: number } | undefined;

  constructor(
    readonly outputDir: string,
    options: SimulatedPrinterOptions = {},
  ) {
    this.name = options.name ?? 'Simulated printer';
    this.pageDelayMs = options.pageDelayMs ?? 0;
    this.now = options.now ?? (() => new Date());
  }

  status(): PrinterStatus {
    return this.emitter.status;
  }

  onStatus(listener: (status: PrinterStatus) => void): () => void {
    return this.emitter.on(listener);
  }

  print(job: PrintJob): Promise<PrintResult> {
    const run = this.queue.then(() => this.run(job));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Fault seam for the dev panel and tests: the printer enters `fault` now, or after
   * `afterPages` more pages of the next job (a jam in the middle of a job).
   */
  injectFault(fault: PrinterFault, options: { afterPages?: number } = {}): void {
    if (options.afterPages === undefined || options.afterPages <= 0) {
      this.pendingFault = undefined;
      this.emitter.set(fault);
    } else {
      this.pendingFault = { fault, afterPages: options.afterPages };
    }
  }

  /** Staff fixed it: back to idle. */
  clearFault(): void {
    this.pendingFault = undefined;
    if (isFault(this.emitter.status)) this.emitter.set({ state: 'idle' });
  }

  /** Printed pages, oldest first. */
  async listPrints(): Promise<PrintFile[]> {
    const names = await this.outputFiles();
    const prints = await Promise.all(
      names.map(async (file): Promise<PrintFile | undefined> => {
        const match = PRINT_FILE.exec(file);
        if (!match?.[1]) return undefined;
        try {
          const info = await stat(join(this.outputDir, file));
          return { file, bytes: info.size, createdAt: fromStamp(match[1]) };
        } catch {
          return undefined; // removed meanwhile
        }
      }),
    );
    return prints.filter((p): p is PrintFile => p !== undefined).sort((a, b) => (a.file < b.file ? -1 : 1));
  }

  /** Deletes printed pages and leftovers of interrupted writes; other files are left alone. */
  async clearOutput(): Promise<void> {
    const names = await this.outputFiles();
    await Promise.all(
      names
        .filter((file) => PRINT_FILE.test(file) || file.startsWith(TEMP_PREFIX))
        .map((file) => rm(join(this.outputDir, file), { force: true })),
    );
  }

  private async run(job: PrintJob): Promise<PrintResult> {
    const initial = this.emitter.status;
    if (isFault(initial)) throw new KioskError('PRINTER_FAILED', `${this.name}: ${describeStatus(initial)}`);
    if (job.pages.length === 0) throw new KioskError('PRINTER_FAILED', `job ${job.jobId} has no pages`);
    const bad = job.pages.findIndex((page) => !page.png.subarray(0, 8).equals(PNG_SIGNATURE));
    if (bad >= 0) throw new KioskError('PRINTER_FAILED', `job ${job.jobId}: page ${bad + 1} is not a PNG`);

    const pages = job.pages.length;
    try {
      await mkdir(this.outputDir, { recursive: true });
      for (const [index, page] of job.pages.entries()) {
        this.emitter.set({ state: 'printing', page: index + 1, pages });
        if (this.pageDelayMs > 0) await delay(this.pageDelayMs);
        await this.writePage(job.jobId, page.label, page.png);
        const fault = this.takeFault();
        if (fault) {
          this.emitter.set(fault);
          throw new KioskError(
            'PRINTER_FAILED',
            `${this.name}: ${describeStatus(fault)} after page ${index + 1} of ${pages} (job ${job.jobId})`,
          );
        }
      }
    } catch (error) {
      if (error instanceof KioskError) throw error;
      // The simulated device is the disk: a write error is a printer failure.
      if (!isFault(this.emitter.status)) this.emitter.set({ state: 'idle' });
      throw new KioskError('PRINTER_FAILED', `${this.name}: cannot write page (job ${job.jobId})`, {
        cause: error,
      });
    }
    this.emitter.set({ state: 'idle' });
    return { jobId: job.jobId, pagesPrinted: pages };
  }

  private takeFault(): PrinterFault | undefined {
    if (!this.pendingFault) return undefined;
    this.pendingFault.afterPages -= 1;
    if (this.pendingFault.afterPages > 0) return undefined;
    const { fault } = this.pendingFault;
    this.pendingFault = undefined;
    return fault;
  }

  private async writePage(jobId: string, label: string, png: Buffer): Promise<string> {
    const file = `${this.nextStamp()}-${safeName(jobId)}-${safeName(label)}.png`;
    const temp = join(this.outputDir, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, png);
      await rename(temp, join(this.outputDir, file));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return file;
  }

  /** Strictly increasing millisecond stamps, so pages of one job never share a time and sort in order. */
  private nextStamp(): string {
    const ms = Math.max(this.now().getTime(), this.lastStamp + 1);
    this.lastStamp = ms;
    return new Date(ms).toISOString().replace(/:/g, '');
  }

  private async outputFiles(): Promise<string[]> {
    try {
      return await readdir(this.outputDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}

/** Keeps file names to `[A-Za-z0-9_.-]` (what the dev panel serves) and of sane length. */
function safeName(part: string): string {
  return (part.replace(/[^\w.-]/g, '_').slice(0, 80) || '_').replace(/^\.+/, '_');
}

/** 2026-11-22T103000.123Z → 2026-11-22T10:30:00.123Z */
function fromStamp(stamp: string): string {
  return `${stamp.slice(0, 13)}:${stamp.slice(13, 15)}:${stamp.slice(15)}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
