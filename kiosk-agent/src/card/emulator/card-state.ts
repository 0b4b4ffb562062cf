import type { CardProfile } from './profile';

/**
 * What the command handlers of the virtual card share: the card's data (persistent profile, EFs) and its
 * volatile state, and the shape of a command's outcome. Behaviour lives in the command modules; the rules of
 * when volatile state is cleared and when the profile is written live in virtual-card.ts.
 */

export type PinId = 'userAuth' | 'signature';
export type Application = 'jpki' | 'cardText' | 'cardFace';

export type ElementaryFile =
  | { kind: 'binary'; content: Uint8Array; readRequires?: PinId }
  | { kind: 'pin'; pin: PinId }
  | { kind: 'key'; pin: PinId };

export interface CardState {
  /** Persistent. Replaced as a whole by a committed PIN change; mutated in place for counter changes. */
  profile: CardProfile;
  readonly files: ReadonlyMap<string, ElementaryFile>;
  /** Volatile (cleared by power off/on, reset and SELECT AP): the selected AP and EF, the verified PINs. */
  application: Application | undefined;
  currentEf: string | undefined;
  readonly verified: Set<PinId>;
  /** The last GET CHALLENGE nonce not yet used by an EXTERNAL AUTHENTICATE (cleared by power only). */
  nonce: Uint8Array | undefined;
  /** The PIN whose reset EXTERNAL AUTHENTICATE opened; valid for the next command only. */
  openReset: PinId | undefined;
}

export interface Result {
  sw: number;
  data?: Uint8Array;
  /**
   * A retry counter changed in memory: write the profile before answering. If the write fails the change stays
   * (a spent try is never given back) and transmit rejects.
   */
  persist?: boolean;
  /**
   * The whole next profile (a PIN change): written first, adopted only if the write succeeded, else the card
   * keeps its state and answers 65 81.
   */
  commit?: CardProfile;
}

export function status(sw: number): Result {
  return { sw };
}
