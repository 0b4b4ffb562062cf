import { describe, expect, it } from 'vitest';
import { CertificateOptions, defaultOptions } from '../api/schemas';
import { demoConfig, demoRecords } from '../testing/registry-records';
import { jstInstant } from './jst';
import { computeOffer } from './offer';
import { optionsProblem } from './options';

const noon = jstInstant('2026-11-24', '12:00');

function problem(residentId: string, options: unknown): string | null {
  const parsed = CertificateOptions.parse(options);
  const records = demoRecords(residentId, noon);
  const offered = computeOffer(records, demoConfig(), noon).certificates.find((c) => c.type === parsed.type);
  if (!offered) throw new Error('not offered');
  return optionsProblem(parsed, offered, records);
}

const juminhyo = {
  type: 'juminhyo',
  members: ['res-yamada-taro'],
  householderAndRelationship: true,
  honseki: false,
  myNumber: false,
  foreignResidentFields: false,
};

describe('options checked against the offer', () => {
  it.each<[string, string, unknown]>([
    ['the defaults', 'res-yamada-taro', defaultOptions('juminhyo')],
    ['the holder alone', 'res-yamada-taro', juminhyo],
    ['another member of the household', 'res-yamada-taro', { ...juminhyo, members: ['res-yamada-sakura'] }],
    [
      '世帯全員 with everything a national may ask for',
      'res-yamada-taro',
      { ...juminhyo, members: 'household', honseki: true, myNumber: true },
    ],
    [
      'a foreign resident with the foreign fields',
      'res-nguyen-van-an',
      { ...juminhyo, members: ['res-nguyen-van-an'], foreignResidentFields: true },
    ],
    ['the current tax year', 'res-yamada-taro', { type: 'taxIncome', year: 2026 }],
    ['the individual 戸籍 extract', 'res-yamada-taro', { type: 'koseki', scope: 'individual' }],
    ['the seal certificate', 'res-yamada-taro', { type: 'sealRegistration' }],
  ])('accepts %s', (_label, id, options) => {
    expect(problem(id, options)).toBeNull();
  });

  it.each<[string, string, unknown]>([
    ['a member of another household', 'res-yamada-taro', { ...juminhyo, members: ['res-sato-kenichi'] }],
    ['a made-up member', 'res-yamada-taro', { ...juminhyo, members: ['res-nobody'] }],
    [
      'a member chosen twice',
      'res-yamada-taro',
      { ...juminhyo, members: ['res-yamada-taro', 'res-yamada-taro'] },
    ],
    [
      '本籍 for a foreign resident',
      'res-nguyen-van-an',
      { ...juminhyo, members: ['res-nguyen-van-an'], honseki: true },
    ],
    ['foreign fields for a national', 'res-yamada-taro', { ...juminhyo, foreignResidentFields: true }],
    ['a tax year not offered', 'res-yamada-taro', { type: 'taxIncome', year: 2025 }],
    ['a future tax year', 'res-yamada-taro', { type: 'taxIncome', year: 2027 }],
  ])('refuses %s', (_label, id, options) => {
    expect(problem(id, options)).toEqual(expect.any(String));
  });
});
