import { z as classic } from 'zod';
import * as z from 'zod/mini';

/**
 * The certificate part of HQ's API contract: which certificates exist, the offer a resident gets after
 * authenticating, the options an issuance request carries, and what a signed document decodes to.
 * Re-exported from schemas.ts; the kiosk agent and UI import these rather than redeclaring them.
 * Written with zod/mini so the kiosk UI bundles only the small tree-shakable core; classic schemas embed
 * them as they are (both are zod core types) and `z.infer` is the same.
 */

/**
 * - juminhyo: 住民票の写し
 * - sealRegistration: 印鑑登録証明書 (only when a seal is registered)
 * - taxIncome: 所得・課税証明書 (current fiscal year)
 * - koseki: 戸籍全部事項証明書 / 戸籍個人事項証明書 (scope option)
 * - kosekiFuhyo: 戸籍の附票の写し
 */
export const CertificateType = z.enum(['juminhyo', 'sealRegistration', 'taxIncome', 'koseki', 'kosekiFuhyo']);
export type CertificateType = z.infer<typeof CertificateType>;

/**
 * Why HQ will not issue something now. Each maps to words that tell the user what they can do instead.
 * Resident-level: underAge (under 15), movedOut (転出済み), supportMeasure (DV等支援措置: the kiosk may not
 * say more than "please ask at the city office"), sameDayAsMoveIn (転入・転居の当日).
 * Certificate-level: notRegistered (no seal registration / no tax record / no 本籍 here), outsideHours,
 * closedDay (29 Dec–3 Jan and holidays the municipality sets; weekends and national holidays for weekday-only
 * services), maintenance (a maintenance window).
 */
export const RefusalReason = z.enum([
  'underAge',
  'movedOut',
  'supportMeasure',
  'sameDayAsMoveIn',
  'notRegistered',
  'outsideHours',
  'closedDay',
  'maintenance',
]);
export type RefusalReason = z.infer<typeof RefusalReason>;

const hhmm = z.string().check(z.regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/));

/** A member of the card holder's household, as the holder may choose them for a 住民票. */
export const HouseholdMember = z.object({
  memberId: z.string().check(z.minLength(1), z.maxLength(64)),
  /** Printed name (family, full-width space, given). Shown only to the card holder. */
  name: z.string(),
  relationship: z.string(),
  /** The card holder themself. */
  self: z.boolean(),
});
export type HouseholdMember = z.infer<typeof HouseholdMember>;

/** One certificate in the offer: available or refused with a reason, its fee and its hours. */
export const OfferedCertificate = z.object({
  type: CertificateType,
  available: z.boolean(),
  /** Set when available is false. */
  refusal: z.nullable(RefusalReason),
  feeYen: z.int().check(z.minimum(0)),
  hours: z.object({ opens: hhmm, closes: hhmm, weekdaysOnly: z.boolean() }),
  /** Which options make sense for this resident (juminhyo: honseki only for Japanese nationals, …). */
  options: z.object({
    /** juminhyo: the household to choose from (the holder first). */
    household: z.array(HouseholdMember),
    honseki: z.boolean(),
    foreignResidentFields: z.boolean(),
    /** taxIncome: the fiscal years on record that may be issued (current year only by default). */
    taxYears: z.array(z.int()),
  }),
});
export type OfferedCertificate = z.infer<typeof OfferedCertificate>;

// GET /v1/kiosk/sessions/:sessionId/offer
const offerResponseShape = {
  sessionId: z.uuid(),
  municipality: z.object({ code: z.string(), name: z.string() }),
  /** Set when this resident can get nothing here at all (then every certificate is unavailable too). */
  refusal: z.nullable(RefusalReason),
  certificates: z.array(OfferedCertificate),
  /** HQ's clock, which decides hours; the kiosk shows nothing based on its own. */
  at: z.iso.datetime(),
};
/**
 * A classic object, because the agent's HQ client takes classic schemas. Pure over a separate shape so
 * that bundles which never read it (the kiosk UI) drop it, and classic zod with it.
 */
export const OfferResponse = /*#__PURE__*/ classic.object(offerResponseShape);
export type OfferResponse = z.infer<typeof OfferResponse>;

/** Options per certificate type, as the user chose them. HQ re-checks everything against the offer. */
export const JuminhyoOptions = z.strictObject({
  type: z.literal('juminhyo'),
  /** 'household': 世帯全員; otherwise the chosen members (ids from the offer). */
  members: z.union([
    z.literal('household'),
    z.array(z.string().check(z.minLength(1), z.maxLength(64))).check(z.minLength(1), z.maxLength(20)),
  ]),
  /** 世帯主の氏名及び続柄. */
  householderAndRelationship: z.boolean(),
  /** 本籍・筆頭者 (Japanese nationals only). */
  honseki: z.boolean(),
  /** 個人番号. */
  myNumber: z.boolean(),
  /** 国籍・地域, 在留資格, 在留期間, 在留カード等の番号 (foreign residents only). */
  foreignResidentFields: z.boolean(),
});
export const CertificateOptions = z.discriminatedUnion('type', [
  JuminhyoOptions,
  z.strictObject({ type: z.literal('sealRegistration') }),
  z.strictObject({ type: z.literal('taxIncome'), year: z.int().check(z.minimum(2000), z.maximum(2100)) }),
  z.strictObject({ type: z.literal('koseki'), scope: z.enum(['all', 'individual']) }),
  z.strictObject({ type: z.literal('kosekiFuhyo') }),
]);
export type CertificateOptions = z.infer<typeof CertificateOptions>;
export type JuminhyoOptions = z.infer<typeof JuminhyoOptions>;

/** The defaults a walk-in user gets by tapping "next": the holder alone, 世帯主・続柄 shown, nothing else. */
export function defaultOptions(type: CertificateType, offer?: OfferedCertificate): CertificateOptions {
  switch (type) {
    case 'juminhyo': {
      const self = offer?.options.household.find((m) => m.self);
      return {
        type,
        members: self ? [self.memberId] : 'household',
        householderAndRelationship: true,
        honseki: false,
        myNumber: false,
        foreignResidentFields: false,
      };
    }
    case 'taxIncome':
      return { type, year: offer?.options.taxYears[0] ?? new Date().getFullYear() };
    case 'koseki':
      return { type, scope: 'all' };
    default:
      return { type };
  }
}

// ---------------------------------------------------------------------------------------------------
// What a signed document decodes to: common header + per-type content.

export const JuminhyoPerson = z.object({
  name: z.string(),
  nameKana: z.string(),
  birthDate: z.iso.date(),
  sex: z.enum(['male', 'female']),
  /** 続柄; null when the user left 世帯主・続柄 out. */
  relationship: z.nullable(z.string()),
  becameResidentOn: z.iso.date(),
  /** 本籍 and 筆頭者, when asked for (Japanese nationals). */
  honseki: z._default(z.nullable(z.object({ address: z.string(), head: z.string() })), null),
  /** 個人番号 (12 digits), when asked for. */
  myNumber: z._default(z.nullable(z.string().check(z.regex(/^[0-9]{12}$/))), null),
  /** 国籍・地域, 在留資格, 在留期間 (満了日), 在留カード等の番号, when asked for (foreign residents). */
  foreign: z._default(
    z.nullable(
      z.object({
        nationality: z.string(),
        status: z.string(),
        periodEnds: z.iso.date(),
        cardNumber: z.string(),
      }),
    ),
    null,
  ),
});
export type JuminhyoPerson = z.infer<typeof JuminhyoPerson>;

const Yen = z.int().check(z.minimum(0));

export const DocumentContent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('juminhyo'),
    address: z.string(),
    /** 世帯主; null when the user left it out. */
    householder: z.nullable(z.string()),
    /** true when the whole household is listed (世帯全員), false for chosen members. */
    wholeHousehold: z._default(z.boolean(), false),
    persons: z.array(JuminhyoPerson).check(z.minLength(1)),
  }),
  z.object({
    type: z.literal('sealRegistration'),
    name: z.string(),
    nameKana: z.string(),
    birthDate: z.iso.date(),
    address: z.string(),
    registrationNumber: z.string(),
    /** The registered impression, drawn by the renderer: the carved characters and the outline. */
    impression: z.object({
      text: z.string().check(z.minLength(1), z.maxLength(4)),
      shape: z.enum(['round', 'square']),
    }),
  }),
  z.object({
    type: z.literal('taxIncome'),
    /** 年度 of the tax (income of the previous calendar year). */
    fiscalYear: z.int(),
    name: z.string(),
    address: z.string(),
    birthDate: z.iso.date(),
    incomeYen: Yen,
    totalIncomeYen: Yen,
    deductionsYen: Yen,
    taxableIncomeYen: Yen,
    municipalTaxYen: Yen,
    prefecturalTaxYen: Yen,
  }),
  z.object({
    type: z.literal('koseki'),
    scope: z.enum(['all', 'individual']),
    honseki: z.string(),
    head: z.string(),
    persons: z.array(
      z.object({
        name: z.string(),
        birthDate: z.iso.date(),
        sex: z.enum(['male', 'female']),
        father: z.string(),
        mother: z.string(),
        relationship: z.string(),
        /** 身分事項 lines, e.g. 出生, 婚姻, in order. */
        events: z.array(z.object({ kind: z.string(), date: z.iso.date(), detail: z.string() })),
      }),
    ),
  }),
  z.object({
    type: z.literal('kosekiFuhyo'),
    honseki: z.string(),
    head: z.string(),
    persons: z.array(
      z.object({
        name: z.string(),
        birthDate: z.iso.date(),
        addresses: z.array(z.object({ address: z.string(), from: z.iso.date() })).check(z.minLength(1)),
      }),
    ),
  }),
]);
export type DocumentContent = z.infer<typeof DocumentContent>;
