import { createPublicKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveCardManagementKey } from '../../management-key';
import { CardProfile } from '../profile';
import { makeTestProfile, TEST_CARD_MANAGEMENT_MASTER_KEY, testKeys } from './test-keys';

const cert = (b64: string) => new X509Certificate(Buffer.from(b64, 'base64'));

describe('test profiles', () => {
  it('is a valid CardProfile whose certificates chain to their CAs and match the keys', async () => {
    const profile = await makeTestProfile();
    expect(CardProfile.parse(profile)).toEqual(profile);
    const keys = await testKeys();

    const user = cert(profile.userAuth.certificate);
    const userCa = cert(profile.userAuth.caCertificate);
    expect(user.subject).toMatch(/^C=JP\nCN=[0-9A-F]{16}$/);
    expect(userCa.subject).toContain('O=JPKI-TEST');
    expect(userCa.subject).toContain('OU=JPKI for user authentication');
    expect(user.issuer).toBe(userCa.subject);
    expect(user.verify(userCa.publicKey)).toBe(true);
    expect(userCa.verify(userCa.publicKey)).toBe(true);
    expect(userCa.ca).toBe(true);
    expect(user.ca).toBe(false);
    expect(user.checkPrivateKey(keys.userAuth)).toBe(true);
    expect(user.publicKey.export({ format: 'jwk' })).toEqual(
      createPublicKey(keys.userAuth).export({ format: 'jwk' }),
    );
    expect(user.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(new Date(user.validTo).getTime()).toBeGreaterThan(Date.now());

    const signature = cert(profile.signature?.certificate ?? '');
    const signatureCa = cert(profile.signature?.caCertificate ?? '');
    expect(signature.subject).toContain('L=東京都');
    expect(signatureCa.subject).toContain('OU=JPKI for digital signature');
    expect(signature.verify(signatureCa.publicKey)).toBe(true);
    expect(signature.verify(userCa.publicKey)).toBe(false);
    expect(signature.checkPrivateKey(keys.signature)).toBe(true);
  });

  it('applies options: PINs, counters, child card', async () => {
    const profile = await makeTestProfile({
      id: 'demo-hanako',
      serial: 'ABC',
      userAuthPin: '9876',
      userAuthTriesLeft: 1,
      signaturePin: 'PIN12345',
      retryCounterAfterVerify: '9000',
    });
    expect(profile).toMatchObject({
      id: 'demo-hanako',
      serial: 'ABC',
      userAuth: { pin: '9876', triesLeft: 1 },
      signature: { pin: 'PIN12345', triesLeft: 5 },
      options: { retryCounterAfterVerify: '9000' },
    });
    expect((await makeTestProfile({ child: true })).signature).toBeNull();
  });

  it('derives the management key from the test master key and the serial, unless given one', async () => {
    const derived = await makeTestProfile({ serial: 'MGMT0001' });
    expect(Buffer.from(derived.managementKey, 'base64')).toEqual(
      Buffer.from(deriveCardManagementKey(TEST_CARD_MANAGEMENT_MASTER_KEY, 'MGMT0001')),
    );
    expect(TEST_CARD_MANAGEMENT_MASTER_KEY.length).toBe(32);
    // A random serial gets its own key.
    const [a, b] = await Promise.all([makeTestProfile(), makeTestProfile()]);
    expect(a.managementKey).not.toBe(b.managementKey);

    const own = new Uint8Array(32).fill(7);
    const given = await makeTestProfile({ serial: 'MGMT0001', managementKey: own });
    expect(Buffer.from(given.managementKey, 'base64')).toEqual(Buffer.from(own));
    await expect(makeTestProfile({ managementKey: new Uint8Array(16) })).rejects.toThrow(RangeError);
  });

  it('caches the keys: a second call returns the same key objects', async () => {
    expect(await testKeys()).toBe(await testKeys());
  });
});
