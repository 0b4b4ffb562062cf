import type { Queryable } from '../db/database';
import type { SessionRecord } from '../db/sessions';
import { configColumns, configOf, type ConfigRow } from '../registry/config-store';
import { recordsOf, recordsSelect, type RecordsRow } from '../registry/records';
import type { CardHolder } from '../registry/store';
import type { MunicipalityConfig, ResidentRecords } from '../registry/types';
import { computeOffer, type ComputedOffer } from './offer';
import type { StoredIssuance } from './store';

export interface LoadedOffer {
  records: ResidentRecords;
  config: MunicipalityConfig;
  offer: ComputedOffer;
}

// The full statement per source, built once (the sources are this module's constants).
const statements = new Map<string, string>();

/**
 * What a request starts from (this terminal's session, or a card's user-authentication certificate)
 * together with the resident's records and their municipality's configuration — one statement for all of
 * it, because each request of a transaction needs them and round trips are what HQ's throughput is made
 * of. `loaded` is null when the resident is no longer registered.
 */
async function loadWith<S extends object>(
  db: Queryable,
  source: { sql: string; params: unknown[] },
  now: Date,
): Promise<{ source: S; loaded: LoadedOffer | null } | null> {
  let sql = statements.get(source.sql);
  if (sql === undefined) {
    const records = recordsSelect('src.src_resident_id');
    sql = `SELECT src.*, ${records.columns}, ${configColumns(`$${source.params.length + 1}::timestamptz`)}
     FROM (${source.sql}) src ${records.joins}`;
    statements.set(source.sql, sql);
  }
  const rows = await db.query<S & RecordsRow & ConfigRow>(sql, [...source.params, now.toISOString()]);
  const row = rows[0];
  if (!row) return null;
  const resident = recordsOf(row);
  if (!resident) return { source: row, loaded: null };
  const config = configOf(resident.municipality, row);
  return { source: row, loaded: { records: resident, config, offer: computeOffer(resident, config, now) } };
}

/** A session's columns as the sources below select them. */
interface SessionColumns {
  src_resident_id: string;
  src_card_id: string;
  src_card_cert_sha256: string;
  src_created_at: Date;
  src_expires_at: Date;
}

const SESSION_COLUMNS = `s.resident_id AS src_resident_id, s.card_id AS src_card_id,
  s.card_cert_sha256 AS src_card_cert_sha256, s.created_at AS src_created_at, s.expires_at AS src_expires_at`;

function sessionOf(id: string, terminalId: string, s: SessionColumns): SessionRecord {
  return {
    id,
    terminalId,
    cardId: s.src_card_id,
    residentId: s.src_resident_id,
    cardCertSha256: s.src_card_cert_sha256,
    createdAt: new Date(s.src_created_at),
    expiresAt: new Date(s.src_expires_at),
  };
}

/** This terminal's session (another terminal's does not exist for it) and its holder's offer at `now`. */
export async function loadSessionOffer(
  db: Queryable,
  sessionId: string,
  terminalId: string,
  now: Date,
): Promise<{ session: SessionRecord; loaded: LoadedOffer | null } | null> {
  const found = await loadWith<SessionColumns>(
    db,
    {
      sql: `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.id = $1 AND s.terminal_id = $2`,
      params: [sessionId, terminalId],
    },
    now,
  );
  if (!found) return null;
  return { session: sessionOf(sessionId, terminalId, found.source), loaded: found.loaded };
}

/** The session's columns are NULL when there is no such session (LEFT JOIN). */
type IssuanceStartColumns = SessionColumns & {
  src_session: boolean;
  src_earlier_id: string | null;
  src_earlier_request_sha256: string | null;
  src_earlier_response: string | null;
};

/**
 * What an issuance request starts from, in one statement: the answer already given to this terminal for
 * this idempotency key (`earlier`, replayed even after the session expired), else the session and its
 * holder's offer at `now`.
 */
export async function loadIssuanceStart(
  db: Queryable,
  q: { sessionId: string; terminalId: string; idempotencyKey: string },
  now: Date,
): Promise<{ earlier: StoredIssuance | null; session: SessionRecord | null; loaded: LoadedOffer | null }> {
  const found = await loadWith<IssuanceStartColumns>(
    db,
    {
      sql: `SELECT ${SESSION_COLUMNS}, s.id IS NOT NULL AS src_session, e.id AS src_earlier_id,
              e.request_sha256 AS src_earlier_request_sha256, e.response AS src_earlier_response
            FROM (SELECT 1) one
            LEFT JOIN sessions s ON s.id = $1 AND s.terminal_id = $2
            LEFT JOIN issuances e ON e.terminal_id = $2 AND e.idempotency_key = $3`,
      params: [q.sessionId, q.terminalId, q.idempotencyKey],
    },
    now,
  );
  if (!found) throw new Error('the issuance source always has one row');
  const row = found.source;
  return {
    earlier:
      row.src_earlier_id === null
        ? null
        : {
            id: row.src_earlier_id,
            requestSha256: row.src_earlier_request_sha256 ?? '',
            response: row.src_earlier_response ?? '',
          },
    session: row.src_session ? sessionOf(q.sessionId, q.terminalId, row) : null,
    loaded: found.loaded,
  };
}

/**
 * The resident behind a validated user-authentication certificate (issuer key id + serial identify it, the
 * hash pins it) and their offer at `now`.
 */
export async function loadCardHolderOffer(
  db: Queryable,
  cert: { issuerKeyId: string; serialNumber: string; sha256: string },
  now: Date,
): Promise<{ holder: CardHolder; loaded: LoadedOffer } | null> {
  const found = await loadWith<{ src_resident_id: string; src_card_id: string }>(
    db,
    {
      sql: `SELECT resident_id AS src_resident_id, id AS src_card_id FROM cards
            WHERE user_auth_issuer_key_id = $1 AND user_auth_serial = $2 AND user_auth_cert_sha256 = $3`,
      params: [cert.issuerKeyId, cert.serialNumber, cert.sha256],
    },
    now,
  );
  // A card whose resident row is gone is not a card holder (findCardHolder's inner joins said the same).
  if (!found?.loaded) return null;
  const { municipality } = found.loaded.records;
  return {
    holder: {
      cardId: found.source.src_card_id,
      residentId: found.source.src_resident_id,
      municipality: { code: municipality.code, name: municipality.name },
    },
    loaded: found.loaded,
  };
}
