import type { DocumentPayload } from 'hq-gateway/api/schemas';
import { sampleJuminhyo } from '../../render/sample';

/** The renderer's sample 住民票 (fictional household), bound to what a flow test authenticated. */
export function testPayload(
  binding: Pick<DocumentPayload, 'issuanceId' | 'sessionId' | 'terminalId' | 'cardCertificateSha256'>,
  overrides: Partial<DocumentPayload> = {},
): DocumentPayload {
  return {
    ...sampleJuminhyo(1),
    serial: '139998-261122-ABCDEFGHJK',
    issuedAt: new Date().toISOString(),
    ...binding,
    ...overrides,
  };
}
