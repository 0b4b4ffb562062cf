import type { CertificateOptions, OfferedCertificate } from 'hq-gateway/api/certificates';
import { KioskError } from '../errors';

/**
 * Whether the options a user chose fit what the municipality offered this resident. HQ checks again when
 * issuing; checking here first keeps a bad choice on the options screen instead of after payment.
 */
export function checkOptions(options: CertificateOptions, offered: OfferedCertificate): void {
  const refuse = (why: string): never => {
    throw new KioskError('OPTIONS_INVALID', why);
  };
  if (options.type !== offered.type) refuse('options for another certificate');
  const choices = offered.options;
  switch (options.type) {
    case 'juminhyo': {
      if (options.members !== 'household') {
        const known = new Set(choices.household.map((m) => m.memberId));
        if (new Set(options.members).size !== options.members.length) refuse('a member chosen twice');
        if (!options.members.every((id) => known.has(id))) refuse('a member outside the household');
      }
      if (options.honseki && !choices.honseki) refuse('本籍 is not offered');
      if (options.foreignResidentFields && !choices.foreignResidentFields)
        refuse('foreign fields not offered');
      return;
    }
    case 'taxIncome':
      if (!choices.taxYears.includes(options.year)) refuse('tax year not offered');
      return;
    default:
      return;
  }
}
