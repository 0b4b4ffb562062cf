import type { DocumentPayload } from 'hq-gateway/api/schemas';

/** A version-2 住民票 payload for flow tests (fictional person); bind it with the overrides. */
export function testPayload(
  binding: Pick<DocumentPayload, 'issuanceId' | 'sessionId' | 'terminalId' | 'cardCertificateSha256'>,
  overrides: Partial<DocumentPayload> = {},
): DocumentPayload {
  return {
    version: 2,
    type: 'juminhyo',
    serial: '139998-261122-ABCDEFGHJK',
    issuedAt: new Date().toISOString(),
    ...binding,
    copy: { index: 1, of: 1 },
    municipality: { code: '139998', name: '葵市', mayor: '葵 一郎', prefecture: '東京都' },
    content: {
      type: 'juminhyo',
      address: '東京都葵市本町1-2-3',
      householder: '山田 太郎',
      wholeHousehold: false,
      persons: [
        {
          name: '山田 太郎',
          nameKana: 'ヤマダ タロウ',
          birthDate: '1975-04-01',
          sex: 'male',
          relationship: '世帯主',
          becameResidentOn: '2001-04-01',
          honseki: null,
          myNumber: null,
          foreign: null,
        },
      ],
    },
    seal: 'JPKS1.test.test',
    ...overrides,
  };
}
