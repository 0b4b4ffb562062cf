import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { faultStatus, type PrinterClearRequest, type PrinterFaultRequest } from './faults';
import {
  checkJob,
  idleStatus,
  isFault,
  PrintInterrupted,
  printingStatus,
  type Printer,
  type PrinterFault,
  type PrinterStatus,
  type PrinterWarning,
  type PrintJob,
  type PrintResult,
} from './printer';
import { StatusEmitter } from './status-emitter';
import { testPagePng } from './test-page';

export interface SimulatedPrinterOptions {
  name?: string;
  /** Time each page takes, so progress is visible in the UI; 0 (default) prints at once. */
  pageDelayMs?: number;
  /** Clock for file names; tests pass a fixed one. */
  now?: () => Date;
  /** Sheets the tray holds when full (default 250). */
  paperCapacity?: number;
  /** Sheets in the tray at start (default: full). */
  paper?: number;
  /** The printer warns `paperLow` at or below this many sheets (default 20). */
  paperLowAt?: number;
  /** Resolution of the test page (default 150 dpi). */
  testPageDpi?: number;
}

export interface PrintFile {
  /** File name inside the output folder. */
  file: string;
  bytes: number;
  /** When the page was printed, ISO 8601. */
  createdAt: string;
}

export interface InjectFaultOptions {
  /**
   * Fault when page `atPage` is about to be printed, counting pages printed from now on across jobs
   * (only pages of `jobId` when given). Pages before it are printed; that page is not (it is the
   * spoiled one). Without it, the fault happens now, stopping a running job at its current page.
   */
  atPage?: number;
  /** Only pages of jobs with this id count towards `atPage`. */
  jobId?: string;
  /** @deprecated Same as `atPage: afterPages + 1`. */
  afterPages?: number;
}

/** `<time>-<jobId>-<label>.png`, the time being ISO 8601 without colons, e.g. 2026-11-22T103000.123Z. */
const PRINT_FILE = /^(\d{4}-\d{2}-\d{2}T\d{6}\.\d{3}Z)-[\w.-]+\.png$/;
const TEMP_PREFIX = '.printing-';

/**
 * A printer that "prints" each page as a PNG file in an output folder, for development, demos and
 * tests. File names sort in print order, and each file appears whole (written to a temp file and
 * renamed), so a folder watcher never sees half a page.
 *
 * It behaves like a real printer towards the flow: a paper tray that runs low and out, and faults
 * injected from code or the dev panel (jam, paper out, cover open, offline), now or at a given page.
 * `clearFault()` and `refillPaper()` stand for what staff do at the machine.
 */
export class SimulatedPrinter implements Printer {
  readonly name: string;
  private readonly emitter = new StatusEmitter({ state: 'idle' });
  private readonly pageDelayMs: number;
  private readonly now: () => Date;
  private readonly paperCapacity: number;
  private readonly paperLowAt: number;
  private readonly testPageDpi: number;
  /** Jobs run one after another, like a real print queue. */
  private queue: Promise<unknown> = Promise.resolve();
  private lastStamp = 0;
  private pendingFault: { fault: PrinterFault; remaining: number; jobId: string | undefined } | undefined;
  private sheets: number;
  private tonerLow = false;

  constructor(
    readonly outputDir: string,
    options: SimulatedPrinterOptions = {},
  ) {
    this.name = options.name ?? 'Simulated printer';
    this.pageDelayMs = options.pageDelayMs ?? 0;
    this.now = options.now ?? (() => new Date());
    this.paperCapacity = options.paperCapacity ?? 250;
    this.paperLowAt = options.paperLowAt ?? 20;
    this.testPageDpi = options.testPageDpi ?? 150;
    this.sheets = Math.min(options.paper ?? this.paperCapacity, this.paperCapacity);
    this.emitter.set(this.restingStatus());
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

  async refresh(): Promise<PrinterStatus> {
    return this.emitter.status;
  }

  async printTestPage(): Promise<PrintResult> {
    const png = await testPagePng({ printer: this.name, dpi: this.testPageDpi, now: this.now() });
    return this.print({ jobId: `test-page-${this.nextStamp()}`, pages: [{ png, label: 'test-page' }] });
  }

  /** Sheets left in the tray. */
  get paper(): number {
    return this.sheets;
  }

  /**
   * Fault seam for the dev panel and tests: the printer enters `fault` now, or when page `atPage` is
   * about to be printed (see {@link InjectFaultOptions}). A later injection replaces a pending one.
   */
  injectFault(fault: PrinterFault, options: InjectFaultOptions = {}): void {
    const atPage = options.atPage ?? (options.afterPages === undefined ? undefined : options.afterPages + 1);
    if (atPage === undefined || atPage <= 0) {
      this.pendingFault = undefined;
      this.emitter.set(fault);
    } else {
      this.pendingFault = { fault, remaining: atPage, jobId: options.jobId };
    }
  }

  /** {@link injectFault} from a validated `POST /dev/printer/faults` body. */
  injectFaultRequest(request: PrinterFaultRequest): void {
    this.injectFault(faultStatus(request), { atPage: request.atPage, jobId: request.jobId });
  }

  /**
   * Staff fixed it (cleared the jam, closed the cover, refilled the paper, reconnected the printer):
   * back to idle. A pending injected fault is dropped too. Paper out refills the tray unless
   * `refillPaper` is false; an empty tray then stays `paperOut`.
   */
  clearFault(options: PrinterClearRequest = {}): void {
    this.pendingFault = undefined;
    const current = this.emitter.status;
    if (!isFault(current)) return;
    if (current.state === 'paperOut' && options.refillPaper !== false) this.sheets = this.paperCapacity;
    this.emitter.set(this.restingStatus());
  }

  /** Staff put paper in: `sheets` in the tray (default: full). Clears a paper-out fault. */
  refillPaper(sheets: number = this.paperCapacity): void {
    if (!Number.isInteger(sheets) || sheets < 0) throw new RangeError(`sheets must be a whole number ≥ 0`);
    this.sheets = Math.min(sheets, this.paperCapacity);
    const current = this.emitter.status;
    if (current.state === 'idle' || current.state === 'paperOut') this.emitter.set(this.restingStatus());
  }

  /** Toner low warning on or off (the simulated toner never runs out). */
  setTonerLow(low: boolean): void {
    this.tonerLow = low;
    if (this.emitter.status.state === 'idle') this.emitter.set(this.restingStatus());
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
    checkJob(job);
    const pages = job.pages.length;
    const interrupted = (pagesPrinted: number, fault: PrinterFault | undefined, cause?: unknown) =>
      new PrintInterrupted({ printer: this.name, jobId: job.jobId, pages, pagesPrinted, fault, cause });

    for (const [index, page] of job.pages.entries()) {
      const before = this.emitter.status;
      if (isFault(before)) throw interrupted(index, before);
      if (this.sheets === 0) throw interrupted(index, this.fault({ state: 'paperOut' }));
      this.emitter.set(printingStatus(index + 1, pages, this.warnings()));
      if (this.pageDelayMs > 0) await delay(this.pageDelayMs);
      // A fault injected while the page was on its way spoils it.
      const during = this.emitter.status;
      if (isFault(during)) throw interrupted(index, during);
      const due = this.dueFault(job.jobId);
      if (due) throw interrupted(index, this.fault(due));
      try {
        await mkdir(this.outputDir, { recursive: true });
        await this.writePage(job.jobId, page.label, page.png);
      } catch (error) {
        // The simulated device is the disk: a write error stops the job without a printer fault.
        if (!isFault(this.emitter.status)) this.emitter.set(this.restingStatus());
        throw interrupted(index, undefined, error);
      }
      this.sheets -= 1;
    }
    this.emitter.set(this.restingStatus());
    return { jobId: job.jobId, pagesPrinted: pages };
  }

  /** The injected fault due at this page, if any (counts the page towards it). */
  private dueFault(jobId: string): PrinterFault | undefined {
    const pending = this.pendingFault;
    if (!pending || (pending.jobId !== undefined && pending.jobId !== jobId)) return undefined;
    pending.remaining -= 1;
    if (pending.remaining > 0) return undefined;
    this.pendingFault = undefined;
    return pending.fault;
  }

  private fault(fault: PrinterFault): PrinterFault {
    this.emitter.set(fault);
    return fault;
  }

  /** Idle, or paper out when the tray is empty. */
  private restingStatus(): PrinterStatus {
    return this.sheets === 0 ? { state: 'paperOut' } : idleStatus(this.warnings());
  }

  private warnings(): PrinterWarning[] {
    const warnings: PrinterWarning[] = [];
    if (this.sheets <= this.paperLowAt) warnings.push('paperLow');
    if (this.tonerLow) warnings.push('tonerLow');
    return warnings;
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
