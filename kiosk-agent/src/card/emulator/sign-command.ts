import { constants, createPrivateKey, privateEncrypt, type KeyObject } from 'node:crypto';
import { SW, type ParsedCommand } from '../apdu';
import { currentFile } from './card-files';
import { status, type CardState, type PinId, type Result } from './card-state';

/** COMPUTE DIGITAL SIGNATURE (80 2A) with the key of the current key EF. */

/** PKCS#1 v1.5 type-1 padding needs at least 11 bytes of the modulus. */
const PKCS1_OVERHEAD = 11;

/** `keys`: the card's cache of loaded private keys, filled on first use. */
export function sign(c: ParsedCommand, state: CardState, keys: Map<PinId, KeyObject>): Result {
  if (c.p1 !== 0x00 || c.p2 !== 0x80) return status(SW.WRONG_P1P2);
  if (c.data.length === 0) return status(SW.WRONG_LENGTH);
  if (c.le !== undefined && c.le !== 256) return status(SW.WRONG_LENGTH);
  const ef = currentFile(state);
  if (ef === undefined || ef.kind !== 'key') return status(SW.NO_CURRENT_EF);
  if (!state.verified.has(ef.pin)) return status(SW.SECURITY_NOT_SATISFIED);
  const key = privateKey(state, keys, ef.pin);
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== 'rsa' || modulusBits === undefined) throw new Error('not an RSA key');
  if (c.data.length > modulusBits / 8 - PKCS1_OVERHEAD) return status(SW.WRONG_LENGTH);
  // Type-1 padding around exactly the bytes sent (the driver sends a DigestInfo), then the raw RSA operation.
  const signature = privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, c.data);
  return { sw: SW.OK, data: new Uint8Array(signature) };
}

function privateKey(state: CardState, keys: Map<PinId, KeyObject>, pin: PinId): KeyObject {
  let key = keys.get(pin);
  if (key === undefined) {
    const record = state.profile[pin];
    if (record === null) throw new Error('no signature key on this card');
    key = createPrivateKey({ key: Buffer.from(record.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    keys.set(pin, key);
  }
  return key;
}
