import { z } from 'zod';

/**
 * A virtual JPKI card as stored on disk (one JSON file per card). Retry counters live here so that a
 * locked card stays locked across restarts. Key material and PINs are test data of a test PKI only.
 */
const PinKeyPair = z.object({
  /** DER certificate, base64. */
  certificate: z.string().min(1),
  /** DER CA certificate, base64. */
  caCertificate: z.string().min(1),
  /** PKCS#8 DER private key, base64. */
  privateKey: z.string().min(1),
  pin: z.string().min(1),
  triesLeft: z.number().int().min(0),
});

export const CardProfile = z.object({
  version: z.literal(1),
  /** Stable demo id, e.g. "demo-taro". */
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  /** Who holds it, for the developer panel only. */
  holder: z.string(),
  /** Card serial number (ASCII, ≤ 16 chars), published in token info EF 0006. */
  serial: z.string().regex(/^[A-Z0-9]{1,16}$/),
  /** Contact ATR, hex. */
  atr: z.string().regex(/^([0-9A-F]{2})+$/),
  userAuth: PinKeyPair,
  /** null for a child under 15 (no signature certificate or key). */
  signature: PinKeyPair.nullable(),
  /**
   * The card's diversified card-management key K_card = HMAC-SHA256(master key, serial), base64 (32 bytes).
   * Only HQ holds the master key; the card checks EXTERNAL AUTHENTICATE tokens with K_card.
   */
  managementKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  options: z
    .object({
      /** What an empty VERIFY answers after a successful VERIFY: some cards 90 00, others 63 Cx. */
      retryCounterAfterVerify: z.enum(['9000', '63Cx']).default('63Cx'),
    })
    .default({ retryCounterAfterVerify: '63Cx' }),
});
export type CardProfile = z.infer<typeof CardProfile>;

export const USER_AUTH_MAX_TRIES = 3;
export const SIGNATURE_MAX_TRIES = 5;
export const JPKI_CONTACT_ATR = '3BE000FF8131FE4514';
