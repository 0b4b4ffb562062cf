/**
 * Sample DocumentPayload v2 documents of every certificate type, for tests, the render bench, the
 * renderer's warm-up and screenshots. Every person here is invented.
 */
import type {
  CertificateType,
  DocumentContent,
  DocumentPayload,
  JuminhyoPerson,
} from 'hq-gateway/api/schemas';

const HOUSEHOLD: readonly JuminhyoPerson[] = [
  ['山田　太郎', 'ヤマダ　タロウ', '1985-03-15', 'male', '世帯主', '2019-05-01'],
  ['山田　花子', 'ヤマダ　ハナコ', '1987-11-02', 'female', '妻', '2019-05-01'],
  ['山田　一郎', 'ヤマダ　イチロウ', '2019-04-30', 'male', '子', '2019-04-30'],
  ['山田　桜', 'ヤマダ　サクラ', '2021-02-28', 'female', '子', '2021-02-28'],
  ['鈴木　和子', 'スズキ　カズコ', '1956-01-07', 'female', '妻の母', '2020-02-29'],
  ['髙橋　茂', 'タカハシ　シゲル', '1926-12-25', 'male', '縁故者', '1989-01-08'],
].map(([name, nameKana, birthDate, sex, relationship, becameResidentOn]) => ({
  name: name!,
  nameKana: nameKana!,
  birthDate: birthDate!,
  sex: sex as 'male' | 'female',
  relationship: relationship!,
  becameResidentOn: becameResidentOn!,
  honseki: null,
  myNumber: null,
  foreign: null,
}));

const SERIAL_PREFIX: Record<CertificateType, string> = {
  juminhyo: 'JMH',
  sealRegistration: 'INK',
  taxIncome: 'TAX',
  koseki: 'KSK',
  kosekiFuhyo: 'FHY',
};

/** A seal text of realistic length (~300 characters), as HQ signs it. */
export const SAMPLE_SEAL =
  'JPKS1.eyJ0IjoianVtaW5oeW8iLCJzIjoiSk1ILTIwMjYtMDAwMTIzIiwiZCI6IjIwMjYtMTEtMjIiLCJuIjoi5bGx55Sw44CA5aSq6YOOIiwiYiI6IjE5ODUtMDMtMTUiLCJtIjoiMTM5OTk4IiwicCI6MSwiayI6ImRvYy0yMDI2LTAxIn0.' +
  'x8Qm2fJ0bq9Lr0sYtW3nH1cV5uKpA7dE4gZ6iO2yT9aR1eS3wU5xC7vB9nM0lK2jH4gF6dS8aP0oI2uY4tR6eW8qQ1zX3cV5bN7mL9kJ1hG3fD5sA7pO9iU1yT3rE5wQ7';

function base(type: CertificateType, content: DocumentContent): DocumentPayload {
  return {
    version: 2,
    type,
    serial: `${SERIAL_PREFIX[type]}-2026-000123`,
    issuedAt: '2026-11-21T23:30:00.000Z', // 2026-11-22 08:30 in Japan
    issuanceId: '5b3c1f7e-8d1a-4c2b-9e3f-0a1b2c3d4e5f',
    sessionId: '0f6e2d4c-1b3a-4958-8776-a5b4c3d2e1f0',
    terminalId: 'T-DEMO-0001',
    cardCertificateSha256: '3b'.repeat(32),
    copy: { index: 1, of: 1 },
    municipality: { code: '139998', name: '葵市', mayor: '青木　誠一', prefecture: '東京都' },
    content,
    seal: SAMPLE_SEAL,
  };
}

/**
 * 住民票の写し with `persons` (1–6) members of the household; `full` adds 本籍, 個人番号 to the first and
 * a foreign resident's fields to the last.
 */
export function sampleJuminhyo(persons = 3, full = false): DocumentPayload {
  const members = HOUSEHOLD.slice(0, persons).map((p) => ({ ...p }));
  if (full) {
    members[0]!.honseki = { address: '東京都葵市本町一丁目1番地', head: '山田　太郎' };
    members[0]!.myNumber = '123456789012';
    if (members.length > 1)
      members.at(-1)!.foreign = {
        nationality: 'ベトナム',
        status: '技術・人文知識・国際業務',
        periodEnds: '2028-03-31',
        cardNumber: 'AB12345678CD',
      };
  }
  return base('juminhyo', {
    type: 'juminhyo',
    address: '東京都葵市緑町一丁目2番3号　グリーンハイツ葵101号室',
    householder: '山田　太郎',
    wholeHousehold: persons === HOUSEHOLD.length,
    persons: members,
  });
}

export function sampleSealRegistration(): DocumentPayload {
  return base('sealRegistration', {
    type: 'sealRegistration',
    name: '山田　太郎',
    nameKana: 'ヤマダ　タロウ',
    birthDate: '1985-03-15',
    address: '東京都葵市緑町一丁目2番3号',
    registrationNumber: '第 20190501-0042 号',
    impression: { text: '山田', shape: 'round' },
  });
}

export function sampleTaxIncome(): DocumentPayload {
  return base('taxIncome', {
    type: 'taxIncome',
    fiscalYear: 2026,
    name: '山田　太郎',
    address: '東京都葵市緑町一丁目2番3号',
    birthDate: '1985-03-15',
    incomeYen: 5_200_000,
    totalIncomeYen: 3_640_000,
    deductionsYen: 1_280_000,
    taxableIncomeYen: 2_360_000,
    municipalTaxYen: 141_600,
    prefecturalTaxYen: 94_400,
  });
}

/** 戸籍 with `persons` (1–4) recorded; 'individual' scope prints the first only. */
export function sampleKoseki(scope: 'all' | 'individual' = 'all', persons = 3): DocumentPayload {
  const records = [
    {
      name: '太郎',
      birthDate: '1985-03-15',
      sex: 'male' as const,
      father: '山田　一男',
      mother: '山田　幸子',
      relationship: '長男',
      events: [
        { kind: '出生', date: '1985-03-15', detail: '【出生地】東京都葵市　【届出日】昭和60年3月20日' },
        {
          kind: '婚姻',
          date: '2015-06-06',
          detail: '【配偶者氏名】山田花子　【従前戸籍】東京都葵市本町一丁目1番地　山田一男',
        },
      ],
    },
    {
      name: '花子',
      birthDate: '1987-11-02',
      sex: 'female' as const,
      father: '佐藤　健',
      mother: '佐藤　恵子',
      relationship: '長女',
      events: [
        { kind: '出生', date: '1987-11-02', detail: '【出生地】神奈川県横浜市' },
        {
          kind: '婚姻',
          date: '2015-06-06',
          detail: '【配偶者氏名】山田太郎　【従前戸籍】神奈川県横浜市中区山下町1番地　佐藤健',
        },
      ],
    },
    {
      name: '一郎',
      birthDate: '2019-04-30',
      sex: 'male' as const,
      father: '山田　太郎',
      mother: '山田　花子',
      relationship: '長男',
      events: [{ kind: '出生', date: '2019-04-30', detail: '【出生地】東京都葵市　【届出人】父' }],
    },
    {
      name: '桜',
      birthDate: '2021-02-28',
      sex: 'female' as const,
      father: '山田　太郎',
      mother: '山田　花子',
      relationship: '長女',
      events: [{ kind: '出生', date: '2021-02-28', detail: '【出生地】東京都葵市　【届出人】母' }],
    },
  ];
  return base('koseki', {
    type: 'koseki',
    scope,
    honseki: '東京都葵市本町一丁目1番地',
    head: '山田　太郎',
    persons: records.slice(0, scope === 'all' ? persons : 1),
  });
}

export function sampleKosekiFuhyo(): DocumentPayload {
  return base('kosekiFuhyo', {
    type: 'kosekiFuhyo',
    honseki: '東京都葵市本町一丁目1番地',
    head: '山田　太郎',
    persons: [
      {
        name: '山田　太郎',
        birthDate: '1985-03-15',
        addresses: [
          { address: '東京都葵市本町一丁目1番1号', from: '1985-03-15' },
          { address: '神奈川県横浜市中区山下町2番地　山下マンション305号', from: '2008-04-01' },
          { address: '東京都葵市緑町一丁目2番3号', from: '2019-05-01' },
        ],
      },
      {
        name: '山田　花子',
        birthDate: '1987-11-02',
        addresses: [
          { address: '神奈川県横浜市中区山下町1番地', from: '1987-11-02' },
          { address: '東京都葵市緑町一丁目2番3号', from: '2019-05-01' },
        ],
      },
    ],
  });
}

/** One sample of every certificate type. */
export function sampleDocuments(): Record<CertificateType, DocumentPayload> {
  return {
    juminhyo: sampleJuminhyo(3, true),
    sealRegistration: sampleSealRegistration(),
    taxIncome: sampleTaxIncome(),
    koseki: sampleKoseki('all'),
    kosekiFuhyo: sampleKosekiFuhyo(),
  };
}

/** @deprecated the v1 name: a 住民票 with `persons` members. */
export const sampleDocument = (persons = 3): DocumentPayload => sampleJuminhyo(persons);
