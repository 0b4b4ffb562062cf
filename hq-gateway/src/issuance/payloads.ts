import type { DocumentContent, DocumentPayload } from '../api/schemas';
import type { Municipality, Resident } from '../registry/types';
import { nameOf } from './content';
import type { DocumentSigningKey } from './document-signing';
import { jst } from './jst';
import { createSeal } from './seal';

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
 * One payload per copy, each with its own serial and its own QR seal (type, serial, JST issue date, the
 * card holder's name and birth date, municipality, key id).
 */
export function buildPayloads(
  q: {
    municipality: Municipality;
    holder: Resident;
    content: DocumentContent;
    binding: DocumentBinding;
    serials: readonly string[];
  },
  key: DocumentSigningKey,
): DocumentPayload[] {
  const { municipality, holder, content, binding, serials } = q;
  const d = jst(binding.issuedAt).date;
  return serials.map((serial, i) => ({
    version: 2,
    type: content.type,
    serial,
    issuedAt: binding.issuedAt.toISOString(),
    issuanceId: binding.issuanceId,
    sessionId: binding.sessionId,
    terminalId: binding.terminalId,
    cardCertificateSha256: binding.cardCertificateSha256,
    copy: { index: i + 1, of: serials.length },
    municipality: {
      code: municipality.code,
      name: municipality.name,
      mayor: municipality.mayor,
      prefecture: municipality.prefecture,
    },
    content,
    seal: createSeal(
      {
        t: content.type,
        s: serial,
        d,
        n: sealName(nameOf(holder)),
        b: holder.birthDate,
        m: municipality.code,
        k: key.keyId,
      },
      key,
    ),
  }));
}

/** SealFields.n holds at most 40 UTF-16 units; a longer name is cut at a character boundary. */
export function sealName(name: string): string {
  let out = '';
  for (const ch of name) {
    if (out.length + ch.length > 40) break;
    out += ch;
  }
  return out;
}
