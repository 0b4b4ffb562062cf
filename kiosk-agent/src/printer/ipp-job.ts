import type { IppGroup } from 'ipp';
import { IppError, type IppClient } from './ipp-client';
import type { IppDocument } from './ipp-documents';
import { PRINTER_ATTRIBUTES, type IppPrinterProbe } from './ipp-probe';
import { ippJobState, isTerminal, type IppJobState } from './ipp-status';
import { isFault, printingStatus, type PrinterFault, type PrintInterrupted } from './printer';
import type { StatusEmitter } from './status-emitter';

/**
 * One IPP document of a print job: Print-Job, then Get-Job-Attributes and Get-Printer-Attributes every
 * `printingPollMs` for progress (job-impressions-completed) and faults. A fault, or a job that stalls, cancels
 * the printer's job (see IppPrinter) and ends in PrintInterrupted with the pages the printer reported complete.
 */

/** Builds the PrintInterrupted of the running print job (and shows the fault, if any). */
export type Interrupted = (
  pagesPrinted: number,
  fault: PrinterFault | undefined,
  cause?: unknown,
) => PrintInterrupted;

/** What a running job works with: the IppPrinter's client, probe, status and options. */
export interface IppJobContext {
  client: IppClient;
  probe: IppPrinterProbe;
  emitter: StatusEmitter;
  options: {
    printingPollMs: number;
    printJobTimeoutMs: number;
    stallTimeoutMs: number;
    settleMs: number;
    media?: string | undefined;
  };
}

const JOB_ATTRIBUTES = [
  'job-state',
  'job-state-reasons',
  'job-impressions-completed',
  'job-pages-completed',
  'job-media-sheets-completed',
] as const;

/**
 * Sends one document and follows it to the end. Resolves to its page count when completed; throws
 * PrintInterrupted with `done` + the pages of this document the printer reported complete.
 */
export async function printIppDocument(
  context: IppJobContext,
  document: IppDocument,
  done: number,
  total: number,
  interrupted: Interrupted,
): Promise<number> {
  const { client, probe, emitter, options } = context;
  // Between the documents of a PNG job the printer may have faulted.
  if (done > 0 && probe.lastResting && isFault(probe.lastResting)) throw interrupted(done, probe.lastResting);
  emitter.set(printingStatus(done + 1, total, probe.warnings));
  let jobId: number;
  try {
    ({ jobId } = await client.printJob({
      data: document.data,
      format: document.format,
      jobName: document.name,
      jobAttributes: options.media ? { media: options.media } : undefined,
      timeoutMs: options.printJobTimeoutMs,
    }));
  } catch (error) {
    if (!(error instanceof IppError)) throw error;
    if (error.kind === 'unreachable') {
      probe.unreachable();
      throw interrupted(done, { state: 'offline' }, error);
    }
    // Refused (not accepting jobs, format, …): nothing of this document printed.
    const polled = await probe.poll();
    throw interrupted(done, polled && isFault(polled.status) ? polled.status : undefined, error);
  }

  let completed = 0;
  let lastChange = Date.now();
  let lastKey = '';
  for (;;) {
    await delay(options.printingPollMs);
    const [jobResult, printerResult] = await Promise.allSettled([
      client.getJobAttributes(jobId, JOB_ATTRIBUTES),
      client.getPrinterAttributes(PRINTER_ATTRIBUTES),
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
        const fault = probe.interpret(printerResult.value);
        throw interrupted(done + completed, isFault(fault) ? fault : undefined, error);
      }
      if (probe.failed()) {
        throw interrupted(done + completed, { state: 'offline' }, error);
      }
      continue;
    }
    probe.succeeded();
    const jobAttributes = (jobResult as PromiseFulfilledResult<IppGroup>).value;
    const resting = probe.interpret((printerResult as PromiseFulfilledResult<IppGroup>).value);
    const state = ippJobState(jobAttributes['job-state']);
    completed = Math.max(completed, pagesCompleted(jobAttributes, document.pages));

    if (state === 'completed') return document.pages;
    if (state === 'aborted' || state === 'canceled') {
      throw interrupted(done + completed, isFault(resting) ? resting : undefined);
    }
    if (isFault(resting)) {
      completed = await cancelAndSettle(context, jobId, completed, document.pages);
      throw interrupted(done + completed, resting);
    }
    emitter.set(printingStatus(Math.min(done + completed + 1, total), total, probe.warnings));

    const key = `${state}/${completed}`;
    if (key !== lastKey) {
      lastKey = key;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > options.stallTimeoutMs) {
      completed = await cancelAndSettle(context, jobId, completed, document.pages);
      throw interrupted(
        done + completed,
        undefined,
        new Error(`job ${jobId} stalled in ${state ?? 'unknown'}`),
      );
    }
  }
}

/** Cancels the printer's job and waits (up to `settleMs`) for its final page count. */
async function cancelAndSettle(
  { client, options }: IppJobContext,
  jobId: number,
  completed: number,
  pages: number,
): Promise<number> {
  await client.cancelJob(jobId).catch(() => undefined); // already ended, or unreachable
  const until = Date.now() + options.settleMs;
  let state: IppJobState | undefined;
  while (!isTerminal(state) && Date.now() < until) {
    try {
      const attributes = await client.getJobAttributes(jobId, JOB_ATTRIBUTES);
      state = ippJobState(attributes['job-state']);
      completed = Math.max(completed, pagesCompleted(attributes, pages));
    } catch {
      break;
    }
    if (!isTerminal(state)) await delay(options.printingPollMs);
  }
  return completed;
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
