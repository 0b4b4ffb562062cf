import { IppClient } from './ipp-client';
import { ippDocuments, type IppDocumentFormat } from './ipp-documents';
import { printIppDocument, type IppJobContext } from './ipp-job';
import { IppPrinterProbe } from './ipp-probe';
import {
  checkJob,
  isFault,
  PrintInterrupted,
  type Printer,
  type PrinterFault,
  type PrinterStatus,
  type PrintJob,
  type PrintResult,
} from './printer';
import { StatusEmitter } from './status-emitter';
import { testPagePng } from './test-page';

export type { IppDocumentFormat } from './ipp-documents';

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
 * Call `start()` to begin polling and `close()` to stop. What the printer says is read in ipp-probe.ts, a job
 * becomes IPP documents in ipp-documents.ts, and each document is sent and followed in ipp-job.ts.
 */
export class IppPrinter implements Printer {
  readonly name: string;
  private readonly client: IppClient;
  /** What the printer last said; failures counted by the status poll and a running job together. */
  private readonly probe: IppPrinterProbe;
  /** Unknown until the printer first answers. */
  private readonly emitter = new StatusEmitter({ state: 'offline' });
  private readonly options: Required<Omit<IppPrinterOptions, 'name' | 'media' | 'userName'>> &
    Pick<IppPrinterOptions, 'media'>;
  private queue: Promise<unknown> = Promise.resolve();
  private jobActive = false;
  private polling: Promise<PrinterStatus> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

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
    this.probe = new IppPrinterProbe(this.client, this.options.offlineAfterFailures);
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
    this.polling ??= this.probe
      .poll()
      .then((result) => {
        if (result && !this.jobActive) this.emitter.set(result.status);
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
      const before = await this.probe.poll();
      if (before) this.emitter.set(before.status);
      const now = this.emitter.status;
      if (isFault(now)) throw interrupted(0, now);

      const documents = ippDocuments(job, {
        documentFormat: this.options.documentFormat,
        defaultDpi: this.options.defaultDpi,
        printerName: this.name,
        supports: (format) => this.probe.supports(format),
      });
      const context: IppJobContext = {
        client: this.client,
        probe: this.probe,
        emitter: this.emitter,
        options: this.options,
      };
      let done = 0;
      for (const document of documents) {
        done += await printIppDocument(context, document, done, pages, interrupted);
      }
      // Done; the printer may already report the next problem (e.g. the tray ran empty).
      this.emitter.set(this.probe.restingStatus());
      return { jobId: job.jobId, pagesPrinted: pages };
    } finally {
      // Stopped without a fault (refused, lost, stalled): back to what the printer last said.
      if (this.emitter.status.state === 'printing') this.emitter.set(this.probe.restingStatus());
      this.jobActive = false;
      this.schedule(); // a full interval from now
    }
  }
}
