import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ValidatedChainCache, type ValidatedPath } from './chain-cache';

const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const path: ValidatedPath = {
  serialNumber: '01',
  issuerKeyId: 'aa',
  notBefore: new Date('2026-01-01T00:00:00Z'),
  notAfter: new Date('2027-01-01T00:00:00Z'),
  publicKey,
};
const at = new Date('2026-06-01T00:00:00Z');

function cacheAt(clock: { now: number }, maxEntries = 10) {
  return new ValidatedChainCache(60_000, maxEntries, () => clock.now);
}

describe('ValidatedChainCache', () => {
  it('answers a validated path for the same kind and hash only', () => {
    const cache = cacheAt({ now: 0 });
    cache.set('userAuth', 'h1', at, path);
    expect(cache.get('userAuth', 'h1', at)).toBe(path);
    expect(cache.get('signature', 'h1', at)).toBeUndefined();
    expect(cache.get('userAuth', 'h2', at)).toBeUndefined();
  });

  it('forgets a path after its time on the wall clock', () => {
    const clock = { now: 0 };
    const cache = cacheAt(clock);
    cache.set('userAuth', 'h1', at, path);
    clock.now = 60_000;
    expect(cache.get('userAuth', 'h1', at)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('judges afresh a moment far from the one validated, or outside the certificate validity', () => {
    const cache = cacheAt({ now: 0 });
    cache.set('userAuth', 'h1', at, path);
    expect(cache.get('userAuth', 'h1', new Date(at.getTime() + 61_000))).toBeUndefined();
    cache.set('userAuth', 'h2', new Date('2026-12-31T23:59:30Z'), path);
    expect(cache.get('userAuth', 'h2', new Date('2027-01-01T00:00:10Z'))).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const cache = cacheAt({ now: 0 }, 2);
    cache.set('userAuth', 'h1', at, path);
    cache.set('userAuth', 'h2', at, path);
    cache.set('userAuth', 'h3', at, path);
    expect([cache.get('userAuth', 'h1', at), cache.size]).toEqual([undefined, 2]);
    expect(cache.get('userAuth', 'h3', at)).toBe(path);
  });
});
