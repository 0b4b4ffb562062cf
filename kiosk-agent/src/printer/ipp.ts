import type { IppGroup } from 'ipp';
import { KioskError } from '../errors';
import { IppClient, IppError, keywords } from './ipp-client';
import { ippJobState, ippPrinterCondition, isTerminal, type IppJobState } from './ipp-status';
import { pngsToPdf, UnsupportedPng } from './png-pdf';
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

export type IppDocumentFormat = 'application/pdf' | 'image/png';

export interface IppPrinterOptions {
  name?: string;
  /** Status poll while no job runs (default 3 s). */
  pollMs?: number;
  /** Job and printer poll while a job runs (default 500 ms). */
  printingPollMs?: number;
  /** Timeout of each status, job and cancel request (default 5 s). */
  requestTimeoutMs?: number;
  /** Timeout of a Print-Job request, which carries the document (default 60 s). */
  printJobTimeoutMs?: number;
  /** Failed requests in a row after which the printer counts as offline (default 2). */
  offlineAfterFailures?: number;
  /** A job whose state and page count do not change for this long is canceled (default 2 min). */
  stallTimeoutMs?: number;
  /** After a fault, how long to wait for the job's final page count (default 3 s). */
  settleMs?: number;
  /**
   * How pages go to the printer: one PDF job for the whole job (pages embedded as they are, no
   * re-encoding), or one PNG job per page. `auto` (default) takes PDF when the printer lists it in
   * document-format-supported, else PNG.
   */
  documentFormat?: 'auto' | IppDocumentFormat;
  /** `media` job attribute, e.g. `iso_a4_210x297mm`; default: the printer's default media. */
  media?: string;
  /** requesting-user-name (default `kiosk`). */
  userName?: string;
  /** Resolution assumed for PNGs without a recorded density (default 300). */
  defaultDpi?: number;
  /** Resolution of the test page (default 300). */
  testPageDpi?: number;
}

interface Document {
  data: Buffer;
  format: IppDocumentFormat;
  /** Pages of the print job this document holds. */
  pages: number;
  name: string;
}

/** What a Get-Printer-Attributes poll found, or `undefined` while failures stay under the threshold. */
type Probe = { status: PrinterStatus; reachable: boolean } | undefined;

const PRINTER_ATTRIBUTES = [
  'printer-state',
  'printer-state-reasons',
  'printer-state-message',
  'document-format-supported',
] as const;
const JOB_ATTRIBUTES = [
  'job-state',
  'job-state-reasons',
  'job-impressions-completed',
  'job-pages-completed',
  'job-media-sheets-completed',
] as const;

/**
 * A printer reached over IPP (IPP Everywhere, e.g. `ipp://printer.local:631/ipp/print`).
 *
 * - Status: Get-Printer-Attributes every `pollMs` (printer-state-reasons → jam, paper out, cover open,
 *   paper and toner warnings; unreachable → offline), every `printingPollMs` while a job runs.
 * - Print: one Print-Job (PDF) per job, or one per page (PNG); progress from Get-Job-Attributes
 *   (job-impressions-completed). A fault while printing cancels the job, so that it cannot resume by
 *   itself once staff clear the fault and print a second copy behind the customer's back, and rejects
 *   with PrintInterrupted carrying the pages the printer reported complete.
 * - Maintenance: IPP cannot clear a jam or refill paper; staff do that at the printer, which then
 *   reports the condition gone. `refresh()` asks at once instead of waiting for the next poll.
 *
 * Call `start()` to begin polling and `close()` to stop.
 */
export class IppPrinter implements Printer {
  readonly name: string;
  private readonly client: IppClient;
  /** Unknown until the printer first answers. */
  private readonly emitter = new StatusEmitter({ state: 'offline' });
  private readonly options: Required<Omit<IppPrinterOptions, 'name' | 'media' | 'userName'>> &
    Pick<IppPrinterOptions, 'media'>;
  private queue: Promise<unknown> = Promise.resolve();
  private failures = 0;
  private jobActive = false;
  private polling: Promise<PrinterStatus> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private formats: string[] | undefined;
  private warnings: PrinterWarning[] = [];
  /** What the printer said last, as idle or a fault. */
  private lastResting: PrinterStatus | undefined;

  constructor(
    readonly url: string,
    options: IppPrinterOptions = {},
  ) {
    this.name = options.name ?? `IPP printer ${url}`;
    this.options = {
      pollMs: options.pollMs ?? 3000,
      printingPollMs: options.printingPollMs ?? 500,
      requestTimeoutMs: options.requestTimeoutMs ?? 5000,
      printJobTimeoutMs: options.printJobTimeoutMs ?? 60_000,
      offlineAfterFailures: Math.max(1, options.offlineAfterFailures ?? 2),
      stallTimeoutMs: options.stallTimeoutMs ?? 120_000,
      settleMs: options.settleMs ?? 3000,
      documentFormat: options.documentFormat ?? 'auto',
      defaultDpi: options.defaultDpi ?? 300,
      testPageDpi: options.testPageDpi ?? 300,
      media: options.media,
    };
    this.client = new IppClient(url, {
      timeoutMs: this.options.requestTimeoutMs,
      userName: options.userName,
    });
  }

  /** Asks the printer for its status and keeps polling every `pollMs`; resolves to the first status. */
  async start(): Promise<PrinterStatus> {
    this.running = true;
    const status = await this.refresh();
    this.schedule();
    return status;
  }

  async close(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling?.catch(() => undefined);
  }

  status(): PrinterStatus {
    return this.emitter.status;
  }

  onStatus(listener: (status: PrinterStatus) => void): () => void {
    return this.emitter.on(listener);
  }

  refresh(): Promise<PrinterStatus> {
    // While a job runs its own loop polls the printer and owns the status.
    if (this.jobActive) return Promise.resolve(this.emitter.status);
    this.polling ??= this.probe()
      .then((probe) => {
        if (probe && !this.jobActive) this.emitter.set(probe.status);
        return this.emitter.status;
      })
      .finally(() => {
        this.polling = undefined;
      });
    return this.polling;
  }

  print(job: PrintJob): Promise<PrintResult> {
    const run = this.queue.then(() => this.run(job));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async printTestPage(): Promise<PrintResult> {
    const png = await testPagePng({ printer: this.name, dpi: this.options.testPageDpi });
    const stamp = new Date().toISOString().replace(/[:.]/g, '');
    return this.print({ jobId: `test-page-${stamp}`, pages: [{ png, label: 'test-page' }] });
  }

  /** (Re)arms the one poll timer. */
  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.schedule());
    }, this.options.pollMs);
    this.timer.unref();
  }

  /** One Get-Printer-Attributes, counted towards offline on failure. */
  private async probe(): Promise<Probe> {
    try {
      const attributes = await this.client.getPrinterAttributes(PRINTER_ATTRIBUTES);
      this.failures = 0;
      return { status: this.interpret(attributes), reachable: true };
    } catch (error) {
      if (!(error instanceof IppError)) throw error;
      this.failures += 1;
      return this.failures >= this.options.offlineAfterFailures
        ? { status: { state: 'offline' }, reachable: false }
        : undefined;
    }
  }

  /** The resting status (idle or a fault) from printer attributes; remembers warnings and formats. */
  private interpret(attributes: IppGroup): PrinterStatus {
    const formats = keywords(attributes['document-format-supported']);
    if (formats.length > 0) this.formats = formats;
    const condition = ippPrinterCondition(
      attributes['printer-state'],
      keywords(attributes['printer-state-reasons']),
    );
    this.warnings = condition.warnings;
    this.lastResting = condition.fault ?? idleStatus(condition.warnings);
    return this.lastResting;
  }

  private async run(job: PrintJob): Promise<PrintResult> {
    checkJob(job);
    const pages = job.pages.length;
    const interrupted = (pagesPrinted: number, fault: PrinterFault | undefined, cause?: unknown) => {
      if (fault) this.emitter.set(fault);
      return new PrintInterrupted({
        printer: this.name,
        jobId: job.jobId,
        pages,
        pagesPrinted,
        fault,
        cause,
      });
    };

    this.jobActive = true;
    try {
      await this.polling?.catch(() => undefined);
      const before = await this.probe();
      if (before) this.emitter.set(before.status);
      const now = this.emitter.status;
      if (isFault(now)) throw interrupted(0, now);

      const documents = this.documents(job);
      let done = 0;
      for (const document of documents) {
        done += await this.printDocument(document, done, pages, interrupted);
      }
      // Done; the printer may already report the next problem (e.g. the tray ran empty).
      this.emitter.set(this.lastResting ?? idleStatus(this.warnings));
      return { jobId: job.jobId, pagesPrinted: pages };
    } finally {
      // Stopped without a fault (refused, lost, stalled): back to what the printer last said.
      if (this.emitter.status.state === 'printing')
        this.emitter.set(this.lastResting ?? idleStatus(this.warnings));
      this.jobActive = false;
      this.schedule(); // a full interval from now
    }
  }

  /** The job as IPP documents: one PDF, or one PNG per page. */
  private documents(job: PrintJob): Document[] {
    const format = this.chooseFormat();
    if (format === 'application/pdf') {
      try {
        const data = pngsToPdf(
          job.pages.map((page) => page.png),
          { defaultDpi: this.options.defaultDpi },
        );
        return [{ data, format, pages: job.pages.length, name: job.jobId }];
      } catch (error) {
        if (!(error instanceof UnsupportedPng)) throw error;
        if (this.options.documentFormat === 'application/pdf' || !this.supports('image/png')) {
          throw new KioskError('PRINTER_FAILED', `job ${job.jobId}: ${error.message}`, { cause: error });
        }
      }
    }
    return job.pages.map((page, index) => ({
      data: page.png,
      format: 'image/png',
      pages: 1,
      name: job.pages.length > 1 ? `${job.jobId} p${index + 1}` : job.jobId,
    }));
  }

  private chooseFormat(): IppDocumentFormat {
    if (this.options.documentFormat !== 'auto') return this.options.documentFormat;
    if (this.supports('application/pdf')) return 'application/pdf';
    if (this.supports('image/png')) return 'image/png';
    throw new KioskError('PRINTER_FAILED', `${this.name} takes neither PDF nor PNG`);
  }

  /** Unknown formats (no answer yet) count as supported: Print-Job will say. */
  private supports(format: string): boolean {
    return this.formats === undefined || this.formats.includes(format);
  }

  /**
   * Sends one document and follows it to the end. Resolves to its page count when completed; throws
   * PrintInterrupted with `done` + the pages of this document the printer reported complete.
   */
  private async printDocument(
    document: Document,
    done: number,
    total: number,
    interrupted: (pagesPrinted: number, fault: PrinterFault | undefined, cause?: unknown) => PrintInterrupted,
  ): Promise<number> {
    // Between the documents of a PNG job the printer may have faulted.
    if (done > 0 && this.lastResting && isFault(this.lastResting)) throw interrupted(done, this.lastResting);
    this.emitter.set(printingStatus(done + 1, total, this.warnings));
    let jobId: number;
    try {
      ({ jobId } = await this.client.printJob({
        data: document.data,
        format: document.format,
        jobName: document.name,
        jobAttributes: this.options.media ? { media: this.options.media } : undefined,
        timeoutMs: this.options.printJobTimeoutMs,
      }));
    } catch (error) {
      if (!(error instanceof IppError)) throw error;
      if (error.kind === 'unreachable') {
        this.failures = this.options.offlineAfterFailures;
        throw interrupted(done, { state: 'offline' }, error);
      }
      // Refused (not accepting jobs, format, …): nothing of this document printed.
      const probe = await this.probe();
      throw interrupted(done, probe && isFault(probe.status) ? probe.status : undefined, error);
    }

    let completed = 0;
    let lastChange = Date.now();
    let lastKey = '';
    for (;;) {
      await delay(this.options.printingPollMs);
      const [jobResult, printerResult] = await Promise.allSettled([
        this.client.getJobAttributes(jobId, JOB_ATTRIBUTES),
        this.client.getPrinterAttributes(PRINTER_ATTRIBUTES),
      ]);
      const failure = [jobResult, printerResult].find((r) => r.status === 'rejected');
      if (failure) {
        const error = failure.reason;
        if (!(error instanceof IppError)) throw error;
        if (
          error.kind === 'status' &&
          jobResult.status === 'rejected' &&
          printerResult.status === 'fulfilled'
        ) {
          // The printer answers but no longer knows the job (restarted, purged): its pages are unknown.
          const fault = this.interpret(printerResult.value);
          throw interrupted(done + completed, isFault(fault) ? fault : undefined, error);
        }
        this.failures += 1;
        if (this.failures >= this.options.offlineAfterFailures) {
          throw interrupted(done + completed, { state: 'offline' }, error);
        }
        continue;
      }
      this.failures = 0;
      const jobAttributes = (jobResult as PromiseFulfilledResult<IppGroup>).value;
      const resting = this.interpret((printerResult as PromiseFulfilledResult<IppGroup>).value);
      const state = ippJobState(jobAttributes['job-state']);
      completed = Math.max(completed, pagesCompleted(jobAttributes, document.pages));

      if (state === 'completed') return document.pages;
      if (state === 'aborted' || state === 'canceled') {
        throw interrupted(done + completed, isFault(resting) ? resting : undefined);
      }
      if (isFault(resting)) {
        completed = await this.cancelAndSettle(jobId, completed, document.pages);
        throw interrupted(done + completed, resting);
      }
      this.emitter.set(printingStatus(Math.min(done + completed + 1, total), total, this.warnings));

      const key = `${state}/${completed}`;
      if (key !== lastKey) {
        lastKey = key;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > this.options.stallTimeoutMs) {
        completed = await this.cancelAndSettle(jobId, completed, document.pages);
        throw interrupted(
          done + completed,
          undefined,
          new Error(`job ${jobId} stalled in ${state ?? 'unknown'}`),
        );
      }
    }
  }

  /** Cancels the printer's job and waits (up to `settleMs`) for its final page count. */
  private async cancelAndSettle(jobId: number, completed: number, pages: number): Promise<number> {
    await this.client.cancelJob(jobId).catch(() => undefined); // already ended, or unreachable
    const until = Date.now() + this.options.settleMs;
    let state: IppJobState | undefined;
    while (!isTerminal(state) && Date.now() < until) {
      try {
        const attributes = await this.client.getJobAttributes(jobId, JOB_ATTRIBUTES);
        state = ippJobState(attributes['job-state']);
        completed = Math.max(completed, pagesCompleted(attributes, pages));
      } catch {
        break;
      }
      if (!isTerminal(state)) await delay(this.options.printingPollMs);
    }
    return completed;
  }
}

/** Pages of this document the printer reports complete, 0 … pages. */
function pagesCompleted(attributes: IppGroup, pages: number): number {
  for (const name of ['job-impressions-completed', 'job-pages-completed', 'job-media-sheets-completed']) {
    const value = attributes[name];
    if (typeof value === 'number' && Number.isFinite(value)) return Math.max(0, Math.min(pages, value));
  }
  return 0;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
