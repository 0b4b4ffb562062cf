/**
 * The narrow printer port the issuance flow talks to. Implementations: ./simulated (PNG files in a
 * folder, with injectable faults) and ./ipp (an IPP Everywhere printer). Progress and faults arrive as
 * status events.
 */
import { KioskError } from '../errors';

/** Conditions that still allow printing but need staff soon. */
export type PrinterWarning = 'paperLow' | 'tonerLow';

export type PrinterStatus =
  | { readonly state: 'idle'; readonly warnings?: readonly PrinterWarning[] }
  /** `page` (1-based) is the page being printed out of `pages` in the current job. */
  | {
      readonly state: 'printing';
      readonly page: number;
      readonly pages: number;
      readonly warnings?: readonly PrinterWarning[];
    }
  | { readonly state: 'paperOut' }
  /** `where` names the place for staff, e.g. `fuser`, `paper path`. */
  | { readonly state: 'jam'; readonly where: string }
  | { readonly state: 'coverOpen' }
  /** Unreachable, switched off, or stopped for a reason the kiosk cannot name. */
  | { readonly state: 'offline' };

export type PrinterState = PrinterStatus['state'];

/** States in which the printer cannot print until staff step in. */
export type PrinterFault = Extract<PrinterStatus, { state: 'paperOut' | 'jam' | 'coverOpen' | 'offline' }>;

export interface PrintPage {
  /** One page, PNG at the printer's resolution. */
  png: Buffer;
  /** Identifies the page in logs and file names, e.g. `<serial>-p1`. */
  label: string;
}

export interface PrintJob {
  jobId: string;
  pages: readonly PrintPage[];
}

export interface PrintResult {
  jobId: string;
  pagesPrinted: number;
}

export interface Printer {
  readonly name: string;
  status(): PrinterStatus;
  /** Calls `listener` on every status change; returns the unsubscribe function. */
  onStatus(listener: (status: PrinterStatus) => void): () => void;
  /**
   * Prints all pages of `job`, reporting progress as `printing` statuses. Jobs queue behind each
   * other. Rejects with
   * - {@link PrintInterrupted} when the printer is faulted before the job starts (`pagesPrinted` 0) or
   *   stops on the way: it says how many pages came out whole and which fault stopped it;
   * - another `KioskError('PRINTER_FAILED')` when the job itself is unusable (no pages, not PNG):
   *   nothing was printed, and the same job will fail again.
   */
  print(job: PrintJob): Promise<PrintResult>;
  /**
   * Asks the device for its status now rather than at the next poll, e.g. when staff press "done"
   * after clearing a jam. Resolves to the (possibly updated) `status()`. Never rejects: an unreachable
   * printer is `offline`.
   */
  refresh(): Promise<PrinterStatus>;
  /** Prints one test page for staff after maintenance; same contract as {@link Printer.print}. */
  printTestPage(): Promise<PrintResult>;
  /** Stops background work (status polling). Optional: printers without any need none. */
  close?(): Promise<void>;
}

export function isFault(status: PrinterStatus): status is PrinterFault {
  return status.state !== 'idle' && status.state !== 'printing';
}

/** Where the paper is stuck, or null when the printer is not jammed. */
export function jamWhere(status: PrinterStatus): string | null {
  return status.state === 'jam' ? status.where : null;
}

/** Whether the printer warns of low paper (only idle and printing statuses carry warnings). */
export function isPaperLow(status: PrinterStatus): boolean {
  return 'warnings' in status && (status.warnings ?? []).includes('paperLow');
}

/** Words for logs and error details, e.g. `jam (fuser)`. */
export function describeStatus(status: PrinterStatus): string {
  switch (status.state) {
    case 'printing':
      return `printing page ${status.page} of ${status.pages}`;
    case 'jam':
      return `jam (${status.where})`;
    default:
      return status.state;
  }
}

/** `idle`, with the warnings only when there are any (so statuses compare equal as JSON). */
export function idleStatus(warnings: readonly PrinterWarning[] = []): PrinterStatus {
  return warnings.length > 0 ? { state: 'idle', warnings: [...warnings] } : { state: 'idle' };
}

/** `printing`, with the warnings only when there are any. */
export function printingStatus(
  page: number,
  pages: number,
  warnings: readonly PrinterWarning[] = [],
): PrinterStatus {
  return warnings.length > 0
    ? { state: 'printing', page, pages, warnings: [...warnings] }
    : { state: 'printing', page, pages };
}

export interface PrintInterruptedDetails {
  /** Name of the printer, for the message. */
  printer: string;
  jobId: string;
  /** Pages in the job. */
  pages: number;
  /** Pages that came out whole before the job stopped (0 … pages). */
  pagesPrinted: number;
  /**
   * The fault that stopped the job, or `undefined` when the printer stopped it without reporting one
   * (job canceled at the printer's panel, document refused, disk full for the simulated printer).
   */
  fault: PrinterFault | undefined;
  cause?: unknown;
}

/**
 * A print job that stopped before its last page (or never started because the printer was faulted).
 * `pagesPrinted` pages of the job came out whole; the page after them, if any, may be half printed or
 * stuck in the printer: the copy is spoiled and has to be printed again in full once the fault is
 * cleared. Over IPP, when the printer became unreachable (`fault.state === 'offline'`), `pagesPrinted`
 * is the last count the printer reported, so a lower bound.
 */
export class PrintInterrupted extends KioskError {
  readonly jobId: string;
  readonly pages: number;
  readonly pagesPrinted: number;
  readonly fault: PrinterFault | undefined;

  constructor(details: PrintInterruptedDetails) {
    const { printer, jobId, pages, pagesPrinted, fault } = details;
    const why = fault ? describeStatus(fault) : 'stopped by the printer';
    const where = pagesPrinted < pages ? `at page ${pagesPrinted + 1} of ${pages}` : `after page ${pages}`;
    super('PRINTER_FAILED', `${printer}: ${why} ${where} (job ${jobId}, ${pagesPrinted} printed)`, {
      cause: details.cause,
    });
    this.name = 'PrintInterrupted';
    this.jobId = jobId;
    this.pages = pages;
    this.pagesPrinted = pagesPrinted;
    this.fault = fault;
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Refuses jobs that cannot be printed at all (plain PRINTER_FAILED: nothing was printed). */
export function checkJob(job: PrintJob): void {
  if (job.pages.length === 0) throw new KioskError('PRINTER_FAILED', `job ${job.jobId} has no pages`);
  const bad = job.pages.findIndex((page) => !page.png.subarray(0, 8).equals(PNG_SIGNATURE));
  if (bad >= 0) throw new KioskError('PRINTER_FAILED', `job ${job.jobId}: page ${bad + 1} is not a PNG`);
}
