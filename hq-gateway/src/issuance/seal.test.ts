import { sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SealFields } from '../api/schemas';
import { generateDocumentSigningKeyPem, loadDocumentSigningKey } from './document-signing';
import { sealName } from './payloads';
import { createSeal, verifySealOffline } from './seal';

const pems = generateDocumentSigningKeyPem();
const key = loadDocumentSigningKey(pems.privateKeyPem);
const fields: SealFields = {
  t: 'juminhyo',
  s: '139998-261124-7K3M9Q2XZA',
  d: '2026-11-24',
  n: '\u{20BB7}田\u3000一夫',
  b: '1965-10-10',
  m: '139998',
  k: key.keyId,
};

/** Re-encodes the seal's JSON with a change, keeping the original signature. */
function tamper(seal: string, change: (json: Record<string, unknown>) => void): string {
  const [prefix, body, sig] = seal.split('.') as [string, string, string];
  const json = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(json);
  return `${prefix}.${Buffer.from(JSON.stringify(json)).toString('base64url')}.${sig}`;
}

describe('QR seal', () => {
  it('round-trips the fields and stays short enough for a small QR code', () => {
    const seal = createSeal(fields, key);
    expect(seal).toMatch(/^JPKS1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    expect(verifySealOffline(seal, pems.publicKeyPem)).toEqual({ ok: true, fields });
    // Scanners often add a trailing newline.
    expect(verifySealOffline(`${seal}\n`, pems.publicKeyPem).ok).toBe(true);
    const longest = createSeal({ ...fields, t: 'sealRegistration', n: sealName('あ'.repeat(60)) }, key);
    // DocumentPayload.seal allows 600; a 40-character kana name is the worst case.
    expect(longest.length).toBeLessThanOrEqual(600);
    expect(seal.length).toBeLessThanOrEqual(300);
  });

  it.each<[string, (json: Record<string, unknown>) => void]>([
    ['serial', (j) => (j.s = '139998-261124-7K3M9Q2XZB')],
    ['type', (j) => (j.t = 'koseki')],
    ['issue date', (j) => (j.d = '2026-11-25')],
    ['name', (j) => (j.n = '山田\u3000太郎')],
  ])('refuses a tampered %s', (_label, change) => {
    expect(verifySealOffline(tamper(createSeal(fields, key), change), pems.publicKeyPem)).toEqual({
      ok: false,
      reason: 'SIGNATURE_INVALID',
    });
  });

  it('refuses a seal signed by another key, whether or not it claims ours', () => {
    const other = loadDocumentSigningKey(generateDocumentSigningKeyPem().privateKeyPem);
    expect(verifySealOffline(createSeal({ ...fields, k: other.keyId }, other), pems.publicKeyPem)).toEqual({
      ok: false,
      reason: 'WRONG_KEY',
    });
    expect(verifySealOffline(createSeal(fields, other), pems.publicKeyPem)).toEqual({
      ok: false,
      reason: 'SIGNATURE_INVALID',
    });
    expect(verifySealOffline(createSeal(fields, key), 'not a key').ok).toBe(false);
  });

  it.each([
    ['truncated', (s: string) => s.slice(0, -10)],
    ['cut before the signature', (s: string) => s.slice(0, s.lastIndexOf('.'))],
    ['another prefix', (s: string) => s.replace(/^JPKS1/, 'JPKS2')],
    ['a fourth part', (s: string) => `${s}.AAAA`],
    ['non-base64url characters', (s: string) => s.replace('.', '.+')],
    ['empty', () => ''],
  ])('refuses a seal %s', (_label, mangle) => {
    const check = verifySealOffline(mangle(createSeal(fields, key)), pems.publicKeyPem);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(['MALFORMED', 'SIGNATURE_INVALID']).toContain(check.reason);
  });

  it('calls a canonically encoded signature of the wrong length malformed, not a forgery', () => {
    const [prefix, body] = createSeal(fields, key).split('.');
    for (const length of [0, 48, 63, 65]) {
      const sig = Buffer.alloc(length, 7).toString('base64url');
      expect(verifySealOffline(`${prefix}.${body}.${sig}`, pems.publicKeyPem)).toEqual({
        ok: false,
        reason: 'MALFORMED',
      });
    }
  });

  it('refuses correctly signed bytes that are not SealFields', () => {
    const bytes = Buffer.from(JSON.stringify({ ...fields, extra: 1 }));
    const seal = `JPKS1.${bytes.toString('base64url')}.${sign(null, bytes, key.privateKey).toString('base64url')}`;
    expect(verifySealOffline(seal, pems.publicKeyPem)).toEqual({ ok: false, reason: 'FIELDS_INVALID' });
  });

  it('cuts long names at a character boundary, never inside a surrogate pair', () => {
    const name = `${'あ'.repeat(39)}\u{20BB7}`;
    expect(sealName(name)).toBe('あ'.repeat(39));
    expect(sealName('山田\u3000太郎')).toBe('山田\u3000太郎');
  });
});
