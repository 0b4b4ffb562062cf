import { appendAudit } from '../db/audit';
import type { Database } from '../db/database';
import { findSession } from '../db/sessions';
import { loadJuminhyoRecord } from '../registry/store';
import type { ReplacementResponse } from '../api/schemas';
import { signDocument, type DocumentSigningKey } from './document-signing';
import { buildJuminhyoPayloads } from './juminhyo';
import { newDocumentSerial } from './serial';

export type ReplacementOutcome =
  | { ok: true; body: string; replayed: boolean }
  | {
      ok: false;
      code: 'ISSUANCE_NOT_FOUND' | 'COPY_NOT_FOUND' | 'COPY_NOT_SPOILED' | 'SERVICE_REFUSED';
      message: string;
    };

/**
 * A spoiled copy (reported `spoiled`, so voided) is printed again under a new serial: the same copy of
 * the same issuance, bound to the same session and card, signed anew. One replacement per spoiled serial;
 * a retry answers the stored document byte for byte. The session may have expired meanwhile (a jam can
 * take staff a while): the issuance was already granted, and only its lost copy is made again.
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
    copies: number;
    session_id: string;
  }>(
    `SELECT c.status, c.copy_index, i.copies, i.session_id
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

  const session = await findSession(deps.db, copy.session_id, terminalId);
  if (!session) return { ok: false, code: 'ISSUANCE_NOT_FOUND', message: 'no such issuance' };
  const record = await loadJuminhyoRecord(deps.db, session.residentId);
  if (!record) return { ok: false, code: 'SERVICE_REFUSED', message: 'resident no longer registered' };

  const now = deps.now();
  const newSerial = newDocumentSerial(record.municipality.code, now);
  const [payload] = buildJuminhyoPayloads(
    record,
    {
      issuanceId,
      sessionId: session.id,
      terminalId,
      cardCertificateSha256: session.cardCertSha256,
      issuedAt: now,
    },
    [newSerial],
  );
  if (!payload) throw new Error('no payload built');
  payload.copy = { index: copy.copy_index, of: copy.copies };
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
