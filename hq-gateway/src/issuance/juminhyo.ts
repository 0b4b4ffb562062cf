import type { DocumentPayload } from '../api/schemas';
import type { JuminhyoRecord } from '../registry/store';

/** What binds a document to the moment it was issued for: issuance, session, terminal and card. */
export interface DocumentBinding {
  issuanceId: string;
  sessionId: string;
  terminalId: string;
  /** SHA-256 of the DER user-authentication certificate that opened the session, hex. */
  cardCertificateSha256: string;
  issuedAt: Date;
}

/**
 * The 住民票の写し of the card holder alone ("self" scope) with default options: the holder's own line, the
 * address and the householder's name. One payload per copy, each with its own serial.
 */
export function buildJuminhyoPayloads(
  record: JuminhyoRecord,
  binding: DocumentBinding,
  serials: readonly string[],
): DocumentPayload[] {
  return serials.map((serial, i) => ({
    version: 1,
    type: 'juminhyo',
    serial,
    issuedAt: binding.issuedAt.toISOString(),
    issuanceId: binding.issuanceId,
    sessionId: binding.sessionId,
    terminalId: binding.terminalId,
    cardCertificateSha256: binding.cardCertificateSha256,
    copy: { index: i + 1, of: serials.length },
    municipality: {
      code: record.municipality.code,
      name: record.municipality.name,
      mayor: record.municipality.mayor,
      prefecture: record.municipality.prefecture,
    },
    address: record.address,
    householder: record.householder,
    persons: [record.person],
  }));
}
