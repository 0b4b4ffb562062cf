import { z } from 'zod';
import { CertificateType, Language } from './state';
import { ErrorInfo } from './errors';

/** The 4-digit user-authentication PIN. Validated before it reaches the card, so a malformed PIN spends no try. */
export const UserAuthPin = z.string().regex(/^[0-9]{4}$/);

/** What the UI may ask of the agent. The agent decides whether the current state allows it. */
export const Intent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('selectLanguage'), language: Language }),
  z.object({ type: z.literal('start') }),
  z.object({ type: z.literal('selectCertificate'), certificate: CertificateType }),
  z.object({ type: z.literal('submitPin'), pin: UserAuthPin }),
  z.object({ type: z.literal('confirm') }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('stillHere') }),
]);
export type Intent = z.infer<typeof Intent>;

export const IntentAck = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: ErrorInfo }),
]);
export type IntentAck = z.infer<typeof IntentAck>;
