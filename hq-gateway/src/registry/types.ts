import type { CertificateType } from '../api/schemas';

/** The resident registry as HQ sees it through the municipality adapter. */

export interface Municipality {
  /** 全国地方公共団体コード (6 digits, with check digit). */
  code: string;
  prefecture: string;
  /** Without the prefecture, e.g. 葵市. */
  name: string;
  mayor: string;
}

export interface Household {
  id: string;
  municipalityCode: string;
  /** Full address including the prefecture. */
  address: string;
}

/** 国籍・地域, 在留資格, 在留期間満了日, 在留カード等の番号 of a foreign resident. */
export interface ForeignResidence {
  nationality: string;
  status: string;
  /** ISO date. */
  periodEnds: string;
  cardNumber: string;
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
  /** ISO date: 住民となった年月日 (転入 or birth). */
  becameResidentOn: string;
  /** null for a Japanese national. */
  foreign: ForeignResidence | null;
  /** 本籍 and 筆頭者 of a Japanese national (may be another municipality's). */
  honseki: { address: string; head: string } | null;
  /** 個人番号, 12 digits with check digit. */
  myNumber: string | null;
  /** DV等支援措置. */
  supportMeasure: boolean;
  /** ISO date of 転出, or null. */
  movedOutOn: string | null;
  /** ISO date of the last 転居 within the municipality, or null. */
  addressChangedOn: string | null;
}

export interface SealRegistration {
  residentId: string;
  registrationNumber: string;
  impression: { text: string; shape: 'round' | 'square' };
  /** ISO date. */
  registeredOn: string;
}

export interface TaxRecord {
  residentId: string;
  /** 年度. */
  fiscalYear: number;
  incomeYen: number;
  totalIncomeYen: number;
  deductionsYen: number;
  taxableIncomeYen: number;
  municipalTaxYen: number;
  prefecturalTaxYen: number;
}

export interface KosekiEvent {
  kind: string;
  /** ISO date. */
  date: string;
  detail: string;
}

export interface KosekiPerson {
  /** The resident, when they live in this municipality. */
  residentId: string | null;
  name: string;
  birthDate: string;
  sex: 'male' | 'female';
  father: string;
  mother: string;
  relationship: string;
  events: KosekiEvent[];
  /** 附票: address history, oldest first. */
  addresses: { address: string; from: string }[];
}

export interface Koseki {
  id: string;
  municipalityCode: string;
  honseki: string;
  head: string;
  /** In register order (筆頭者 first). */
  persons: KosekiPerson[];
}

/** Everything the offer and the documents need about one card holder. */
export interface ResidentRecords {
  municipality: Municipality;
  holder: Resident;
  household: {
    id: string;
    address: string;
    /** Members still living here (no 転出), householder first; includes the holder. */
    members: Resident[];
  };
  sealRegistration: SealRegistration | null;
  taxRecords: TaxRecord[];
  /** The holder's 戸籍 when this municipality keeps it (本籍 here), else null. */
  koseki: Koseki | null;
}

/** One certificate a municipality issues at kiosks. Times are JST 'HH:MM'; closes is exclusive. */
export interface ServiceConfig {
  type: CertificateType;
  feeYen: number;
  opens: string;
  closes: string;
  /** Monday to Friday, not on national holidays (issuance/holidays.ts), like the city office's counter. */
  weekdaysOnly: boolean;
}

/** Closed every year from..to ('MM-DD', inclusive, may wrap the year end); type null: every service. */
export interface Closure {
  from: string;
  to: string;
  type: CertificateType | null;
}

/** A planned outage [from, to); type null: every service. */
export interface MaintenanceWindow {
  from: Date;
  to: Date;
  type: CertificateType | null;
}

export interface MunicipalityConfig {
  municipality: Municipality;
  services: ServiceConfig[];
  closures: Closure[];
  maintenance: MaintenanceWindow[];
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
