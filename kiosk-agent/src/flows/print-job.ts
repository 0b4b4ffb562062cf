import { randomUUID } from 'node:crypto';
import type { DocumentPayload, IssuanceResponse, SignedDocument } from 'hq-gateway/api/schemas';
import { verifySignedDocument } from 'hq-gateway/issuance/document-signing';
import { KioskError } from '../errors';
import type { HqClient } from '../hq/client';
import { recoverJob, type Journal, type PreparedCopy, type RecoveryPorts } from '../journal/index';
import { PrintInterrupted, type Printer, type PrinterFault } from '../printer/printer';
import type { RenderedPage } from '../render/juminhyo';
import type { AuthenticatedSession } from './authenticate';

export interface PrintJobDeps {
  hq: HqClient;
  printer: Printer;
  render: (doc: DocumentPayload) => Promise<RenderedPage[]>;
  /** HQ's document-signing public key (SPKI PEM), configured on the kiosk. */
  documentPublicKey: string;
  /** The crash-safe record of every print job: ids and progress only. */
  journal: Journal;
}

/** What the job needs from the kiosk while it runs: someone to clear a printer fault. */
export interface PrintJobHooks {
  /** A copy was spoiled by a printer fault: call staff (the job waits in `waitForStaff`). */
  onFault(fault: PrinterFault | undefined): void;
  /** Resolves when staff cleared the fault and pressed resume. */
  waitForStaff(): Promise<void>;
}

/**
 * Checks that every document is signed by HQ and bound to this session, this terminal and the card that
 * authenticated; anything else is refused before a single page is rendered. A certificate of another
 * person can never reach the printer.
 */
export function verifyBinding(
  issuance: Pick<IssuanceResponse, 'issuanceId' | 'documents'>,
  auth: AuthenticatedSession,
  terminalId: string,
  documentPublicKey: string,
): DocumentPayload[] {
  return issuance.documents.map((signed: SignedDocument) => {
    let doc: DocumentPayload;
    try {
      doc = verifySignedDocument(signed, documentPublicKey);
    } catch (error) {
      throw new KioskError('DOCUMENT_INVALID', 'HQ signature check failed', { cause: error });
    }
    if (
      doc.sessionId !== auth.session.sessionId ||
      doc.cardCertificateSha256 !== auth.certificateSha256 ||
      doc.terminalId !== terminalId ||
      doc.issuanceId !== issuance.issuanceId
    ) {
      throw new KioskError('DOCUMENT_INVALID', 'document not bound to this session and card');
    }
    return doc;
  });
}

export interface PrintedJob {
  jobId: string;
  issuanceId: string;
  serials: string[];
}

/**
 * Requests the documents, verifies their binding, and prints every copy exactly once through the job
 * journal: a copy spoiled by a jam is reported spoiled (HQ voids it), staff clear the printer, and the copy
 * is printed again under a new serial from HQ. The same journal lets a restarted agent finish the job.
 */
export async function issueAndPrint(
  deps: PrintJobDeps,
  auth: AuthenticatedSession,
  request: { copies: number },
  hooks: PrintJobHooks,
): Promise<PrintedJob> {
  const { hq, journal } = deps;
  const issuance = await hq.issue({
    sessionId: auth.session.sessionId,
    idempotencyKey: randomUUID(),
    certificateType: 'juminhyo',
    scope: 'self',
    copies: request.copies,
  });
  const documents = verifyBinding(issuance, auth, hq.terminalId, deps.documentPublicKey);
  const jobId = randomUUID();
  await journal.append({
    type: 'job.opened',
    jobId,
    issuanceId: issuance.issuanceId,
    copies: documents.length,
    feeYen: issuance.feeYen,
  });
  // The fee was accepted on the confirm screen; a payment device records the money here (a later issue).
  await journal.append({ type: 'job.paid', jobId, amountYen: issuance.feeYen });

  const serials: string[] = [];
  const ports: RecoveryPorts = {
    reportCopy: async (issuanceId, serial, status) => {
      await hq.reportCopy(issuanceId, serial, { status });
      if (status === 'printed') serials.push(serial);
    },
    prepareCopy: async (_job, copyIndex, replaces) => {
      let doc = documents[copyIndex]; // the journal counts copies from 0
      if (replaces !== null) {
        await hooks.waitForStaff();
        const replacement = await hq.replaceCopy(issuance.issuanceId, replaces);
        [doc] = verifyBinding(
          { issuanceId: issuance.issuanceId, documents: [replacement.document] },
          auth,
          hq.terminalId,
          deps.documentPublicKey,
        );
      }
      if (!doc) throw new KioskError('INTERNAL', `no document for copy ${copyIndex}`);
      return preparedCopy(deps, jobId, doc);
    },
    refund: async () => {
      // No payment device yet: nothing was taken, nothing to give back.
    },
  };
  for (;;) {
    try {
      await recoverJob(journal, jobId, ports, { canReprint: true });
      return { jobId, issuanceId: issuance.issuanceId, serials };
    } catch (error) {
      if (!(error instanceof PrintInterrupted)) throw error;
      // The journal already holds the copy as spoiled; the next round reports it, waits for staff and
      // prints it again under a new serial.
      hooks.onFault(error.fault);
    }
  }
}

function preparedCopy(deps: PrintJobDeps, jobId: string, doc: DocumentPayload): PreparedCopy {
  let pages: RenderedPage[] | undefined;
  return {
    serial: doc.serial,
    async print() {
      pages = await deps.render(doc);
      await deps.printer.print({
        jobId,
        pages: pages.map((page) => ({ png: page.png, label: `${doc.serial}-p${page.pageNumber}` })),
      });
    },
    // The page images are personal data: overwrite them rather than wait for the garbage collector.
    discard() {
      for (const page of pages ?? []) page.png.fill(0);
    },
  };
}
