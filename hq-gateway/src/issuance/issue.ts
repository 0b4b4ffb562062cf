import { createHash, randomUUID } from 'node:crypto';
import type { IssuanceRequest, IssuanceResponse } from '../api/schemas';
import { appendAudit } from '../db/audit';
import type { Database } from '../db/database';
import { findSession } from '../db/sessions';
import { loadJuminhyoRecord } from '../registry/store';
import { signDocument, type DocumentSigningKey } from './document-signing';
import { juminhyoFeePerCopy } from './fees';
import { buildJuminhyoPayloads } from './juminhyo';
import { newDocumentSerial } from './serial';
import { findIssuanceByKey, insertIssuance, type StoredIssuance } from './store';

export interface IssueDeps {
  db: Database;
  documentKey: DocumentSigningKey;
  now: () => Date;
}

export type IssueOutcome =
  | {
      ok: true;
      /** `replayed`: the idempotency key was seen before with the same request; body is the stored answer. */
      outcome: 'created' | 'replayed';
      issuanceId: string;
      /** The JSON text to answer with, byte for byte the same on every replay. */
      body: string;
    }
  | {
      ok: false;
      code: 'IDEMPOTENCY_CONFLICT' | 'SESSION_NOT_FOUND' | 'SESSION_EXPIRED' | 'SERVICE_REFUSED';
      message: string;
    };

/**
 * POST /v1/kiosk/issuances behind the HTTP layer: the session holder's own 住民票の写し, one signed document
 * per copy, each bound to the session and the card certificate that opened it. Idempotent per terminal and
 * key: the stored answer is replayed even after the session has expired, so a kiosk that lost the first
 * answer can still print what it was given.
 */
export async function issueDocuments(
  deps: IssueDeps,
  terminalId: string,
  request: IssuanceRequest,
): Promise<IssueOutcome> {
  const requestSha256 = hashRequest(request);
  const earlier = await findIssuanceByKey(deps.db, terminalId, request.idempotencyKey);
  if (earlier) return replay(earlier, requestSha256);

  const now = deps.now();
  const session = await findSession(deps.db, request.sessionId, terminalId);
  if (!session) return { ok: false, code: 'SESSION_NOT_FOUND', message: 'no such session' };
  if (session.expiresAt.getTime() <= now.getTime()) {
    return { ok: false, code: 'SESSION_EXPIRED', message: 'session expired' };
  }
  const record = await loadJuminhyoRecord(deps.db, session.residentId);
  if (!record) return { ok: false, code: 'SERVICE_REFUSED', message: 'resident no longer registered' };

  const issuanceId = randomUUID();
  const serials = Array.from({ length: request.copies }, () =>
    newDocumentSerial(record.municipality.code, now),
  );
  const payloads = buildJuminhyoPayloads(
    record,
    {
      issuanceId,
      sessionId: session.id,
      terminalId,
      cardCertificateSha256: session.cardCertSha256,
      issuedAt: now,
    },
    serials,
  );
  const feePerCopyYen = juminhyoFeePerCopy(record.municipality);
  const response: IssuanceResponse = {
    issuanceId,
    feeYen: feePerCopyYen * serials.length,
    documents: payloads.map((p) => signDocument(p, deps.documentKey)),
  };
  const body = JSON.stringify(response);

  const stored = await deps.db.transaction(async (tx) => {
    const inserted = await insertIssuance(tx, {
      id: issuanceId,
      terminalId,
      sessionId: session.id,
      idempotencyKey: request.idempotencyKey,
      requestSha256,
      certificateType: request.certificateType,
      feePerCopyYen,
      serials,
      response: body,
      createdAt: now,
    });
    if (!inserted) return false;
    await appendAudit(tx, {
      event: 'issuance.created',
      at: now,
      terminalId,
      sessionId: session.id,
      issuanceId,
      cardId: session.cardId,
      residentId: session.residentId,
    });
    return true;
  });
  if (!stored) {
    // A concurrent request with the same key committed first: answer as a retry would be answered.
    const winner = await findIssuanceByKey(deps.db, terminalId, request.idempotencyKey);
    if (!winner) throw new Error('idempotency key conflict without a stored issuance');
    return replay(winner, requestSha256);
  }
  return { ok: true, outcome: 'created', issuanceId, body };
}

function replay(stored: StoredIssuance, requestSha256: string): IssueOutcome {
  if (stored.requestSha256 !== requestSha256) {
    return {
      ok: false,
      code: 'IDEMPOTENCY_CONFLICT',
      message: 'idempotency key reused with a different request',
    };
  }
  return { ok: true, outcome: 'replayed', issuanceId: stored.id, body: stored.response };
}

/** Over the parsed request (defaults applied), so `{copies: 1}` and an omitted `copies` are the same request. */
function hashRequest(r: IssuanceRequest): string {
  const canonical = JSON.stringify([r.sessionId, r.idempotencyKey, r.certificateType, r.scope, r.copies]);
  return createHash('sha256').update(canonical).digest('hex');
}
