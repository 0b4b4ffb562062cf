import type { DocumentPayload } from 'hq-gateway/api/schemas';

type Person = DocumentPayload['persons'][number];

const HOUSEHOLD: readonly Person[] = [
  {
    name: '山田　太郎',
    nameKana: 'ヤマダ　タロウ',
    birthDate: '1985-03-15',
    sex: 'male',
    relationship: '世帯主',
    becameResidentOn: '2019-05-01',
  },
  {
    name: '山田　花子',
    nameKana: 'ヤマダ　ハナコ',
    birthDate: '1987-11-02',
    sex: 'female',
    relationship: '妻',
    becameResidentOn: '2019-05-01',
  },
  {
    name: '山田　一郎',
    nameKana: 'ヤマダ　イチロウ',
    birthDate: '2019-04-30',
    sex: 'male',
    relationship: '子',
    becameResidentOn: '2019-04-30',
  },
  {
    name: '山田　桜',
    nameKana: 'ヤマダ　サクラ',
    birthDate: '2021-02-28',
    sex: 'female',
    relationship: '子',
    becameResidentOn: '2021-02-28',
  },
  {
    name: '鈴木　和子',
    nameKana: 'スズキ　カズコ',
    birthDate: '1956-01-07',
    sex: 'female',
    relationship: '妻の母',
    becameResidentOn: '2020-02-29',
  },
  {
    name: '髙橋　茂',
    nameKana: 'タカハシ　シゲル',
    birthDate: '1926-12-25',
    sex: 'male',
    relationship: '縁故者',
    becameResidentOn: '1989-01-08',
  },
];

/** A realistic 住民票 payload with `persons` (1–6) household members, for tests and the bench. */
export function sampleDocument(persons = 3): DocumentPayload {
  return {
    version: 1,
    type: 'juminhyo',
    serial: 'JMH-2026-000123',
    issuedAt: '2026-11-21T23:30:00.000Z', // 2026-11-22 08:30 in Japan
    issuanceId: '5b3c1f7e-8d1a-4c2b-9e3f-0a1b2c3d4e5f',
    sessionId: '0f6e2d4c-1b3a-4958-8776-a5b4c3d2e1f0',
    terminalId: 'T-DEMO-0001',
    cardCertificateSha256: '3b'.repeat(32),
    copy: { index: 1, of: 1 },
    municipality: { code: '139998', name: '葵市', mayor: '葵　一郎', prefecture: '東京都' },
    address: '東京都葵市本町一丁目2番3号',
    householder: '山田　太郎',
    persons: HOUSEHOLD.slice(0, persons).map((p) => ({ ...p })),
  };
}
