import { createHash, randomUUID } from 'node:crypto';
import type { IssuanceRequest, IssuanceResponse, RefusalReason } from '../api/schemas';
import type { Database } from '../db/database';
import { buildContent } from './content';
import { signDocument, type DocumentSigningKey } from './document-signing';
import { loadIssuanceStart } from './offer-loader';
import { optionsProblem } from './options';
import { buildPayloads } from './payloads';
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
      code:
        | 'IDEMPOTENCY_CONFLICT'
        | 'SESSION_NOT_FOUND'
        | 'SESSION_EXPIRED'
        | 'SERVICE_REFUSED'
        | 'OPTIONS_INVALID';
      message: string;
      /** For SERVICE_REFUSED: the offer's reason. */
      reason?: RefusalReason;
    };

/**
 * POST /v1/kiosk/issuances behind the HTTP layer: the certificate and options the user chose, re-checked
 * against the offer computed now (hours, refusals, options), one signed document per copy, each with its
 * own serial and QR seal, bound to the session and the card certificate that opened it. Idempotent per
 * terminal and key: the stored answer is replayed even after the session has expired, so a kiosk that lost
 * the first answer can still print what it was given.
 */
export async function issueDocuments(
  deps: IssueDeps,
  terminalId: string,
  request: IssuanceRequest,
): Promise<IssueOutcome> {
  const requestSha256 = hashRequest(request);
  const now = deps.now();
  const { earlier, session, loaded } = await loadIssuanceStart(
    deps.db,
    { sessionId: request.sessionId, terminalId, idempotencyKey: request.idempotencyKey },
    now,
  );
  if (earlier) return replay(earlier, requestSha256);
  if (!session) return { ok: false, code: 'SESSION_NOT_FOUND', message: 'no such session' };
  if (session.expiresAt.getTime() <= now.getTime()) {
    return { ok: false, code: 'SESSION_EXPIRED', message: 'session expired' };
  }
  if (!loaded) return { ok: false, code: 'SERVICE_REFUSED', message: 'resident no longer registered' };
  const { records, offer } = loaded;
  const type = request.options.type;
  const offered = offer.certificates.find((c) => c.type === type);
  if (!offered) {
    return { ok: false, code: 'SERVICE_REFUSED', message: 'not issued here', reason: 'notRegistered' };
  }
  if (!offered.available) {
    const reason = offered.refusal ?? 'notRegistered';
    return { ok: false, code: 'SERVICE_REFUSED', message: `refused: ${reason}`, reason };
  }
  const problem = optionsProblem(request.options, offered, records);
  if (problem) return { ok: false, code: 'OPTIONS_INVALID', message: problem };

  const issuanceId = randomUUID();
  const serials = Array.from({ length: request.copies }, () =>
    newDocumentSerial(records.municipality.code, now),
  );
  const payloads = buildPayloads(
    {
      municipality: records.municipality,
      holder: records.holder,
      content: buildContent(request.options, records),
      binding: {
        issuanceId,
        sessionId: session.id,
        terminalId,
        cardCertificateSha256: session.cardCertSha256,
        issuedAt: now,
      },
      serials,
    },
    deps.documentKey,
  );
  const feePerCopyYen = offered.feeYen;
  const response: IssuanceResponse = {
    issuanceId,
    feeYen: feePerCopyYen * serials.length,
    documents: payloads.map((p) => signDocument(p, deps.documentKey)),
  };
  const body = JSON.stringify(response);

  const stored = await insertIssuance(
    deps.db,
    {
      id: issuanceId,
      terminalId,
      sessionId: session.id,
      idempotencyKey: request.idempotencyKey,
      requestSha256,
      certificateType: type,
      feePerCopyYen,
      serials,
      response: body,
      createdAt: now,
    },
    {
      event: 'issuance.created',
      at: now,
      terminalId,
      sessionId: session.id,
      issuanceId,
      cardId: session.cardId,
      residentId: session.residentId,
      code: type,
    },
  );
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

/**
 * Over the parsed request (defaults applied), so `{copies: 1}` and an omitted `copies` are the same request;
 * object keys sorted, so the options' spelling order does not matter.
 */
export function hashRequest(r: IssuanceRequest): string {
  const canonical = canonicalJson([r.sessionId, r.idempotencyKey, r.options, r.copies]);
  return createHash('sha256').update(canonical).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
