import { describe, expect, it } from 'vitest';
import { OfferedCertificate, type CertificateType, type RefusalReason } from '../api/schemas';
import { demoConfig, demoRecords } from '../testing/registry-records';
import { jst, jstInstant } from './jst';
import { computeOffer, withinYearly } from './offer';

/** A Tuesday. */
const TUE = '2026-11-24';
const at = (date: string, hhmm: string) => jstInstant(date, hhmm);

function offerFor(residentId: string, now: Date, seededAt: Date = now, config = demoConfig()) {
  return computeOffer(demoRecords(residentId, seededAt), config, now);
}

function refusalOf(offer: ReturnType<typeof computeOffer>, type: CertificateType): RefusalReason | null {
  const c = offer.certificates.find((x) => x.type === type);
  if (!c) throw new Error(`no ${type} in offer`);
  expect(c.available).toBe(c.refusal === null);
  return c.refusal;
}

describe('JST', () => {
  it('reads the Tokyo wall clock from UTC instants, across the date line', () => {
    expect(jst(new Date('2026-11-22T14:59:00Z'))).toMatchObject({
      date: '2026-11-22',
      minutes: 23 * 60 + 59,
    });
    expect(jst(new Date('2026-11-22T15:00:00Z'))).toMatchObject({
      date: '2026-11-23',
      minutes: 0,
      weekday: 1,
    });
    expect(jstInstant('2027-01-01', '00:00').toISOString()).toBe('2026-12-31T15:00:00.000Z');
  });

  it.each([
    ['12-29', true],
    ['12-31', true],
    ['01-01', true],
    ['01-03', true],
    ['12-28', false],
    ['01-04', false],
    ['06-15', false],
  ])('closure 12-29..01-03 covers %s: %s', (day, inside) => {
    expect(withinYearly(day, '12-29', '01-03')).toBe(inside);
  });
});

describe('offer: hours and closed days (山田太郎, who may get everything)', () => {
  it.each<[string, string, string, CertificateType, RefusalReason | null]>([
    ['06:29 is before opening', TUE, '06:29', 'juminhyo', 'outsideHours'],
    ['06:30 opens', TUE, '06:30', 'juminhyo', null],
    ['22:59 is still open', TUE, '22:59', 'juminhyo', null],
    ['23:00 has closed', TUE, '23:00', 'juminhyo', 'outsideHours'],
    ['23:00 closes the seal certificate too', TUE, '23:00', 'sealRegistration', 'outsideHours'],
    ['00:10 after midnight', TUE, '00:10', 'taxIncome', 'outsideHours'],
    ['28 Dec is open', '2026-12-28', '12:00', 'juminhyo', null],
    ['29 Dec is closed', '2026-12-29', '12:00', 'juminhyo', 'closedDay'],
    ['1 Jan is closed', '2027-01-01', '12:00', 'sealRegistration', 'closedDay'],
    ['3 Jan is closed', '2027-01-03', '22:00', 'juminhyo', 'closedDay'],
    ['4 Jan opens again', '2027-01-04', '06:30', 'juminhyo', null],
    ['戸籍 on a weekday at 09:00', TUE, '09:00', 'koseki', null],
    ['戸籍 at 08:59', TUE, '08:59', 'koseki', 'outsideHours'],
    ['戸籍 at 16:59', TUE, '16:59', 'koseki', null],
    ['戸籍 at 17:00', TUE, '17:00', 'koseki', 'outsideHours'],
    ['戸籍 on a Saturday', '2026-11-28', '10:00', 'koseki', 'closedDay'],
    ['附票 on a Sunday', '2026-11-29', '10:00', 'kosekiFuhyo', 'closedDay'],
    ['住民票 on a Saturday', '2026-11-28', '10:00', 'juminhyo', null],
    ['戸籍 on 28 Dec (Monday)', '2026-12-28', '10:00', 'koseki', null],
    ['戸籍 on 4 Jan (Monday)', '2027-01-04', '10:00', 'koseki', null],
    ['戸籍 on 勤労感謝の日 (Monday 23 Nov)', '2026-11-23', '10:00', 'koseki', 'closedDay'],
    ['附票 on 成人の日 (Monday 11 Jan)', '2027-01-11', '10:00', 'kosekiFuhyo', 'closedDay'],
    ['戸籍 on a 振替休日 (Wednesday 6 May)', '2026-05-06', '10:00', 'koseki', 'closedDay'],
    ['戸籍 on a 国民の休日 (Tuesday 22 Sep)', '2026-09-22', '10:00', 'koseki', 'closedDay'],
    ['戸籍 the day after a holiday (Tuesday 24 Nov)', '2026-11-24', '10:00', 'koseki', null],
    ['住民票 on a holiday keeps its hours', '2026-11-23', '10:00', 'juminhyo', null],
    ['住民票 on a holiday still closes at 23:00', '2026-11-23', '23:00', 'juminhyo', 'outsideHours'],
  ])('%s', (_label, date, time, type, expected) => {
    expect(refusalOf(offerFor('res-yamada-taro', at(date, time)), type)).toBe(expected);
  });

  it('refuses during a maintenance window [from, to) and only for the types it names', () => {
    const from = at(TUE, '02:00');
    const to = at(TUE, '10:00');
    const all = demoConfig([{ from, to, type: null }]);
    expect(refusalOf(offerFor('res-yamada-taro', at(TUE, '09:59'), undefined, all), 'juminhyo')).toBe(
      'maintenance',
    );
    expect(refusalOf(offerFor('res-yamada-taro', at(TUE, '09:59'), undefined, all), 'koseki')).toBe(
      'maintenance',
    );
    expect(refusalOf(offerFor('res-yamada-taro', to, undefined, all), 'juminhyo')).toBeNull();
    // Maintenance outranks the night: the user should not come back at 6:30 for nothing.
    expect(refusalOf(offerFor('res-yamada-taro', from, undefined, all), 'juminhyo')).toBe('maintenance');
    const kosekiOnly = demoConfig([{ from, to, type: 'koseki' }]);
    const offer = offerFor('res-yamada-taro', at(TUE, '09:30'), undefined, kosekiOnly);
    expect(refusalOf(offer, 'koseki')).toBe('maintenance');
    expect(refusalOf(offer, 'kosekiFuhyo')).toBeNull();
  });

  it('gives fees and hours from the configuration', () => {
    const offer = offerFor('res-yamada-taro', at(TUE, '10:00'));
    expect(offer.refusal).toBeNull();
    expect(offer.certificates.map((c) => [c.type, c.feeYen, c.available])).toEqual([
      ['juminhyo', 300, true],
      ['sealRegistration', 300, true],
      ['taxIncome', 300, true],
      ['koseki', 450, true],
      ['kosekiFuhyo', 300, true],
    ]);
    const koseki = offer.certificates.find((c) => c.type === 'koseki');
    expect(koseki?.hours).toEqual({ opens: '09:00', closes: '17:00', weekdaysOnly: true });
    for (const c of offer.certificates) expect(OfferedCertificate.safeParse(c).success).toBe(true);
  });
});

describe('offer: the resident', () => {
  const noon = at(TUE, '12:00');
  it.each<[string, string, RefusalReason | null]>([
    ['a card holder aged 10', 'res-yamada-sakura', 'underAge'],
    ['a resident under a support measure', 'res-suzuki-michiko', 'supportMeasure'],
    ['a resident who moved out', 'res-takahashi-jiro', 'movedOut'],
    ['a resident who moved in today', 'res-ito-mai', 'sameDayAsMoveIn'],
    ['a foreign resident', 'res-nguyen-van-an', null],
    ['a name outside common fonts', 'res-yoshida-kazuo', null],
  ])('%s: %s', (_label, id, refusal) => {
    const offer = offerFor(id, noon);
    expect(offer.refusal).toBe(refusal);
    if (refusal) {
      for (const c of offer.certificates) {
        expect([c.available, c.refusal]).toEqual([false, refusal]);
        // A refused offer reveals nothing about the household, seal or taxes.
        expect(c.options).toEqual({
          household: [],
          honseki: false,
          foreignResidentFields: false,
          taxYears: [],
        });
      }
    }
  });

  it('counts age in JST: 15 on the birthday, not the day before', () => {
    expect(offerFor('res-yamada-sakura', at('2031-05-04', '23:59')).refusal).toBe('underAge');
    expect(offerFor('res-yamada-sakura', at('2031-05-05', '06:30')).refusal).toBeNull();
  });

  it('refuses only on the day of the move (JST), by 転入 or 転居', () => {
    const seeded = at(TUE, '08:00');
    expect(offerFor('res-ito-mai', at(TUE, '22:59'), seeded).refusal).toBe('sameDayAsMoveIn');
    expect(offerFor('res-ito-mai', at('2026-11-25', '06:30'), seeded).refusal).toBeNull();
    const moved = demoRecords('res-yamada-taro', noon, { addressChangedOn: TUE });
    expect(computeOffer(moved, demoConfig(), noon).refusal).toBe('sameDayAsMoveIn');
  });

  it('puts the support measure before every other reason', () => {
    const both = demoRecords('res-yamada-sakura', noon, { supportMeasure: true, movedOutOn: '2026-01-01' });
    expect(computeOffer(both, demoConfig(), noon).refusal).toBe('supportMeasure');
  });
});

describe('offer: per certificate', () => {
  const noon = at(TUE, '12:00');
  it('lists the household with the holder first, and 本籍 for nationals only', () => {
    const hanako = offerFor('res-yamada-hanako', noon).certificates.find((c) => c.type === 'juminhyo');
    expect(hanako?.options.household).toEqual([
      { memberId: 'res-yamada-hanako', name: '山田\u3000花子', relationship: '妻', self: true },
      { memberId: 'res-yamada-taro', name: '山田\u3000太郎', relationship: '世帯主', self: false },
      { memberId: 'res-yamada-sakura', name: '山田\u3000さくら', relationship: '子', self: false },
    ]);
    expect([hanako?.options.honseki, hanako?.options.foreignResidentFields]).toEqual([true, false]);
    const nguyen = offerFor('res-nguyen-van-an', noon).certificates.find((c) => c.type === 'juminhyo');
    expect([nguyen?.options.honseki, nguyen?.options.foreignResidentFields]).toEqual([false, true]);
  });

  it.each<[string, string, CertificateType, RefusalReason | null]>([
    ['no seal registered', 'res-yamada-hanako', 'sealRegistration', 'notRegistered'],
    ['no tax record', 'res-yamada-hanako', 'taxIncome', 'notRegistered'],
    ['本籍 in another municipality', 'res-sato-kenichi', 'koseki', 'notRegistered'],
    ['本籍 elsewhere: no 附票 here', 'res-sato-kenichi', 'kosekiFuhyo', 'notRegistered'],
    ['a foreign resident has no 戸籍', 'res-nguyen-van-an', 'koseki', 'notRegistered'],
    ['a seal registered', 'res-yoshida-kazuo', 'sealRegistration', null],
    ['a 戸籍 here', 'res-yoshida-kazuo', 'koseki', null],
  ])('%s', (_label, id, type, refusal) => {
    expect(refusalOf(offerFor(id, noon), type)).toBe(refusal);
  });

  it('offers the current fiscal year only, which starts on 1 April (JST)', () => {
    const seeded = at('2027-03-31', '12:00');
    const march = offerFor('res-yamada-taro', at('2027-03-31', '22:59'), seeded);
    expect(march.certificates.find((c) => c.type === 'taxIncome')?.options.taxYears).toEqual([2026]);
    const april = offerFor('res-yamada-taro', at('2027-04-01', '06:30'), seeded);
    expect(refusalOf(april, 'taxIncome')).toBe('notRegistered');
  });

  it('says notRegistered rather than outsideHours when there is nothing to come back for', () => {
    expect(refusalOf(offerFor('res-yamada-hanako', at(TUE, '23:30')), 'sealRegistration')).toBe(
      'notRegistered',
    );
  });
});
