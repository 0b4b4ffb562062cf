import { randomUUID } from 'node:crypto';
import type { DocumentPayload, IssuanceResponse } from 'hq-gateway/api/schemas';
import { verifySignedDocument } from 'hq-gateway/issuance/document-signing';
import { KioskError } from '../errors';
import type { HqClient } from '../hq/client';
import type { Printer } from '../printer/printer';
import type { RenderedPage } from '../render/juminhyo';
import type { AuthenticatedSession } from './authenticate';

export interface PrintJobDeps {
  hq: HqClient;
  printer: Printer;
  render: (doc: DocumentPayload) => Promise<RenderedPage[]>;
  /** HQ's document-signing public key (SPKI PEM), configured on the kiosk. */
  documentPublicKey: string;
}

/**
 * Checks that every document is signed by HQ and bound to this session, this terminal and the card that
 * authenticated; anything else is refused before a single page is rendered. A certificate of another
 * person can never reach the printer.
 */
export function verifyBinding(
  issuance: IssuanceResponse,
  auth: AuthenticatedSession,
  terminalId: string,
  documentPublicKey: string,
): DocumentPayload[] {
  return issuance.documents.map((signed) => {
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
  issuanceId: string;
  serials: string[];
}

/** Requests the documents, verifies their binding, renders and prints them, and reports each copy to HQ. */
export async function issueAndPrint(
  deps: PrintJobDeps,
  auth: AuthenticatedSession,
  request: { copies: number },
): Promise<PrintedJob> {
  const issuance = await deps.hq.issue({
    sessionId: auth.session.sessionId,
    idempotencyKey: randomUUID(),
    certificateType: 'juminhyo',
    scope: 'self',
    copies: request.copies,
  });
  const documents = verifyBinding(issuance, auth, deps.hq.terminalId, deps.documentPublicKey);
  const serials: string[] = [];
  for (const doc of documents) {
    const pages = await deps.render(doc);
    try {
      await deps.printer.print({
        jobId: issuance.issuanceId,
        pages: pages.map((page) => ({ png: page.png, label: `${doc.serial}-p${page.pageNumber}` })),
      });
    } finally {
      // The page images are personal data: overwrite them rather than wait for the garbage collector.
      for (const page of pages) page.png.fill(0);
    }
    await deps.hq.reportCopy(issuance.issuanceId, doc.serial, { status: 'printed' });
    serials.push(doc.serial);
  }
  return { issuanceId: issuance.issuanceId, serials };
}
