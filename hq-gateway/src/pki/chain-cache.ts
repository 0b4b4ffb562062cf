import type { KeyObject } from 'node:crypto';
import type { JpkiCaKind } from './jpki-names';

/** What a successful path validation established about a card certificate, apart from its signature use. */
export interface ValidatedPath {
  serialNumber: string;
  issuerKeyId: string;
  notBefore: Date;
  notAfter: Date;
  /** The certificate's RSA public key, for the signature over each challenge; null when not RSA. */
  publicKey: KeyObject | null;
}

interface Entry {
  path: ValidatedPath;
  /** The validation time (the caller's clock) it was established at. */
  validatedAt: number;
  /** Wall clock after which it is dropped. */
  expires: number;
}

/**
 * Successful certificate-path validations by certificate SHA-256, for a short time: the same card opening
 * sessions again (a customer's next certificate, a retry) skips parsing and the pkijs chain walk. Only
 * successes are kept. What the cache cannot answer is still checked every time by the caller: the
 * certificate's own validity at the moment, revocation, and the signature over the challenge. A hit also
 * needs the moment being judged within `ttlMs` of the one the path was validated at, so a clock far off
 * (a CA generation expiring) is judged afresh.
 */
export class ValidatedChainCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
    private readonly wallClock: () => number = Date.now,
  ) {}

  get(kind: JpkiCaKind, sha256: string, at: Date): ValidatedPath | undefined {
    const key = `${kind}:${sha256}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const t = at.getTime();
    if (
      entry.expires <= this.wallClock() ||
      Math.abs(t - entry.validatedAt) > this.ttlMs ||
      t < entry.path.notBefore.getTime() ||
      t > entry.path.notAfter.getTime()
    ) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.path;
  }

  set(kind: JpkiCaKind, sha256: string, at: Date, path: ValidatedPath): void {
    // Maps iterate in insertion order: the first key is the oldest entry.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(`${kind}:${sha256}`, {
      path,
      validatedAt: at.getTime(),
      expires: this.wallClock() + this.ttlMs,
    });
  }

  get size(): number {
    return this.entries.size;
  }
}
