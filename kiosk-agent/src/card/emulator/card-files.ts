import { SW, type ParsedCommand } from '../apdu';
import { encodeTokenInfo } from '../token-info';
import { status, type CardState, type ElementaryFile, type Result } from './card-state';
import type { CardProfile } from './profile';

/** The EFs of the JPKI AP built from a profile, and READ BINARY on them. */

function base64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function buildFiles(profile: CardProfile): Map<string, ElementaryFile> {
  const { userAuth, signature } = profile;
  const files = new Map<string, ElementaryFile>([
    ['000A', { kind: 'binary', content: base64(userAuth.certificate) }],
    ['000B', { kind: 'binary', content: base64(userAuth.caCertificate) }],
    ['0017', { kind: 'key', pin: 'userAuth' }],
    ['0018', { kind: 'pin', pin: 'userAuth' }],
    ['0006', { kind: 'binary', content: encodeTokenInfo(profile.serial) }],
  ]);
  // A child under 15 has no signature certificate, key or PIN: those EFs do not exist (6A 82).
  if (signature !== null) {
    files.set('0001', {
      kind: 'binary',
      content: base64(signature.certificate),
      readRequires: 'signature',
    });
    files.set('0002', { kind: 'binary', content: base64(signature.caCertificate) });
    files.set('001A', { kind: 'key', pin: 'signature' });
    files.set('001B', { kind: 'pin', pin: 'signature' });
  }
  return files;
}

/** The EF chosen by the last SELECT EF, if any. */
export function currentFile(state: CardState): ElementaryFile | undefined {
  return state.currentEf === undefined ? undefined : state.files.get(state.currentEf);
}

/** READ BINARY of the current EF. */
export function readBinary(c: ParsedCommand, state: CardState): Result {
  // b8 of P1 set means short-EF-id addressing, which the JPKI AP does not use.
  if ((c.p1 & 0x80) !== 0) return status(SW.WRONG_P1P2);
  if (c.data.length > 0 || c.le === undefined) return status(SW.WRONG_LENGTH);
  const ef = currentFile(state);
  if (ef === undefined) return status(SW.NO_CURRENT_EF);
  if (ef.kind !== 'binary') return status(SW.INCOMPATIBLE_FILE);
  if (ef.readRequires !== undefined && !state.verified.has(ef.readRequires)) {
    return status(SW.SECURITY_NOT_SATISFIED);
  }
  const offset = (c.p1 << 8) | c.p2;
  if (offset >= ef.content.length) return status(SW.WRONG_OFFSET);
  return { sw: SW.OK, data: ef.content.slice(offset, offset + c.le) };
}
