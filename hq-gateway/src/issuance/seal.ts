import { createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { SEAL_PREFIX, SealFields } from '../api/schemas';
import { documentKeyId, type DocumentSigningKey } from './document-signing';

/**
 * The QR seal printed on every page: `JPKS1.<base64url(JSON of SealFields)>.<base64url(Ed25519 signature
 * over those JSON bytes)>`, signed with HQ's document key. verifySealOffline is pure (crypto and zod only)
 * so that the kiosk and any offline verifier can import this module; keep database, express and
 * file-system imports out.
 */

export type SealFailure =
  /** Not three dot-separated parts with our prefix, not canonical base64url, not JSON. */
  | 'MALFORMED'
  /** The configured key is unusable, or the seal names another key. */
  | 'WRONG_KEY'
  | 'SIGNATURE_INVALID'
  /** Signed by our key but not a SealFields object (a bug or an old format, never trusted). */
  | 'FIELDS_INVALID';

export type SealCheck = { ok: true; fields: SealFields } | { ok: false; reason: SealFailure };

export function createSeal(fields: SealFields, key: DocumentSigningKey): string {
  const bytes = Buffer.from(JSON.stringify(SealFields.parse(fields)), 'utf8');
  const signature = cryptoSign(null, bytes, key.privateKey);
  return `${SEAL_PREFIX}.${bytes.toString('base64url')}.${signature.toString('base64url')}`;
}

const PART = /^[A-Za-z0-9_-]+$/;

/** Checks a scanned seal text against HQ's public key (SPKI PEM). Never throws. */
export function verifySealOffline(text: string, publicKeyPem: string): SealCheck {
  const parts = text.trim().split('.');
  if (parts.length !== 3 || parts[0] !== SEAL_PREFIX) return fail('MALFORMED');
  const [, body = '', sig = ''] = parts;
  if (!PART.test(body) || !PART.test(sig)) return fail('MALFORMED');
  const bytes = Buffer.from(body, 'base64url');
  const signature = Buffer.from(sig, 'base64url');
  // Node's decoder ignores stray trailing bits: only the one canonical spelling is accepted.
  if (bytes.toString('base64url') !== body || signature.toString('base64url') !== sig)
    return fail('MALFORMED');
  // An Ed25519 signature is 64 bytes: anything else is a damaged scan, not a forgery attempt to judge.
  if (signature.length !== 64) return fail('MALFORMED');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return fail('MALFORMED');
  }
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(publicKeyPem);
  } catch {
    return fail('WRONG_KEY');
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') return fail('WRONG_KEY');
  const keyId = documentKeyId(publicKey);
  // The key id is read before the signature is checked only to tell "another key" from "tampered".
  const claimedKey = typeof json === 'object' && json !== null ? (json as { k?: unknown }).k : undefined;
  if (!cryptoVerify(null, bytes, publicKey, signature)) {
    return fail(claimedKey !== undefined && claimedKey !== keyId ? 'WRONG_KEY' : 'SIGNATURE_INVALID');
  }
  const parsed = SealFields.safeParse(json);
  if (!parsed.success) return fail('FIELDS_INVALID');
  if (parsed.data.k !== keyId) return fail('WRONG_KEY');
  return { ok: true, fields: parsed.data };
}

function fail(reason: SealFailure): SealCheck {
  return { ok: false, reason };
}
