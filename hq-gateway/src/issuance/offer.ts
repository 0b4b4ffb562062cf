import type { CertificateType, HouseholdMember, OfferedCertificate, RefusalReason } from '../api/schemas';
import type { MunicipalityConfig, Resident, ResidentRecords, ServiceConfig } from '../registry/types';
import { fullName } from '../registry/types';
import { isNationalHoliday } from './holidays';
import { ageOn, fiscalYearOf, jst, minutesOf, type JstTime } from './jst';

/**
 * What a card holder may get now: pure (records, configuration and clock are handed in), so the offer
 * route and the issuance route decide alike and tests can walk every boundary.
 */

export interface ComputedOffer {
  /** Set when the holder can get nothing at all; every certificate then carries the same refusal. */
  refusal: RefusalReason | null;
  certificates: OfferedCertificate[];
}

/** Kiosk issuance needs a card holder aged 15 or over. */
export const MIN_AGE = 15;

/**
 * supportMeasure first: for a DV victim the kiosk must not even reveal that the record exists in any other
 * state. Then age, 転出, and the day of 転入/転居 (the record is still being updated at the office).
 */
export function residentRefusal(holder: Resident, today: string): RefusalReason | null {
  if (holder.supportMeasure) return 'supportMeasure';
  if (ageOn(holder.birthDate, today) < MIN_AGE) return 'underAge';
  if (holder.movedOutOn !== null && holder.movedOutOn <= today) return 'movedOut';
  if (holder.becameResidentOn === today || holder.addressChangedOn === today) return 'sameDayAsMoveIn';
  return null;
}

const NO_OPTIONS: OfferedCertificate['options'] = {
  household: [],
  honseki: false,
  foreignResidentFields: false,
  taxYears: [],
};

export function computeOffer(records: ResidentRecords, config: MunicipalityConfig, now: Date): ComputedOffer {
  const at = jst(now);
  const refusal = residentRefusal(records.holder, at.date);
  const certificates = config.services.map((service): OfferedCertificate => {
    const hours = { opens: service.opens, closes: service.closes, weekdaysOnly: service.weekdaysOnly };
    if (refusal) {
      // Nothing about the household, seal or taxes leaks into a refused offer.
      return {
        type: service.type,
        available: false,
        refusal,
        feeYen: service.feeYen,
        hours,
        options: NO_OPTIONS,
      };
    }
    const options = optionsFor(service.type, records, now);
    const reason =
      (hasRecord(service.type, records, options) ? null : 'notRegistered') ??
      timeRefusal(service, config, now, at);
    return {
      type: service.type,
      available: reason === null,
      refusal: reason,
      feeYen: service.feeYen,
      hours,
      options,
    };
  });
  return { refusal, certificates };
}

function optionsFor(
  type: CertificateType,
  records: ResidentRecords,
  now: Date,
): OfferedCertificate['options'] {
  if (type === 'juminhyo') {
    const members = records.household.members;
    return {
      household: householdList(records),
      honseki: members.some((m) => m.foreign === null && m.honseki !== null),
      foreignResidentFields: members.some((m) => m.foreign !== null),
      taxYears: [],
    };
  }
  if (type === 'taxIncome') {
    const current = fiscalYearOf(now);
    return {
      ...NO_OPTIONS,
      taxYears: records.taxRecords.some((t) => t.fiscalYear === current) ? [current] : [],
    };
  }
  return NO_OPTIONS;
}

/** The holder first (self), then the rest of the household in register order. */
function householdList(records: ResidentRecords): HouseholdMember[] {
  const { holder } = records;
  const member = (r: Resident, self: boolean): HouseholdMember => ({
    memberId: r.id,
    name: fullName(r.familyName, r.givenName),
    relationship: r.relationship,
    self,
  });
  return [
    member(holder, true),
    ...records.household.members.filter((m) => m.id !== holder.id).map((m) => member(m, false)),
  ];
}

/** Whether the municipality holds what this certificate certifies for the holder. */
function hasRecord(
  type: CertificateType,
  records: ResidentRecords,
  options: OfferedCertificate['options'],
): boolean {
  switch (type) {
    case 'juminhyo':
      return true;
    case 'sealRegistration':
      return records.sealRegistration !== null;
    case 'taxIncome':
      return options.taxYears.length > 0;
    case 'koseki':
    case 'kosekiFuhyo':
      return records.koseki !== null && records.koseki.municipalityCode === records.municipality.code;
  }
}

/**
 * maintenance, then closed days (yearly closures; weekends and national holidays for weekday-only services),
 * then hours.
 */
function timeRefusal(
  service: ServiceConfig,
  config: MunicipalityConfig,
  now: Date,
  at: JstTime,
): RefusalReason | null {
  const applies = (type: CertificateType | null) => type === null || type === service.type;
  const t = now.getTime();
  if (config.maintenance.some((w) => applies(w.type) && w.from.getTime() <= t && t < w.to.getTime())) {
    return 'maintenance';
  }
  if (config.closures.some((c) => applies(c.type) && withinYearly(at.monthDay, c.from, c.to)))
    return 'closedDay';
  if (service.weekdaysOnly && (at.weekday === 0 || at.weekday === 6 || isNationalHoliday(at.date))) {
    return 'closedDay';
  }
  if (at.minutes < minutesOf(service.opens) || at.minutes >= minutesOf(service.closes)) return 'outsideHours';
  return null;
}

/** 'MM-DD' within from..to inclusive; a range with to < from wraps the year end. */
export function withinYearly(monthDay: string, from: string, to: string): boolean {
  return from <= to ? from <= monthDay && monthDay <= to : monthDay >= from || monthDay <= to;
}
