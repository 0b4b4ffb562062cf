import { randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { KeyUsageBit, OID } from './certificate-fields';
import { cryptoEngine } from './engine';
import { DN_ATTR as AT, JLIS_OU, JPKI_CA_OU, JPKI_SAN_OID, type JpkiCaKind } from './jpki-names';

/**
 * A test JPKI: the two CAs of jpki-card.md (O=JPKI-TEST) and the certificates they issue to cards.
 * Test and demo data only — real cards are issued by J-LIS. Everything here is RSA-2048 / sha256WithRSA.
 */

export type { JpkiCaKind };

export interface ValidityOptions {
  notBefore?: Date;
  notAfter?: Date;
}

export interface CaOptions extends ValidityOptions {
  /** Defaults to JPKI-TEST; real roots say JPKI. */
  organization?: string;
}

export interface TestCa {
  kind: JpkiCaKind;
  /** DER. */
  certificate: Uint8Array;
  /** PKCS#8 DER, to store next to the certificate. */
  privateKeyPkcs8: Uint8Array;
  privateKey: CryptoKey;
  /** SHA-1 of the public key bits (RFC 5280 method 1): the SKI here, the AKI of what it issues. */
  keyIdentifier: Uint8Array;
}

export interface IssuedCertificate {
  /** DER. */
  certificate: Uint8Array;
  /** PKCS#8 DER (what a CardProfile stores, base64). */
  privateKeyPkcs8: Uint8Array;
}

export interface SignatureCertificateHolder {
  /** Opaque id for the CN. */
  id: string;
  prefecture: string;
  city: string;
  familyName: string;
  givenName: string;
  /** ISO date, YYYY-MM-DD. */
  birthDate: string;
  sex: 'male' | 'female' | 'unknown';
  address: string;
}

const RSA_PARAMS: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

const DAY_MS = 24 * 60 * 60 * 1000;

export async function createTestCa(kind: JpkiCaKind, options: CaOptions = {}): Promise<TestCa> {
  const keys = await generateRsaKeyPair();
  const notBefore = options.notBefore ?? new Date(Date.now() - DAY_MS);
  const notAfter = options.notAfter ?? addYears(notBefore, 10);
  const name = caName(kind, options.organization ?? 'JPKI-TEST');

  const cert = baseCertificate(name, name, notBefore, notAfter);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, cryptoEngine);
  const keyIdentifier = new Uint8Array(await cert.getKeyHash('SHA-1', cryptoEngine));
  cert.extensions = [
    new pkijs.Extension({
      extnID: OID.basicConstraints,
      critical: true,
      extnValue: new pkijs.BasicConstraints({ cA: true }).toSchema().toBER(false),
    }),
    keyUsageExtension(KeyUsageBit.keyCertSign | KeyUsageBit.cRLSign),
    subjectKeyIdentifierExtension(keyIdentifier),
    authorityKeyIdentifierExtension(keyIdentifier),
  ];
  await cert.sign(keys.privateKey, 'SHA-256', cryptoEngine);

  return {
    kind,
    certificate: der(cert),
    privateKeyPkcs8: new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey)),
    privateKey: keys.privateKey,
    keyIdentifier,
  };
}

/** Rebuilds a TestCa from files written earlier (to issue more cards later). */
export async function importTestCa(
  kind: JpkiCaKind,
  certificateDer: Uint8Array,
  privateKeyPkcs8: Uint8Array,
): Promise<TestCa> {
  const cert = pkijs.Certificate.fromBER(new Uint8Array(certificateDer));
  const privateKey = await crypto.subtle.importKey(
    'pkcs8',
    new Uint8Array(privateKeyPkcs8),
    RSA_PARAMS,
    true,
    ['sign'],
  );
  const keyIdentifier = new Uint8Array(await cert.getKeyHash('SHA-1', cryptoEngine));
  return { kind, certificate: certificateDer, privateKeyPkcs8, privateKey, keyIdentifier };
}

/** 利用者証明用電子証明書: no personal data, digitalSignature only. */
export async function issueUserAuthCertificate(
  ca: TestCa,
  holder: { id: string },
  options: ValidityOptions = {},
): Promise<IssuedCertificate> {
  const subject = rdn([
    [AT.C, printable('JP')],
    [AT.CN, printable(holder.id)],
  ]);
  return issue(ca, subject, KeyUsageBit.digitalSignature, [], options);
}

/** 署名用電子証明書: the four basic facts in subjectAltName, digitalSignature + nonRepudiation. */
export async function issueSignatureCertificate(
  ca: TestCa,
  holder: SignatureCertificateHolder,
  options: ValidityOptions = {},
): Promise<IssuedCertificate> {
  const subject = rdn([
    [AT.C, printable('JP')],
    [AT.L, new asn1js.Utf8String({ value: holder.prefecture })],
    [AT.L, new asn1js.Utf8String({ value: holder.city })],
    [AT.CN, printable(holder.id)],
  ]);
  const san = new asn1js.Sequence({
    value: [
      otherName(JPKI_SAN_OID.name, `${holder.familyName}\u3000${holder.givenName}`),
      otherName(JPKI_SAN_OID.birthDate, toJpkiBirthDate(holder.birthDate)),
      otherName(JPKI_SAN_OID.sex, SEX_CODE[holder.sex]),
      otherName(JPKI_SAN_OID.address, holder.address),
    ],
  });
  const sanExtension = new pkijs.Extension({ extnID: OID.subjectAltName, extnValue: san.toBER(false) });
  return issue(
    ca,
    subject,
    KeyUsageBit.digitalSignature | KeyUsageBit.nonRepudiation,
    [sanExtension],
    options,
  );
}

const SEX_CODE = { male: '1', female: '2', unknown: '3' } as const;

/** Era starts (Gregorian), newest first: 5 Reiwa, 4 Heisei, 3 Showa, 2 Taisho, 1 Meiji. */
const ERAS: ReadonlyArray<readonly [code: number, start: string]> = [
  [5, '2019-05-01'],
  [4, '1989-01-08'],
  [3, '1926-12-25'],
  [2, '1912-07-30'],
  [1, '1868-01-25'],
];

/** Birth date as JPKI writes it: era code, then the Gregorian date — `EYYYYMMDD`. */
export function toJpkiBirthDate(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new Error(`not an ISO date: ${isoDate}`);
  const era = ERAS.find(([, start]) => isoDate >= start);
  if (!era) throw new Error(`date before the Meiji era: ${isoDate}`);
  return `${era[0]}${isoDate.replaceAll('-', '')}`;
}

async function issue(
  ca: TestCa,
  subject: pkijs.RelativeDistinguishedNames,
  keyUsage: number,
  extraExtensions: pkijs.Extension[],
  options: ValidityOptions,
): Promise<IssuedCertificate> {
  const keys = await generateRsaKeyPair();
  const issuer = pkijs.Certificate.fromBER(new Uint8Array(ca.certificate)).subject;
  const notBefore = options.notBefore ?? new Date(Date.now() - 5 * 60 * 1000);
  const notAfter = options.notAfter ?? addYears(notBefore, 5);

  const cert = baseCertificate(issuer, subject, notBefore, notAfter);
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, cryptoEngine);
  cert.extensions = [
    keyUsageExtension(keyUsage),
    authorityKeyIdentifierExtension(ca.keyIdentifier),
    ...extraExtensions,
  ];
  await cert.sign(ca.privateKey, 'SHA-256', cryptoEngine);
  return {
    certificate: der(cert),
    privateKeyPkcs8: new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey)),
  };
}

function baseCertificate(
  issuer: pkijs.RelativeDistinguishedNames,
  subject: pkijs.RelativeDistinguishedNames,
  notBefore: Date,
  notAfter: Date,
): pkijs.Certificate {
  const cert = new pkijs.Certificate();
  cert.version = 2; // v3
  cert.serialNumber = new asn1js.Integer({ valueHex: randomSerial() });
  cert.issuer = issuer;
  cert.subject = subject;
  cert.notBefore = time(notBefore);
  cert.notAfter = time(notAfter);
  return cert;
}

function caName(kind: JpkiCaKind, organization: string): pkijs.RelativeDistinguishedNames {
  return rdn([
    [AT.C, printable('JP')],
    [AT.O, printable(organization)],
    [AT.OU, printable(JPKI_CA_OU[kind])],
    [AT.OU, printable(JLIS_OU)],
  ]);
}

/**
 * A Name with one attribute per RDN (one SET each), as X.509 names are written. pkijs would put every
 * attribute into a single multi-valued RDN when building, so the Name is encoded here and handed to pkijs
 * parsed, which keeps the encoding as is.
 */
function rdn(attributes: Array<[string, asn1js.BaseStringBlock]>): pkijs.RelativeDistinguishedNames {
  const name = new asn1js.Sequence({
    value: attributes.map(
      ([type, value]) =>
        new asn1js.Set({ value: [new pkijs.AttributeTypeAndValue({ type, value }).toSchema()] }),
    ),
  });
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(name.toBER(false)).result });
}

function printable(value: string): asn1js.PrintableString {
  return new asn1js.PrintableString({ value });
}

/** UTCTime until 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
function time(date: Date): pkijs.Time {
  return new pkijs.Time({ type: date.getUTCFullYear() >= 2050 ? 1 : 0, value: date });
}

function keyUsageExtension(bits: number): pkijs.Extension {
  // DER BIT STRING: trailing zero bits are not encoded, so unusedBits = count of trailing zeros in the byte.
  let unusedBits = 0;
  while (unusedBits < 7 && (bits & (1 << unusedBits)) === 0) unusedBits++;
  const value = new asn1js.BitString({ valueHex: new Uint8Array([bits]), unusedBits });
  return new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: value.toBER(false) });
}

function subjectKeyIdentifierExtension(keyIdentifier: Uint8Array): pkijs.Extension {
  return new pkijs.Extension({
    extnID: OID.subjectKeyIdentifier,
    extnValue: new asn1js.OctetString({ valueHex: keyIdentifier }).toBER(false),
  });
}

function authorityKeyIdentifierExtension(keyIdentifier: Uint8Array): pkijs.Extension {
  const aki = new pkijs.AuthorityKeyIdentifier({
    keyIdentifier: new asn1js.OctetString({ valueHex: keyIdentifier }),
  });
  return new pkijs.Extension({ extnID: OID.authorityKeyIdentifier, extnValue: aki.toSchema().toBER(false) });
}

function otherName(oid: string, value: string): asn1js.Constructed {
  // GeneralName otherName: [0] IMPLICIT SEQUENCE { type-id OID, value [0] EXPLICIT UTF8String }.
  return new asn1js.Constructed({
    idBlock: { tagClass: 3, tagNumber: 0 },
    value: [
      new asn1js.ObjectIdentifier({ value: oid }),
      new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 0 },
        value: [new asn1js.Utf8String({ value })],
      }),
    ],
  });
}

/** 16 random bytes, positive, with a non-zero leading byte so the DER INTEGER is minimal. */
function randomSerial(): Uint8Array {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return new Uint8Array(bytes);
}

async function generateRsaKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(RSA_PARAMS, true, ['sign', 'verify']);
}

function der(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

function addYears(date: Date, years: number): Date {
  const result = new Date(date);
  result.setUTCFullYear(result.getUTCFullYear() + years);
  return result;
}
