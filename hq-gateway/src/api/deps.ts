import type { Logger } from 'pino';
import type { Database } from '../db/database';
import type { DocumentSigningKey } from '../issuance/document-signing';
import { ValidatedChainCache } from '../pki/chain-cache';
import type { TrustStore } from '../pki/trust-store';

/** Everything the HTTP app needs, handed in so tests can use an in-memory database and a fake clock. */
export interface AppDeps {
  db: Database;
  trustStore: TrustStore;
  documentKey: DocumentSigningKey;
  /** The card-management master key (32 bytes): PIN reset tokens are derived from it. HQ only. */
  cardManagementKey: Uint8Array;
  logger: Logger;
  /** Defaults to the system clock. */
  now?: () => Date;
  /**
   * Revoked card certificates (see pki/validate.ts revocationKey): keyed by issuer key id, so one set holds
   * user-authentication and signature certificates alike. CRLs fill it later.
   */
  revokedSerials?: ReadonlySet<string>;
  /** Defaults: challenges 60 s, sessions 10 min, PIN reset reservations 24 h, a kiosk's claim 10 min. */
  challengeTtlMs?: number;
  sessionTtlMs?: number;
  reservationTtlMs?: number;
  pinResetClaimTtlMs?: number;
  /** Successful card-certificate path validations, kept a minute (pki/chain-cache.ts); one per app by default. */
  chainCache?: ValidatedChainCache;
}

/** AppDeps with the defaults filled in. */
export type ResolvedDeps = Required<Omit<AppDeps, 'revokedSerials'>> & Pick<AppDeps, 'revokedSerials'>;

export function resolveDeps(deps: AppDeps): ResolvedDeps {
  return {
    ...deps,
    now: deps.now ?? (() => new Date()),
    challengeTtlMs: deps.challengeTtlMs ?? 60_000,
    sessionTtlMs: deps.sessionTtlMs ?? 10 * 60_000,
    reservationTtlMs: deps.reservationTtlMs ?? 24 * 60 * 60_000,
    pinResetClaimTtlMs: deps.pinResetClaimTtlMs ?? 10 * 60_000,
    chainCache: deps.chainCache ?? new ValidatedChainCache(),
  };
}
