import type { IppGroup } from 'ipp';
import { IppError, keywords, type IppClient } from './ipp-client';
import { ippPrinterCondition } from './ipp-status';
import { idleStatus, type PrinterStatus, type PrinterWarning } from './printer';

/** What a Get-Printer-Attributes poll found, or `undefined` while failures stay under the threshold. */
export type IppProbeResult = { status: PrinterStatus; reachable: boolean } | undefined;

export const PRINTER_ATTRIBUTES = [
  'printer-state',
  'printer-state-reasons',
  'printer-state-message',
  'document-format-supported',
] as const;

/**
 * What an IPP printer last said about itself: Get-Printer-Attributes with failed requests in a row counted
 * towards offline, its warnings, the document formats it takes and its resting status (idle or a fault).
 * The status poll (ipp.ts) and a running job (ipp-job.ts) share one, so they count failures together.
 */
export class IppPrinterProbe {
  private failures = 0;
  private formats: string[] | undefined;
  private currentWarnings: PrinterWarning[] = [];
  /** What the printer said last, as idle or a fault. */
  private resting: PrinterStatus | undefined;

  constructor(
    private readonly client: IppClient,
    private readonly offlineAfterFailures: number,
  ) {}

  get warnings(): PrinterWarning[] {
    return this.currentWarnings;
  }

  /** What the printer said last, as idle or a fault; `undefined` until it first answers. */
  get lastResting(): PrinterStatus | undefined {
    return this.resting;
  }

  /** The last resting status, or idle with the last warnings. */
  restingStatus(): PrinterStatus {
    return this.resting ?? idleStatus(this.currentWarnings);
  }

  /** One Get-Printer-Attributes, counted towards offline on failure. */
  async poll(): Promise<IppProbeResult> {
    try {
      const attributes = await this.client.getPrinterAttributes(PRINTER_ATTRIBUTES);
      this.succeeded();
      return { status: this.interpret(attributes), reachable: true };
    } catch (error) {
      if (!(error instanceof IppError)) throw error;
      return this.failed() ? { status: { state: 'offline' }, reachable: false } : undefined;
    }
  }

  /** The resting status (idle or a fault) from printer attributes; remembers warnings and formats. */
  interpret(attributes: IppGroup): PrinterStatus {
    const formats = keywords(attributes['document-format-supported']);
    if (formats.length > 0) this.formats = formats;
    const condition = ippPrinterCondition(
      attributes['printer-state'],
      keywords(attributes['printer-state-reasons']),
    );
    this.currentWarnings = condition.warnings;
    this.resting = condition.fault ?? idleStatus(condition.warnings);
    return this.resting;
  }

  /** Unknown formats (no answer yet) count as supported: Print-Job will say. */
  supports(format: string): boolean {
    return this.formats === undefined || this.formats.includes(format);
  }

  /** A request the printer answered. */
  succeeded(): void {
    this.failures = 0;
  }

  /** Counts a failed request; whether the printer counts as offline now. */
  failed(): boolean {
    this.failures += 1;
    return this.failures >= this.offlineAfterFailures;
  }

  /** The printer could not be reached at all: offline at once, and until it answers again. */
  unreachable(): void {
    this.failures = this.offlineAfterFailures;
  }
}
