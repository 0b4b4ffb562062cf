import { fromHex } from './apdu';

/** The JPKI AP's file layout as the driver sees it: the AID, the EF ids, and the length of the DER files. */

export const JPKI_AID = fromHex('D392F000260100000001');

export const EF = {
  userAuthCertificate: 0x000a,
  userAuthCaCertificate: 0x000b,
  userAuthKey: 0x0017,
  userAuthPin: 0x0018,
  signatureCertificate: 0x0001,
  signatureCaCertificate: 0x0002,
  signatureKey: 0x001a,
  signaturePin: 0x001b,
  tokenInfo: 0x0006,
} as const;

/** READ BINARY offsets have 15 bits (b8 of P1 must be 0). */
export const MAX_FILE_OFFSET = 0x7fff;

/**
 * Total length of a DER TLV from its first bytes: `30 LL`, `30 81 LL`, `30 82 LL LL`. Undefined for anything
 * else (not a SEQUENCE, indefinite or over-long length).
 */
export function derTotalLength(head: Uint8Array): number | undefined {
  if (head[0] !== 0x30 || head.length < 2) return undefined;
  const first = head[1] ?? 0;
  if (first < 0x80) return 2 + first;
  if (first === 0x81 && head.length >= 3) return 3 + (head[2] ?? 0);
  if (first === 0x82 && head.length >= 4) return 4 + (((head[2] ?? 0) << 8) | (head[3] ?? 0));
  return undefined;
}
