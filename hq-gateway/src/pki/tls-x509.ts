import { createHash, randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './certificate-fields';
import { cryptoEngine } from './engine';
import { fromPem, toPem } from './pem';

/**
 * The X.509 building blocks shared by HQ's two small CAs (the HQ TLS CA and the terminal CA): ECDSA P-256 with
 * SHA-256 throughout, which every TLS stack of the last decade speaks and which keeps key generation instant.
 */

export const EC_P256: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_IMPORT: EcKeyImportParams = { name: 'ECDSA', namedCurve: 'P-256' };

export const EKU = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;
const EXTENDED_KEY_USAGE = '2.5.29.37';
const AT_CN = '2.5.4.3';
const AT_O = '2.5.4.10';

/** KeyUsage bits as they sit in the first byte of the BIT STRING. */
export const KU = { digitalSignature: 0x80, keyCertSign: 0x04, cRLSign: 0x02 } as const;

export type AltName = { dns: string } | { ip: string } | { uri: string };

/** A CA that can sign: its certificate (DER), its key, and the key id its issued certificates point to. */
export interface SigningCa {
  certificate: Uint8Array;
  privateKey: CryptoKey;
  keyIdentifier: Uint8Array;
}

export interface CertificateSpec {
  /** null: self-signed (a CA root). */
  issuer: SigningCa | null;
  subject: { cn: string; o?: string };
  publicKey: pkijs.PublicKeyInfo;
  notBefore: Date;
  notAfter: Date;
  ca?: boolean;
  keyUsage: number;
  extendedKeyUsage?: string[];
  altNames?: AltName[];
}

export function generateP256(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

export async function publicKeyInfo(key: CryptoKey): Promise<pkijs.PublicKeyInfo> {
  const info = new pkijs.PublicKeyInfo();
  await info.importKey(key, cryptoEngine);
  return info;
}

/** Builds and signs one certificate. The signing key is the issuer's, or `selfKey` for a root. */
export async function signCertificate(spec: CertificateSpec, selfKey?: CryptoKey): Promise<Uint8Array> {
  const cert = new pkijs.Certificate();
  cert.version = 2; // v3
  cert.serialNumber = new asn1js.Integer({ valueHex: randomSerial() });
  const subject = name(spec.subject);
  cert.subject = subject;
  cert.issuer = spec.issuer
    ? pkijs.Certificate.fromBER(new Uint8Array(spec.issuer.certificate)).subject
    : subject;
  cert.notBefore = time(spec.notBefore);
  cert.notAfter = time(spec.notAfter);
  cert.subjectPublicKeyInfo = spec.publicKey;
  const ownKeyId = await keyIdOf(spec.publicKey);
  const extensions = [
    new pkijs.Extension({
      extnID: OID.basicConstraints,
      critical: true,
      extnValue: new pkijs.BasicConstraints({ cA: spec.ca === true }).toSchema().toBER(false),
    }),
    keyUsageExtension(spec.keyUsage),
    new pkijs.Extension({
      extnID: OID.subjectKeyIdentifier,
      extnValue: new asn1js.OctetString({ valueHex: ownKeyId }).toBER(false),
    }),
    new pkijs.Extension({
      extnID: OID.authorityKeyIdentifier,
      extnValue: new pkijs.AuthorityKeyIdentifier({
        keyIdentifier: new asn1js.OctetString({ valueHex: spec.issuer?.keyIdentifier ?? ownKeyId }),
      })
        .toSchema()
        .toBER(false),
    }),
  ];
  if (spec.extendedKeyUsage?.length) {
    extensions.push(
      new pkijs.Extension({
        extnID: EXTENDED_KEY_USAGE,
        extnValue: new pkijs.ExtKeyUsage({ keyPurposes: spec.extendedKeyUsage }).toSchema().toBER(false),
      }),
    );
  }
  if (spec.altNames?.length) {
    extensions.push(
      new pkijs.Extension({
        extnID: OID.subjectAltName,
        extnValue: new pkijs.AltName({ altNames: spec.altNames.map(generalName) }).toSchema().toBER(false),
      }),
    );
  }
  cert.extensions = extensions;
  const signingKey = spec.issuer?.privateKey ?? selfKey;
  if (!signingKey) throw new Error('a self-signed certificate needs its own key');
  await cert.sign(signingKey, 'SHA-256', cryptoEngine);
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

/** SHA-1 of the public key bits (RFC 5280 method 1). */
async function keyIdOf(info: pkijs.PublicKeyInfo): Promise<Uint8Array> {
  const bits = info.subjectPublicKey.valueBlock.valueHexView;
  return new Uint8Array(await crypto.subtle.digest('SHA-1', new Uint8Array(bits)));
}

/** Rebuilds a signing CA from its PEM files. */
export async function loadSigningCa(certificatePem: string, keyPem: string): Promise<SigningCa> {
  const certificate = fromPem(certificatePem, 'CERTIFICATE')[0];
  const pkcs8 = fromPem(keyPem, 'PRIVATE KEY')[0];
  if (!certificate || !pkcs8) throw new Error('CA certificate or key PEM is empty');
  const privateKey = await crypto.subtle.importKey('pkcs8', new Uint8Array(pkcs8), EC_IMPORT, false, [
    'sign',
  ]);
  const cert = pkijs.Certificate.fromBER(new Uint8Array(certificate));
  return { certificate, privateKey, keyIdentifier: await keyIdOf(cert.subjectPublicKeyInfo) };
}

export async function exportKeyPem(key: CryptoKey): Promise<string> {
  return toPem('PRIVATE KEY', new Uint8Array(await crypto.subtle.exportKey('pkcs8', key)));
}

export function certificatePem(der: Uint8Array): string {
  return toPem('CERTIFICATE', der);
}

/** Hex SHA-256 of the DER certificate: how HQ names the one certificate a terminal currently holds. */
export function certificateSha256(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

function name(subject: { cn: string; o?: string }): pkijs.RelativeDistinguishedNames {
  const attributes: Array<[string, string]> = [
    ...(subject.o ? [[AT_O, subject.o] as [string, string]] : []),
    [AT_CN, subject.cn],
  ];
  // One attribute per RDN (one SET each); built here and handed to pkijs parsed so it keeps the encoding.
  const sequence = new asn1js.Sequence({
    value: attributes.map(
      ([type, value]) =>
        new asn1js.Set({
          value: [
            new pkijs.AttributeTypeAndValue({ type, value: new asn1js.Utf8String({ value }) }).toSchema(),
          ],
        }),
    ),
  });
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(sequence.toBER(false)).result });
}

function generalName(alt: AltName): pkijs.GeneralName {
  if ('dns' in alt) return new pkijs.GeneralName({ type: 2, value: alt.dns });
  if ('uri' in alt) return new pkijs.GeneralName({ type: 6, value: alt.uri });
  return new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ipBytes(alt.ip) }) });
}

/** An IP address as the 4 or 16 bytes an iPAddress GeneralName holds. */
export function ipBytes(ip: string): Uint8Array {
  if (isIPv4(ip)) return new Uint8Array(ip.split('.').map(Number));
  if (!isIPv6(ip)) throw new Error(`not an IP address: ${ip}`);
  const [head = '', tail] = ip.split('::');
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  return bytes;
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
function time(date: Date): pkijs.Time {
  return new pkijs.Time({ type: date.getUTCFullYear() >= 2050 ? 1 : 0, value: date });
}

function keyUsageExtension(bits: number): pkijs.Extension {
  let unusedBits = 0;
  while (unusedBits < 7 && (bits & (1 << unusedBits)) === 0) unusedBits++;
  const value = new asn1js.BitString({ valueHex: new Uint8Array([bits]), unusedBits });
  return new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: value.toBER(false) });
}

/** 16 random bytes, positive, with a non-zero leading byte so the DER INTEGER is minimal. */
function randomSerial(): Uint8Array {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return new Uint8Array(bytes);
}

export function addYears(date: Date, years: number): Date {
  const result = new Date(date);
  result.setUTCFullYear(result.getUTCFullYear() + years);
  return result;
}
