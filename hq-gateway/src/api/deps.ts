import type { Logger } from 'pino';
import type { Database } from '../db/database';
import type { DocumentSigningKey } from '../issuance/document-signing';
import type { TrustStore } from '../pki/trust-store';

/** Everything the HTTP app needs, handed in so tests can use an in-memory database and a fake clock. */
export interface AppDeps {
  db: Database;
  trustStore: TrustStore;
  documentKey: DocumentSigningKey;
  logger: Logger;
  /** Defaults to the system clock. */
  now?: () => Date;
  /** Revoked user-authentication certificates (see pki/validate.ts revocationKey); CRLs fill it later. */
  revokedSerials?: ReadonlySet<string>;
  /** Defaults: challenges 60 s, sessions 10 min. */
  challengeTtlMs?: number;
  sessionTtlMs?: number;
}

/** AppDeps with the defaults filled in. */
export type ResolvedDeps = Required<Omit<AppDeps, 'revokedSerials'>> & Pick<AppDeps, 'revokedSerials'>;

export function resolveDeps(deps: AppDeps): ResolvedDeps {
  return {
    ...deps,
    now: deps.now ?? (() => new Date()),
    challengeTtlMs: deps.challengeTtlMs ?? 60_000,
    sessionTtlMs: deps.sessionTtlMs ?? 10 * 60_000,
  };
}
