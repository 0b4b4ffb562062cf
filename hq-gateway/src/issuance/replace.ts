import { DocumentPayload, IssuanceResponse, ReplacementResponse, type SignedDocument } from '../api/schemas';
import { appendAudit } from '../db/audit';
import type { Database } from '../db/database';
import { signDocument, verifySignedDocument, type DocumentSigningKey } from './document-signing';
import { jst } from './jst';
import { createSeal, verifySealOffline } from './seal';
import { newDocumentSerial } from './serial';

export type ReplacementOutcome =
  | { ok: true; body: string; replayed: boolean }
  | {
      ok: false;
      code: 'ISSUANCE_NOT_FOUND' | 'COPY_NOT_FOUND' | 'COPY_NOT_SPOILED';
      message: string;
    };

/**
 * A spoiled copy (reported `spoiled`, so voided) is printed again under a new serial: the same content of
 * the same copy of the same issuance, bound to the same session and card, with a new issue time and its own
 * QR seal, signed anew. One replacement per spoiled serial; a retry answers the stored document byte for
 * byte. The session may have expired and the registry may have changed meanwhile (a jam can take staff a
 * while): the issuance was already granted, and only its lost copy is made again from what was signed.
 */
export async function replaceSpoiledCopy(
  deps: { db: Database; documentKey: DocumentSigningKey; now: () => Date },
  terminalId: string,
  issuanceId: string,
  serial: string,
): Promise<ReplacementOutcome> {
  const rows = await deps.db.query<{
    status: string;
    copy_index: number;
    response: string;
    document: string | null;
  }>(
    `SELECT c.status, c.copy_index, i.response, c.document
     FROM issuance_copies c JOIN issuances i ON i.id = c.issuance_id
     WHERE c.serial = $1 AND i.id = $2 AND i.terminal_id = $3`,
    [serial, issuanceId, terminalId],
  );
  const copy = rows[0];
  if (!copy) {
    const issuance = await deps.db.query('SELECT 1 FROM issuances WHERE id = $1 AND terminal_id = $2', [
      issuanceId,
      terminalId,
    ]);
    return issuance.length === 0
      ? { ok: false, code: 'ISSUANCE_NOT_FOUND', message: 'no such issuance' }
      : { ok: false, code: 'COPY_NOT_FOUND', message: 'no such copy' };
  }
  if (copy.status !== 'spoiled') {
    return {
      ok: false,
      code: 'COPY_NOT_SPOILED',
      message: `copy is ${copy.status}; report it spoiled first`,
    };
  }
  const earlier = await findReplacement(deps.db, serial);
  if (earlier) return { ok: true, body: earlier, replayed: true };

  const now = deps.now();
  const original = spoiledPayload(copy, serial, deps.documentKey);
  const newSerial = newDocumentSerial(original.municipality.code, now);
  const seal = verifySealOffline(original.seal, deps.documentKey.publicKeyPem);
  if (!seal.ok) throw new Error(`stored seal does not verify: ${seal.reason}`);
  const payload: DocumentPayload = {
    ...original,
    serial: newSerial,
    issuedAt: now.toISOString(),
    seal: createSeal({ ...seal.fields, s: newSerial, d: jst(now).date }, deps.documentKey),
  };
  const answer: ReplacementResponse = { replaces: serial, document: signDocument(payload, deps.documentKey) };
  const body = JSON.stringify(answer);

  const stored = await deps.db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO issuance_copies (serial, issuance_id, copy_index, fee_yen, status, status_changed_at,
         replaces_serial, document)
       SELECT $1, issuance_id, copy_index, fee_yen, 'issued', $3, serial, $4
       FROM issuance_copies WHERE serial = $2
       ON CONFLICT (replaces_serial) DO NOTHING
       RETURNING serial`,
      [newSerial, serial, now.toISOString(), body],
    );
    if (inserted.length === 0) return false;
    await appendAudit(tx, {
      event: 'issuance.copy_replaced',
      at: now,
      terminalId,
      issuanceId,
      serial: newSerial,
    });
    return true;
  });
  if (!stored) {
    const winner = await findReplacement(deps.db, serial);
    if (!winner) throw new Error('replacement conflict without a stored replacement');
    return { ok: true, body: winner, replayed: true };
  }
  return { ok: true, body, replayed: false };
}

async function findReplacement(db: Database, spoiledSerial: string): Promise<string | undefined> {
  const rows = await db.query<{ document: string }>(
    'SELECT document FROM issuance_copies WHERE replaces_serial = $1',
    [spoiledSerial],
  );
  return rows[0]?.document;
}

/** The signed payload of the spoiled copy: the issuance's answer, or the replacement it came from. */
function spoiledPayload(
  copy: { response: string; document: string | null },
  serial: string,
  key: DocumentSigningKey,
): DocumentPayload {
  const documents: SignedDocument[] = copy.document
    ? [ReplacementResponse.parse(JSON.parse(copy.document)).document]
    : IssuanceResponse.parse(JSON.parse(copy.response)).documents;
  for (const doc of documents) {
    // Our own stored answer, checked anyway: a replacement must never be built from bytes HQ did not sign.
    const payload = verifySignedDocument(doc, key.publicKeyPem);
    if (payload.serial === serial) return payload;
  }
  throw new Error('spoiled serial not found in its stored documents');
}
