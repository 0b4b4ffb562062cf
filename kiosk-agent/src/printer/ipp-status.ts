import type { PrinterFault, PrinterWarning } from './printer';

/**
 * IPP printer-state / printer-state-reasons (RFC 8011 §5.4.11–12, PWG 5100.9) → the kiosk's model.
 *
 * Reasons may carry a severity suffix (`-error`, `-warning`, `-report`). It is ignored on purpose:
 * ippeveprinter, like some real printers, reports a jam that nobody has cleared yet as
 * `media-jam-report` once it is idle, and `media-jam-warning` while printing. A reason is the condition;
 * whether the printer stops is what printer-state says.
 */

export interface IppPrinterCondition {
  /** The fault that keeps the printer from printing, if any. */
  fault: PrinterFault | undefined;
  warnings: PrinterWarning[];
}

const SUFFIX = /-(error|warning|report)$/;

const PAPER_OUT = new Set(['media-empty', 'media-needed']);
const COVER_OPEN = new Set(['cover-open', 'door-open', 'interlock-open']);
const OFFLINE = new Set(['offline', 'shutdown', 'paused', 'connecting-to-device']);
const PAPER_LOW = new Set(['media-low']);
const TONER_LOW = new Set(['toner-low', 'toner-empty', 'marker-supply-low', 'marker-supply-empty']);

/** `media-jam-warning` → `media-jam`. */
export function reasonKeyword(reason: string): string {
  return reason.trim().toLowerCase().replace(SUFFIX, '');
}

/**
 * Maps printer-state (`idle`, `processing`, `stopped`, or the enum number 3–5) and
 * printer-state-reasons. When several faults are reported the one staff must deal with first wins:
 * jam, then cover open, then paper out, then offline. A printer that says it is `stopped` without a
 * reason the kiosk knows (e.g. `marker-waste-full-error`) is `offline`: it will not print.
 */
export function ippPrinterCondition(state: unknown, reasons: readonly string[]): IppPrinterCondition {
  const keywords = new Set(reasons.map(reasonKeyword).filter((r) => r !== '' && r !== 'none'));
  const warnings: PrinterWarning[] = [];
  if ([...keywords].some((k) => PAPER_LOW.has(k))) warnings.push('paperLow');
  if ([...keywords].some((k) => TONER_LOW.has(k))) warnings.push('tonerLow');

  const jam = [...keywords].find((k) => k === 'media-jam' || k.endsWith('-jam'));
  let fault: PrinterFault | undefined;
  if (jam) fault = { state: 'jam', where: jamLocation(jam) };
  else if ([...keywords].some((k) => COVER_OPEN.has(k))) fault = { state: 'coverOpen' };
  else if ([...keywords].some((k) => PAPER_OUT.has(k))) fault = { state: 'paperOut' };
  else if ([...keywords].some((k) => OFFLINE.has(k)) || state === 'stopped' || state === 5) {
    fault = { state: 'offline' };
  }
  return { fault, warnings };
}

/** `media-jam` → `paper path`; a more specific `<place>-jam` (vendor or PWG 5100.9) → `<place>`. */
function jamLocation(keyword: string): string {
  if (keyword === 'media-jam') return 'paper path';
  return keyword.replace(/-jam$/, '').replace(/^media-/, '') || 'paper path';
}

export type IppJobState =
  'pending' | 'pending-held' | 'processing' | 'processing-stopped' | 'canceled' | 'aborted' | 'completed';

const JOB_STATES: readonly IppJobState[] = [
  'pending',
  'pending-held',
  'processing',
  'processing-stopped',
  'canceled',
  'aborted',
  'completed',
];

/** job-state as a keyword (the decoder gives keywords, or the enum number 3–9 for unknown tables). */
export function ippJobState(value: unknown): IppJobState | undefined {
  if (typeof value === 'number') return JOB_STATES[value - 3];
  return JOB_STATES.find((state) => state === value);
}

export function isTerminal(state: IppJobState | undefined): boolean {
  return state === 'canceled' || state === 'aborted' || state === 'completed';
}
