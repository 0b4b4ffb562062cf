import { KioskError } from '../errors';
import { SW } from './apdu';
import { unexpected, type JpkiChannel } from './jpki-channel';
import type { PinSpec } from './jpki-pins';

/**
 * The PIN-reset APDUs of the driver (jpki-card.md, "PIN reset at the kiosk"): GET CHALLENGE, EXTERNAL
 * AUTHENTICATE, RESET RETRY COUNTER. Arguments arrive checked; JpkiCard documents the sequence and its rules.
 */

/** EXTERNAL AUTHENTICATE data: the 16-byte token HQ computed for the card's nonce. */
export const PIN_RESET_TOKEN_LENGTH = 16;
export const PIN_RESET_NONCE_LENGTH = 8;

export async function getChallenge(channel: JpkiChannel, length: number): Promise<Uint8Array> {
  const { data, sw } = await channel.send({ cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, le: length });
  if (sw !== SW.OK) throw unexpected('GET CHALLENGE', sw);
  if (data.length !== length) {
    throw new KioskError('CARD_UNREADABLE', `GET CHALLENGE: ${data.length} bytes instead of ${length}`);
  }
  return data;
}

export async function externalAuthenticate(
  channel: JpkiChannel,
  spec: PinSpec,
  token: Uint8Array,
): Promise<void> {
  const { sw } = await channel.send({ cla: 0x00, ins: 0x82, p1: 0x00, p2: spec.reference, data: token });
  if (sw === SW.OK) return;
  if (sw === SW.SECURITY_NOT_SATISFIED) {
    throw new KioskError('CARD_UNREADABLE', 'external authenticate refused');
  }
  throw unexpected(`EXTERNAL AUTHENTICATE ${spec.name}`, sw);
}

/** `value`: the new PIN already normalised and format-checked. */
export async function resetRetryCounter(channel: JpkiChannel, spec: PinSpec, value: string): Promise<void> {
  const { sw } = await channel.send({
    cla: 0x00,
    ins: 0x2c,
    p1: 0x02,
    p2: spec.reference,
    data: new TextEncoder().encode(value),
  });
  if (sw === SW.OK) return;
  if (sw === SW.SECURITY_NOT_SATISFIED) {
    throw new KioskError('CARD_UNREADABLE', 'reset retry counter refused');
  }
  if (sw === SW.WRONG_DATA) throw new KioskError('PIN_FORMAT', `card refused the new ${spec.name}`);
  throw unexpected(`RESET RETRY COUNTER ${spec.name}`, sw);
}
