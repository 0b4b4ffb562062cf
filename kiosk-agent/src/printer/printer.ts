/**
 * The narrow printer port the issuance flow talks to. Implementations: ./simulated (PNG files in a
 * folder) and, later, an IPP printer. Progress and faults arrive as status events.
 */

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
  | { readonly state: 'jam'; readonly where: string }
  | { readonly state: 'coverOpen' }
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
   * other. Rejects with `KioskError('PRINTER_FAILED', detail)` if the printer is faulted or fails
   * on the way; pages before the failure may have been printed.
   */
  print(job: PrintJob): Promise<PrintResult>;
}

export function isFault(status: PrinterStatus): status is PrinterFault {
  return status.state !== 'idle' && status.state !== 'printing';
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
