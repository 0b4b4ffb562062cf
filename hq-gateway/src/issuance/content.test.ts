import { describe, expect, it } from 'vitest';
import { CertificateOptions, DocumentContent } from '../api/schemas';
import { demoRecords } from '../testing/registry-records';
import { buildContent } from './content';
import { jstInstant } from './jst';

const noon = jstInstant('2026-11-24', '12:00');

function content(residentId: string, options: unknown): DocumentContent {
  const built = buildContent(CertificateOptions.parse(options), demoRecords(residentId, noon));
  // Whatever is built must be what the contract says a document decodes to.
  return DocumentContent.parse(built);
}

const juminhyo = {
  type: 'juminhyo',
  members: ['res-yamada-taro'],
  householderAndRelationship: true,
  honseki: false,
  myNumber: false,
  foreignResidentFields: false,
};
const TARO = '山田\u3000太郎';

describe('document content', () => {
  it('住民票: the holder alone with the default options', () => {
    expect(content('res-yamada-taro', juminhyo)).toEqual({
      type: 'juminhyo',
      address: '東京都葵市緑町一丁目2番3号',
      householder: TARO,
      wholeHousehold: false,
      persons: [
        {
          name: TARO,
          nameKana: 'ヤマダ\u3000タロウ',
          birthDate: '1984-04-15',
          sex: 'male',
          relationship: '世帯主',
          becameResidentOn: '2015-04-01',
          honseki: null,
          myNumber: null,
          foreign: null,
        },
      ],
    });
  });

  it('住民票: 世帯全員 in register order with 本籍 and 個人番号, or without 世帯主・続柄', () => {
    const all = content('res-yamada-hanako', {
      ...juminhyo,
      members: 'household',
      honseki: true,
      myNumber: true,
    });
    if (all.type !== 'juminhyo') throw new Error('type');
    expect(all.wholeHousehold).toBe(true);
    expect(all.persons.map((p) => [p.name, p.relationship])).toEqual([
      [TARO, '世帯主'],
      ['山田\u3000花子', '妻'],
      ['山田\u3000さくら', '子'],
    ]);
    for (const p of all.persons) {
      expect(p.honseki).toEqual({ address: '東京都葵市緑町一丁目2番地', head: TARO });
      expect(p.myNumber).toMatch(/^[0-9]{12}$/);
    }
    const bare = content('res-yamada-taro', {
      ...juminhyo,
      members: ['res-yamada-sakura'],
      householderAndRelationship: false,
    });
    if (bare.type !== 'juminhyo') throw new Error('type');
    expect([bare.householder, bare.persons[0]?.relationship, bare.persons[0]?.name]).toEqual([
      null,
      null,
      '山田\u3000さくら',
    ]);
  });

  it('住民票 of a foreign resident: 国籍・在留 fields, never 本籍', () => {
    const doc = content('res-nguyen-van-an', {
      ...juminhyo,
      members: ['res-nguyen-van-an'],
      foreignResidentFields: true,
    });
    if (doc.type !== 'juminhyo') throw new Error('type');
    expect(doc.persons[0]).toMatchObject({
      name: 'NGUYEN\u3000VAN AN',
      honseki: null,
      foreign: {
        nationality: 'ベトナム',
        status: '技術・人文知識・国際業務',
        periodEnds: '2028-03-31',
        cardNumber: 'AB12345678CD',
      },
    });
  });

  it('印鑑登録証明書: the registered impression, including a character outside common fonts', () => {
    expect(content('res-yoshida-kazuo', { type: 'sealRegistration' })).toEqual({
      type: 'sealRegistration',
      name: '\u{20BB7}田\u3000一夫',
      nameKana: 'ヨシダ\u3000カズオ',
      birthDate: '1965-10-10',
      address: '東京都葵市城山二丁目10番4号',
      registrationNumber: '0004567',
      impression: { text: '\u{20BB7}田', shape: 'square' },
    });
  });

  it('所得・課税証明書 of the chosen year', () => {
    expect(content('res-yamada-taro', { type: 'taxIncome', year: 2026 })).toEqual({
      type: 'taxIncome',
      fiscalYear: 2026,
      name: TARO,
      address: '東京都葵市緑町一丁目2番3号',
      birthDate: '1984-04-15',
      incomeYen: 5_800_000,
      totalIncomeYen: 4_200_000,
      deductionsYen: 1_330_000,
      taxableIncomeYen: 2_870_000,
      municipalTaxYen: 172_200,
      prefecturalTaxYen: 114_800,
    });
  });

  it('戸籍全部事項証明書 lists the register; 個人事項 only the holder', () => {
    const all = content('res-yamada-hanako', { type: 'koseki', scope: 'all' });
    if (all.type !== 'koseki') throw new Error('type');
    expect([all.honseki, all.head, all.scope]).toEqual(['東京都葵市緑町一丁目2番地', TARO, 'all']);
    expect(all.persons.map((p) => [p.name, p.relationship, p.father])).toEqual([
      [TARO, '長男', '山田\u3000一郎'],
      ['山田\u3000花子', '二女', '田中\u3000修'],
      ['山田\u3000さくら', '長女', TARO],
    ]);
    expect(all.persons[0]?.events.map((e) => e.kind)).toEqual(['出生', '婚姻']);
    const one = content('res-yamada-hanako', { type: 'koseki', scope: 'individual' });
    if (one.type !== 'koseki') throw new Error('type');
    expect(one.persons.map((p) => p.name)).toEqual(['山田\u3000花子']);
  });

  it('戸籍の附票: every person with their address history', () => {
    const doc = content('res-yamada-taro', { type: 'kosekiFuhyo' });
    if (doc.type !== 'kosekiFuhyo') throw new Error('type');
    expect(doc.persons.map((p) => p.addresses.length)).toEqual([2, 2, 1]);
    expect(doc.persons[0]?.addresses.at(-1)).toEqual({
      address: '東京都葵市緑町一丁目2番3号',
      from: '2015-04-01',
    });
  });

  it('refuses to build what the records do not hold rather than print something wrong', () => {
    expect(() => content('res-yamada-hanako', { type: 'sealRegistration' })).toThrow();
    expect(() => content('res-sato-kenichi', { type: 'koseki', scope: 'all' })).toThrow();
    expect(() => content('res-yamada-taro', { type: 'taxIncome', year: 2019 })).toThrow();
  });
});
