import type { ChallengePurpose } from './schemas';

/**
 * The bytes a card signs to open a session: nonce ‖ terminal id (UTF-8) ‖ purpose (UTF-8).
 * The card signs DigestInfo(SHA-256(these bytes)), which is RSASSA-PKCS1-v1_5 with SHA-256 over them.
 */
export function sessionSigningInput(
  nonce: Uint8Array,
  terminalId: string,
  purpose: ChallengePurpose,
): Buffer {
  return Buffer.concat([Buffer.from(nonce), Buffer.from(terminalId, 'utf8'), Buffer.from(purpose, 'utf8')]);
}
