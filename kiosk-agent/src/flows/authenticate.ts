import { createHash } from 'node:crypto';
import { sessionSigningInput } from 'hq-gateway/api/signing-input';
import type { SessionResponse } from 'hq-gateway/api/schemas';
import type { JpkiCard } from '../card/jpki';
import type { HqClient } from '../hq/client';

export interface AuthenticatedSession {
  session: SessionResponse;
  /** SHA-256 of the DER user-authentication certificate, hex: what every document must be bound to. */
  certificateSha256: string;
}

/**
 * Kiosk user authentication (jpki-card.md): VERIFY the PIN, sign HQ's fresh challenge with the
 * user-authentication key, open an HQ session with certificate + signature, then log the card out.
 * The PIN goes to the card and nowhere else.
 */
export async function authenticate(
  card: JpkiCard,
  certificate: Uint8Array,
  pin: string,
  hq: HqClient,
): Promise<AuthenticatedSession> {
  await card.verifyUserAuthPin(pin);
  try {
    const challenge = await hq.createChallenge('kiosk-session');
    const input = sessionSigningInput(Buffer.from(challenge.nonce, 'base64'), hq.terminalId, 'kiosk-session');
    const signature = await card.signWithUserAuthKey(input);
    const session = await hq.openSession({
      challengeId: challenge.challengeId,
      certificate: Buffer.from(certificate).toString('base64'),
      signature: Buffer.from(signature).toString('base64'),
    });
    return { session, certificateSha256: createHash('sha256').update(certificate).digest('hex') };
  } finally {
    // Drop the card's PIN-verified state whatever happened: nothing more may be signed in this session.
    await card.logout().catch(() => undefined);
  }
}
