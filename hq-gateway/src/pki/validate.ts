import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import type { ChallengePurpose, HqErrorCode } from '../api/schemas';
import { sessionSigningInput } from '../api/signing-input';
import {
  authorityKeyIdentifierHex,
  isCaCertificate,
  keyUsageByte,
  KeyUsageBit,
  parseCertificateDer,
  serialNumberHex,
} from './certificate-fields';
import type { ValidatedChainCache, ValidatedPath } from './chain-cache';
import { cryptoEngine } from './engine';
import type { JpkiCaKind } from './jpki-names';

/**
 * Validation of a card's certificate — user-authentication (EF 000A) or signature (EF 0001) — and of the
 * signature it made over an HQ challenge. Pure: trust anchors, time and revocation data are handed in;
 * nothing is read from disk or a database. Bad input never throws: every failure is a typed result carrying
 * the HQ error code to answer with.
 */

export type CardCertificateFailureCode = Extract<
  HqErrorCode,
  | 'CERTIFICATE_MALFORMED'
  | 'CERTIFICATE_CHAIN_INVALID'
  | 'CERTIFICATE_EXPIRED'
  | 'CERTIFICATE_NOT_YET_VALID'
  | 'CERTIFICATE_REVOKED'
  | 'SIGNATURE_INVALID'
>;
/** The names the session code grew up with; the same types. */
export type UserAuthFailureCode = CardCertificateFailureCode;

export interface ValidatedCardCertificate {
  /** Which JPKI CA it chains to. */
  kind: JpkiCaKind;
  /** SHA-256 of the DER certificate, lowercase hex. */
  sha256: string;
  /** Serial number, lowercase hex of the INTEGER's content bytes. */
  serialNumber: string;
  /** Authority key identifier (the issuing CA generation's key id), lowercase hex. */
  issuerKeyId: string;
  notAfter: Date;
}
export type ValidatedUserAuthCertificate = ValidatedCardCertificate;

export type CardCertificateValidation =
  | { ok: true; certificate: ValidatedCardCertificate }
  /** `reason` is for logs: technical, never personal. */
  | { ok: false; code: CardCertificateFailureCode; reason: string };
export type UserAuthValidation = CardCertificateValidation;

export interface CardCertificateValidationInput {
  /**
   * Which certificate this must be. `userAuth`: chains to a user-authentication CA, keyUsage
   * digitalSignature. `signature`: chains to a signature CA, keyUsage digitalSignature + nonRepudiation.
   */
  kind: JpkiCaKind;
  /** DER certificate as read from the card. */
  certificate: Uint8Array;
  /** RSASSA-PKCS1-v1_5 SHA-256 signature over sessionSigningInput(nonce, signerId, purpose). */
  signature: Uint8Array;
  nonce: Uint8Array;
  /** The terminal id for a kiosk, APP_SIGNER_ID for the smartphone app. */
  signerId: string;
  purpose: ChallengePurpose;
  /** CA certificates of `kind` only (every generation in service): TrustStore[kind]. */
  trustAnchors: readonly pkijs.Certificate[];
  /** The moment validity is judged at. */
  at: Date;
  /** Revoked certificates as revocationKey(issuerKeyId, serial); filled from CRLs in a later issue. */
  revokedSerials?: ReadonlySet<string>;
  /** Successful path validations kept for a short time (chain-cache.ts); revocation and the signature are
   * checked on every call regardless. */
  chainCache?: ValidatedChainCache;
}

export interface UserAuthValidationInput extends Omit<CardCertificateValidationInput, 'kind' | 'signerId'> {
  terminalId: string;
}

/** Serial numbers are unique per CA key only, so revocation entries name the issuer's key id too. */
export function revocationKey(issuerKeyIdHex: string, serialHex: string): string {
  return `${issuerKeyIdHex.toLowerCase()}:${serialHex.toLowerCase()}`;
}

/** pkijs's "certificate is either not yet valid or expired" result code. */
const PKIJS_DATE_FAILURE = 8;

/** What each kind's keyUsage must contain. */
const REQUIRED_KEY_USAGE: Record<JpkiCaKind, number> = {
  userAuth: KeyUsageBit.digitalSignature,
  signature: KeyUsageBit.digitalSignature | KeyUsageBit.nonRepudiation,
};

/** A kiosk session's proof: the user-authentication certificate, signed for this terminal. */
export function validateUserAuthentication(input: UserAuthValidationInput): Promise<UserAuthValidation> {
  const { terminalId, ...rest } = input;
  return validateCardCertificate({ ...rest, kind: 'userAuth', signerId: terminalId });
}

export async function validateCardCertificate(
  input: CardCertificateValidationInput,
): Promise<CardCertificateValidation> {
  const sha256 = createHash('sha256').update(input.certificate).digest('hex');
  let path = input.chainCache?.get(input.kind, sha256, input.at);
  if (!path) {
    const validated = await validatePath(input);
    if (!validated.ok) return validated;
    path = validated.path;
    input.chainCache?.set(input.kind, sha256, input.at, path);
  }

  // Per attempt, cached path or not: revocation data as handed in now, and the signature over this nonce.
  if (input.revokedSerials?.has(revocationKey(path.issuerKeyId, path.serialNumber))) {
    return fail('CERTIFICATE_REVOKED', 'serial on the revocation list');
  }
  if (!path.publicKey || !verifySessionSignature(path.publicKey, input))
    return fail('SIGNATURE_INVALID', 'session signature does not verify');

  return {
    ok: true,
    certificate: {
      kind: input.kind,
      sha256,
      serialNumber: path.serialNumber,
      issuerKeyId: path.issuerKeyId,
      notAfter: path.notAfter,
    },
  };
}

/** Parsing, the chain to a trust anchor of the kind, validity at `input.at`, keyUsage and the issuer key id. */
async function validatePath(
  input: CardCertificateValidationInput,
): Promise<
  { ok: true; path: ValidatedPath } | { ok: false; code: CardCertificateFailureCode; reason: string }
> {
  const cert = parseCertificateDer(input.certificate);
  if (!cert) return fail('CERTIFICATE_MALFORMED', 'not a DER certificate');

  // A CA certificate would otherwise chain to itself when it is one of the anchors.
  if (isCaCertificate(cert)) return fail('CERTIFICATE_CHAIN_INVALID', 'CA certificate presented');

  // Trust first: validity and the rest are only worth reporting for a certificate our CAs issued.
  // pkijs finds issuers by authority/subject key identifier and then checks the signature, which is what
  // lets several CA generations share one DN.
  const chain = await verifyChain(cert, input.trustAnchors, input.at);
  if (!chain.ok) {
    if (chain.resultCode !== PKIJS_DATE_FAILURE) return fail('CERTIFICATE_CHAIN_INVALID', chain.message);
    if (cert.notAfter.value.getTime() < input.at.getTime())
      return fail('CERTIFICATE_EXPIRED', 'notAfter passed');
    if (cert.notBefore.value.getTime() > input.at.getTime()) {
      return fail('CERTIFICATE_NOT_YET_VALID', 'notBefore in the future');
    }
    return fail('CERTIFICATE_CHAIN_INVALID', 'CA certificate outside its validity');
  }

  const keyUsage = keyUsageByte(cert);
  const required = REQUIRED_KEY_USAGE[input.kind];
  if (keyUsage === null || (keyUsage & required) !== required) {
    return fail('CERTIFICATE_CHAIN_INVALID', `keyUsage lacks what a ${input.kind} certificate needs`);
  }

  const issuerKeyId = authorityKeyIdentifierHex(cert);
  if (!issuerKeyId) return fail('CERTIFICATE_CHAIN_INVALID', 'no authority key identifier');
  return {
    ok: true,
    path: {
      serialNumber: serialNumberHex(cert),
      issuerKeyId,
      notBefore: cert.notBefore.value,
      notAfter: cert.notAfter.value,
      publicKey: rsaPublicKey(cert),
    },
  };
}

type ChainResult = { ok: true } | { ok: false; resultCode: number; message: string };

async function verifyChain(
  cert: pkijs.Certificate,
  trustAnchors: readonly pkijs.Certificate[],
  at: Date,
): Promise<ChainResult> {
  if (trustAnchors.length === 0) return { ok: false, resultCode: -1, message: 'no trust anchors configured' };
  try {
    const engine = new pkijs.CertificateChainValidationEngine({
      trustedCerts: [...trustAnchors],
      certs: [cert],
      checkDate: at,
    });
    const result = await engine.verify({}, cryptoEngine);
    return result.result
      ? { ok: true }
      : { ok: false, resultCode: result.resultCode, message: result.resultMessage };
  } catch (error) {
    return {
      ok: false,
      resultCode: -1,
      message: error instanceof Error ? error.message : 'chain validation failed',
    };
  }
}

/** Only RSA: with an EC key node would happily verify ECDSA, which no JPKI card produces. */
function rsaPublicKey(cert: pkijs.Certificate): KeyObject | null {
  try {
    const key = createPublicKey({
      key: Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER(false)),
      format: 'der',
      type: 'spki',
    });
    return key.asymmetricKeyType === 'rsa' ? key : null;
  } catch {
    return null;
  }
}

function verifySessionSignature(key: KeyObject, input: CardCertificateValidationInput): boolean {
  try {
    const signedBytes = sessionSigningInput(input.nonce, input.signerId, input.purpose);
    // RSA keys default to RSASSA-PKCS1-v1_5, i.e. exactly DigestInfo(SHA-256(input)) as the card signs it.
    return cryptoVerify('sha256', signedBytes, key, input.signature);
  } catch {
    return false;
  }
}

function fail(
  code: CardCertificateFailureCode,
  reason: string,
): { ok: false; code: CardCertificateFailureCode; reason: string } {
  return { ok: false, code, reason };
}
