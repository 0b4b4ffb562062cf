import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';

/**
 * A minimal X.509 v3 certificate builder (DER by hand) for test cards: RSA keys, sha256WithRSAEncryption,
 * subject/authority key identifiers, key usage and basic constraints. Enough for node's X509Certificate and
 * for chain building by key identifier; no other extensions (no subjectAltName personal data).
 */

export interface TestCertificateSpec {
  /** Relative distinguished names in order, e.g. [['C', 'JP'], ['CN', 'id']]. */
  subject: ReadonlyArray<readonly [NameAttribute, string]>;
  /** Defaults to the subject (self-signed). */
  issuer?: ReadonlyArray<readonly [NameAttribute, string]>;
  publicKey: KeyObject;
  /** Signs the certificate; the subject's own private key for a self-signed one. */
  issuerPrivateKey: KeyObject;
  /** Defaults to the public key of issuerPrivateKey. */
  issuerPublicKey?: KeyObject;
  keyUsage: ReadonlyArray<KeyUsage>;
  isCa: boolean;
  notBefore: Date;
  notAfter: Date;
}

export type NameAttribute = 'C' | 'O' | 'OU' | 'L' | 'CN';
export type KeyUsage = 'digitalSignature' | 'nonRepudiation' | 'keyCertSign' | 'cRLSign';

const NAME_OIDS: Record<NameAttribute, string> = {
  C: '2.5.4.6',
  O: '2.5.4.10',
  OU: '2.5.4.11',
  L: '2.5.4.7',
  CN: '2.5.4.3',
};
const KEY_USAGE_BITS: Record<KeyUsage, number> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyCertSign: 5,
  cRLSign: 6,
};
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const EXT_SUBJECT_KEY_ID = '2.5.29.14';
const EXT_KEY_USAGE = '2.5.29.15';
const EXT_BASIC_CONSTRAINTS = '2.5.29.19';
const EXT_AUTHORITY_KEY_ID = '2.5.29.35';

// --- DER primitives ---------------------------------------------------------------------------------------

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  const length =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Uint8Array.from([tag, ...length, ...content]);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}

const sequence = (...parts: Uint8Array[]) => tlv(0x30, concat(...parts));
const set = (...parts: Uint8Array[]) => tlv(0x31, concat(...parts));
const octetString = (bytes: Uint8Array) => tlv(0x04, bytes);
const bitString = (bytes: Uint8Array, unusedBits = 0) => tlv(0x03, concat(Uint8Array.of(unusedBits), bytes));
const explicit = (n: number, content: Uint8Array) => tlv(0xa0 | n, content);
const derNull = () => Uint8Array.of(0x05, 0x00);
const derTrue = () => Uint8Array.of(0x01, 0x01, 0xff);

function integer(bytes: Uint8Array): Uint8Array {
  // Positive INTEGER: a leading 00 when the top bit is set.
  return tlv(0x02, (bytes[0] ?? 0) & 0x80 ? concat(Uint8Array.of(0), bytes) : bytes);
}

function oid(dotted: string): Uint8Array {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const arc of rest) {
    const base128 = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    out.push(...base128);
  }
  return tlv(0x06, Uint8Array.from(out));
}

function time(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, new TextEncoder().encode(`${digits.slice(2)}Z`))
    : tlv(0x18, new TextEncoder().encode(`${digits}Z`));
}

function name(rdns: ReadonlyArray<readonly [NameAttribute, string]>): Uint8Array {
  return sequence(
    ...rdns.map(([attribute, value]) =>
      set(
        sequence(
          oid(NAME_OIDS[attribute]),
          // Country is a PrintableString (RFC 5280); everything else UTF8String for Japanese text.
          tlv(attribute === 'C' ? 0x13 : 0x0c, new TextEncoder().encode(value)),
        ),
      ),
    ),
  );
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? sequence(oid(id), derTrue(), octetString(value)) : sequence(oid(id), octetString(value));
}

function keyUsageBits(usages: ReadonlyArray<KeyUsage>): Uint8Array {
  let byte = 0;
  for (const usage of usages) byte |= 0x80 >> KEY_USAGE_BITS[usage];
  if (byte === 0) throw new RangeError('key usage must not be empty');
  let unused = 0;
  while (((byte >> unused) & 1) === 0) unused++;
  return bitString(Uint8Array.of(byte), unused);
}

/** Key identifier: SHA-1 of the DER SubjectPublicKeyInfo (one of the methods RFC 7093 allows). */
export function keyIdentifier(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(
    createHash('sha1')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest(),
  );
}

/** Builds and signs a DER certificate. */
export function buildTestCertificate(spec: TestCertificateSpec): Uint8Array {
  const algorithm = sequence(oid(SHA256_WITH_RSA), derNull());
  const issuerPublicKey = spec.issuerPublicKey ?? createPublicKey(spec.issuerPrivateKey);
  const serial = randomBytes(12);
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01; // positive and minimal
  const extensions = [
    extension(EXT_SUBJECT_KEY_ID, false, octetString(keyIdentifier(spec.publicKey))),
    extension(EXT_AUTHORITY_KEY_ID, false, sequence(tlv(0x80, keyIdentifier(issuerPublicKey)))),
    extension(EXT_KEY_USAGE, true, keyUsageBits(spec.keyUsage)),
    ...(spec.isCa ? [extension(EXT_BASIC_CONSTRAINTS, true, sequence(derTrue()))] : []),
  ];
  const tbs = sequence(
    explicit(0, integer(Uint8Array.of(2))), // v3
    integer(new Uint8Array(serial)),
    algorithm,
    name(spec.issuer ?? spec.subject),
    sequence(time(spec.notBefore), time(spec.notAfter)),
    name(spec.subject),
    new Uint8Array(spec.publicKey.export({ type: 'spki', format: 'der' })),
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, spec.issuerPrivateKey);
  return sequence(tbs, algorithm, bitString(new Uint8Array(signature)));
}
