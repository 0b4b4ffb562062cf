import { randomUUID } from 'node:crypto';
import type {
  CertificateOptions,
  DocumentPayload,
  IssuanceResponse,
  SignedDocument,
} from 'hq-gateway/api/schemas';
import { verifySignedDocument } from 'hq-gateway/issuance/document-signing';
import { KioskError } from '../errors';
import type { HqClient } from '../hq/client';
import { recoverJob, type Journal, type PreparedCopy, type RecoveryPorts } from '../journal/index';
import { PrintInterrupted, type Printer, type PrinterFault } from '../printer/printer';
import type { RenderedPage } from '../render/index';
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

/** What the job needs from the kiosk while it runs: someone to clear a printer fault, and the cash box. */
export interface PrintJobHooks {
  /** A copy was spoiled by a printer fault: call staff (the job waits in `waitForStaff`). */
  onFault(fault: PrinterFault | undefined): void;
  /** Resolves when staff cleared the fault and pressed resume, or gave up on the job. */
  waitForStaff(): Promise<StaffDecision>;
  /** Pays back the fee of copies that will not be printed. */
  refund(amountYen: number): Promise<void>;
}

export type StaffDecision = 'resume' | 'cancel';

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

/** The documents HQ issued for a paid request, checked and ready to print. */
export interface IssuedDocuments {
  issuanceId: string;
  /** For all copies, as HQ quoted it. */
  feeYen: number;
  documents: DocumentPayload[];
}

/** Asks HQ for the documents and verifies their signature and binding before anything else happens. */
export async function requestDocuments(
  deps: Pick<PrintJobDeps, 'hq' | 'documentPublicKey'>,
  auth: AuthenticatedSession,
  request: { options: CertificateOptions; copies: number },
): Promise<IssuedDocuments> {
  const issuance = await deps.hq.issue({
    sessionId: auth.session.sessionId,
    idempotencyKey: randomUUID(),
    options: request.options,
    copies: request.copies,
  });
  const documents = verifyBinding(issuance, auth, deps.hq.terminalId, deps.documentPublicKey);
  return { issuanceId: issuance.issuanceId, feeYen: issuance.feeYen, documents };
}

export interface PrintedJob {
  jobId: string;
  issuanceId: string;
  /** Serials HQ recorded as printed, in order. */
  serials: string[];
  /** Fee paid back for copies that could not be printed. */
  refundedYen: number;
}

/** Staff gave up on a paused job (the printer cannot be fixed now): the missing copies are refunded. */
class JobCancelledByStaff extends Error {}

/**
 * Prints every copy exactly once through the job journal: a copy spoiled by a jam is reported spoiled (HQ
 * voids it), staff clear the printer, and the copy is printed again under a new serial from HQ. When staff
 * cancel instead, the fee of every copy not printed is paid back. The same journal lets a restarted agent
 * finish the job.
 */
export async function printDocuments(
  deps: PrintJobDeps,
  auth: AuthenticatedSession,
  issued: IssuedDocuments,
  paidYen: number,
  hooks: PrintJobHooks,
): Promise<PrintedJob> {
  const { hq, journal } = deps;
  const { issuanceId, documents } = issued;
  const jobId = randomUUID();
  await journal.append({
    type: 'job.opened',
    jobId,
    issuanceId,
    copies: documents.length,
    feeYen: issued.feeYen,
  });
  if (paidYen > 0) await journal.append({ type: 'job.paid', jobId, amountYen: paidYen });

  const serials: string[] = [];
  let refundedYen = 0;
  const ports: RecoveryPorts = {
    reportCopy: async (id, serial, status) => {
      await hq.reportCopy(id, serial, { status });
      if (status === 'printed') serials.push(serial);
    },
    prepareCopy: async (_job, copyIndex, replaces) => {
      let doc = documents[copyIndex]; // the journal counts copies from 0
      if (replaces !== null) {
        if ((await hooks.waitForStaff()) === 'cancel') throw new JobCancelledByStaff();
        const replacement = await hq.replaceCopy(issuanceId, replaces);
        [doc] = verifyBinding(
          { issuanceId, documents: [replacement.document] },
          auth,
          hq.terminalId,
          deps.documentPublicKey,
        );
      }
      if (!doc) throw new KioskError('INTERNAL', `no document for copy ${copyIndex}`);
      return preparedCopy(deps, jobId, doc);
    },
    refund: async (_job, amountYen) => {
      await hooks.refund(amountYen);
      refundedYen += amountYen;
    },
  };
  let canReprint = true;
  for (;;) {
    try {
      await recoverJob(journal, jobId, ports, { canReprint });
      return { jobId, issuanceId, serials, refundedYen };
    } catch (error) {
      if (error instanceof JobCancelledByStaff) {
        canReprint = false;
        continue;
      }
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
