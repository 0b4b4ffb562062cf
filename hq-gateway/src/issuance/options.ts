import type { CertificateOptions, OfferedCertificate } from '../api/schemas';
import type { Resident, ResidentRecords } from '../registry/types';

/**
 * Checks the user's options against the offer computed at the same moment: anything the offer did not
 * hold out (a member outside the household, 本籍 for a foreign resident, a tax year not on file…) is
 * refused rather than silently dropped, so a kiosk bug cannot print something the user did not see.
 * Returns null when the options are acceptable, else why not (for the operator; no personal data).
 */
export function optionsProblem(
  options: CertificateOptions,
  offered: OfferedCertificate,
  records: ResidentRecords,
): string | null {
  if (options.type !== offered.type) return 'options are for another certificate';
  switch (options.type) {
    case 'juminhyo': {
      const chosen = chosenMembers(options.members, records);
      if (chosen === null) return 'a chosen member is not in the household or is chosen twice';
      if (options.honseki && !chosen.some(printsHonseki)) return '本籍 applies to none of the chosen members';
      if (options.foreignResidentFields && !chosen.some((m) => m.foreign !== null)) {
        return 'foreign-resident fields apply to none of the chosen members';
      }
      if (options.myNumber && chosen.some((m) => m.myNumber === null))
        return 'a chosen member has no 個人番号';
      return null;
    }
    case 'taxIncome':
      return offered.options.taxYears.includes(options.year) ? null : 'tax year not offered';
    default:
      return null;
  }
}

/** The residents a 住民票 lists, in register order; null when a member is unknown or repeated. */
export function chosenMembers(members: 'household' | string[], records: ResidentRecords): Resident[] | null {
  const household = records.household.members;
  if (members === 'household') return household;
  if (new Set(members).size !== members.length) return null;
  if (!members.every((id) => household.some((m) => m.id === id))) return null;
  return household.filter((m) => members.includes(m.id));
}

export function printsHonseki(m: Resident): boolean {
  return m.foreign === null && m.honseki !== null;
}
