/** The resident registry as HQ sees it through the municipality adapter (only what the kiosk needs so far). */

export interface Municipality {
  /** 全国地方公共団体コード (6 digits, with check digit). */
  code: string;
  prefecture: string;
  /** Without the prefecture, e.g. 葵市. */
  name: string;
  mayor: string;
  juminhyoFeeYen: number;
}

export interface Household {
  id: string;
  municipalityCode: string;
  /** Full address including the prefecture. */
  address: string;
}

export interface Resident {
  id: string;
  householdId: string;
  familyName: string;
  givenName: string;
  familyNameKana: string;
  givenNameKana: string;
  /** ISO date. */
  birthDate: string;
  sex: 'male' | 'female';
  /** 続柄 as printed: 世帯主, 妻, 子, … */
  relationship: string;
  isHouseholder: boolean;
  /** ISO date: 住民となった年月日. */
  becameResidentOn: string;
}

/** How HQ identifies a certificate: issuer key id + serial (both lowercase hex), pinned by its SHA-256. */
export interface CertificateRef {
  issuerKeyId: string;
  serialNumber: string;
  sha256: string;
}

/** A resident's card: its user-authentication certificate and, for an adult, its signature certificate. */
export interface CardRegistration {
  id: string;
  residentId: string;
  cardSerial: string;
  userAuthIssuerKeyId: string;
  userAuthSerial: string;
  userAuthCertSha256: string;
  /** Absent or null for a child under 15, whose card has no signature certificate. */
  signature?: CertificateRef | null;
}

/** Names are printed family name, full-width space, given name. */
export function fullName(familyName: string, givenName: string): string {
  return `${familyName}\u3000${givenName}`;
}
