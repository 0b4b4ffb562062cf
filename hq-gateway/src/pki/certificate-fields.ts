import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/** Extension OIDs (RFC 5280) we read. */
export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

/** KeyUsage bits as they sit in the first byte of the BIT STRING (bit 0 is the most significant). */
export const KeyUsageBit = {
  digitalSignature: 0x80,
  nonRepudiation: 0x40,
  keyCertSign: 0x04,
  cRLSign: 0x02,
} as const;

/**
 * Parses exactly one DER certificate. Returns null rather than throwing: callers deal with untrusted input,
 * and trailing bytes are refused so that the SHA-256 we key cards by covers exactly what was parsed.
 */
export function parseCertificateDer(der: Uint8Array): pkijs.Certificate | null {
  try {
    const asn1 = asn1js.fromBER(der);
    if (asn1.offset === -1 || asn1.offset !== der.byteLength) return null;
    return new pkijs.Certificate({ schema: asn1.result });
  } catch {
    return null;
  }
}

function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

export function serialNumberHex(cert: pkijs.Certificate): string {
  return Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex');
}

export function subjectKeyIdentifierHex(cert: pkijs.Certificate): string | null {
  const parsed: unknown = extension(cert, OID.subjectKeyIdentifier)?.parsedValue;
  if (!(parsed instanceof asn1js.OctetString)) return null;
  return Buffer.from(parsed.valueBlock.valueHexView).toString('hex');
}

export function authorityKeyIdentifierHex(cert: pkijs.Certificate): string | null {
  const parsed: unknown = extension(cert, OID.authorityKeyIdentifier)?.parsedValue;
  if (!(parsed instanceof pkijs.AuthorityKeyIdentifier) || !parsed.keyIdentifier) return null;
  return Buffer.from(parsed.keyIdentifier.valueBlock.valueHexView).toString('hex');
}

/** First byte of the keyUsage BIT STRING, or null when the extension is absent or unreadable. */
export function keyUsageByte(cert: pkijs.Certificate): number | null {
  const parsed: unknown = extension(cert, OID.keyUsage)?.parsedValue;
  if (!(parsed instanceof asn1js.BitString)) return null;
  return parsed.valueBlock.valueHexView[0] ?? 0;
}

export function isCaCertificate(cert: pkijs.Certificate): boolean {
  const parsed: unknown = extension(cert, OID.basicConstraints)?.parsedValue;
  return parsed instanceof pkijs.BasicConstraints && parsed.cA === true;
}

/** Attribute values of a DN by type OID, in order (a signature certificate carries two L attributes). */
export function dnValues(name: pkijs.RelativeDistinguishedNames, typeOid: string): string[] {
  return name.typesAndValues
    .filter((tv) => tv.type === typeOid)
    .map((tv) => String((tv.value as { valueBlock: { value: unknown } }).valueBlock.value));
}

/** otherName entries of subjectAltName as {oid → UTF8String value}; used to read signature certificates. */
export function otherNames(cert: pkijs.Certificate): Map<string, string> {
  const result = new Map<string, string>();
  const ext = extension(cert, OID.subjectAltName);
  if (!ext) return result;
  const asn1 = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView);
  if (asn1.offset === -1 || !(asn1.result instanceof asn1js.Sequence)) return result;
  for (const generalName of asn1.result.valueBlock.value) {
    // otherName is [0] IMPLICIT SEQUENCE { type-id OID, value [0] EXPLICIT ANY }.
    if (generalName.idBlock.tagClass !== 3 || generalName.idBlock.tagNumber !== 0) continue;
    if (!(generalName instanceof asn1js.Constructed)) continue;
    const [oid, wrapped] = generalName.valueBlock.value;
    if (!(oid instanceof asn1js.ObjectIdentifier) || !(wrapped instanceof asn1js.Constructed)) continue;
    const inner = wrapped.valueBlock.value[0];
    if (inner instanceof asn1js.Utf8String) result.set(oid.valueBlock.toString(), inner.valueBlock.value);
  }
  return result;
}
