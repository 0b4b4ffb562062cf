import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { CARD_MANAGEMENT_KEY_LENGTH, deriveCardManagementKey } from '../../management-key';
import { CardProfile, JPKI_CONTACT_ATR, SIGNATURE_MAX_TRIES, USER_AUTH_MAX_TRIES } from '../profile';
import { buildTestCertificate, type NameAttribute } from './test-certificate';

/**
 * Test cards: a CardProfile with RSA-2048 keys and certificates of a throw-away test PKI. RSA key generation
 * is the slow part, so the four keys are generated once and cached in a file under os.tmpdir() (shared by
 * test workers and runs); certificates are cheap and made fresh for every profile.
 */

export interface TestProfileOptions {
  id?: string;
  holder?: string;
  serial?: string;
  userAuthPin?: string;
  userAuthTriesLeft?: number;
  signaturePin?: string;
  signatureTriesLeft?: number;
  /** A child under 15: no signature certificate, key or PIN. */
  child?: boolean;
  retryCounterAfterVerify?: '9000' | '63Cx';
  /**
   * The card's diversified card-management key K_card (32 bytes). Default:
   * deriveCardManagementKey(TEST_CARD_MANAGEMENT_MASTER_KEY, serial).
   */
  managementKey?: Uint8Array;
}

/**
 * The fixed card-management master key of test cards (32 bytes, SHA-256 of a label): tests acting as HQ derive
 * K_card from it with deriveCardManagementKey. Never a production key.
 */
export const TEST_CARD_MANAGEMENT_MASTER_KEY: Uint8Array = new Uint8Array(
  createHash('sha256').update('JPKI-TEST card-management master key').digest(),
);

export interface TestKeys {
  userAuth: KeyObject;
  userAuthCa: KeyObject;
  signature: KeyObject;
  signatureCa: KeyObject;
}

const KEY_NAMES = ['userAuth', 'userAuthCa', 'signature', 'signatureCa'] as const;
const CACHE_FILE = join(tmpdir(), 'kiosk-agent-jpki-test-keys-v1.json');
const KeyCache = z.object({
  version: z.literal(1),
  keys: z.object({
    userAuth: z.string(),
    userAuthCa: z.string(),
    signature: z.string(),
    signatureCa: z.string(),
  }),
});

const generateRsa = promisify(generateKeyPair);
const DAY_MS = 24 * 60 * 60 * 1000;

let cached: Promise<TestKeys> | undefined;

/** The four private keys of the test PKI, from the cache file or freshly generated (and then cached). */
export function testKeys(): Promise<TestKeys> {
  cached ??= loadOrGenerateKeys();
  return cached;
}

async function loadOrGenerateKeys(): Promise<TestKeys> {
  try {
    const cache = KeyCache.parse(JSON.parse(await readFile(CACHE_FILE, 'utf8')));
    const keys = Object.fromEntries(
      KEY_NAMES.map((name) => [
        name,
        createPrivateKey({ key: Buffer.from(cache.keys[name], 'base64'), format: 'der', type: 'pkcs8' }),
      ]),
    ) as unknown as TestKeys;
    if (KEY_NAMES.every((name) => keys[name].asymmetricKeyDetails?.modulusLength === 2048)) return keys;
  } catch {
    // Missing or unusable cache: generate below.
  }
  const pairs = await Promise.all(KEY_NAMES.map(() => generateRsa('rsa', { modulusLength: 2048 })));
  const keys = Object.fromEntries(
    KEY_NAMES.map((name, i) => [name, pairs[i]?.privateKey]),
  ) as unknown as TestKeys;
  const cache = {
    version: 1,
    keys: Object.fromEntries(KEY_NAMES.map((name) => [name, pkcs8Base64(keys[name])])),
  };
  // Temp file + rename: parallel test workers may race to write; each reader sees a whole file.
  const temp = `${CACHE_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, JSON.stringify(cache), { mode: 0o600 });
  await rename(temp, CACHE_FILE);
  return keys;
}

function pkcs8Base64(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'der' }).toString('base64');
}

function caName(purpose: string): Array<[NameAttribute, string]> {
  return [
    ['C', 'JP'],
    ['O', 'JPKI-TEST'],
    ['OU', `JPKI for ${purpose}`],
    ['OU', 'Japan Agency for Local Authority Information Systems'],
  ];
}

function certificatePair(
  key: KeyObject,
  caKey: KeyObject,
  caSubject: Array<[NameAttribute, string]>,
  subject: Array<[NameAttribute, string]>,
  keyUsage: Array<'digitalSignature' | 'nonRepudiation'>,
): { certificate: string; caCertificate: string } {
  const now = Date.now();
  const caCertificate = buildTestCertificate({
    subject: caSubject,
    publicKey: createPublicKey(caKey),
    issuerPrivateKey: caKey,
    keyUsage: ['keyCertSign', 'cRLSign'],
    isCa: true,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 3650 * DAY_MS),
  });
  const certificate = buildTestCertificate({
    subject,
    issuer: caSubject,
    publicKey: createPublicKey(key),
    issuerPrivateKey: caKey,
    keyUsage,
    isCa: false,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 5 * 365 * DAY_MS),
  });
  return {
    certificate: Buffer.from(certificate).toString('base64'),
    caCertificate: Buffer.from(caCertificate).toString('base64'),
  };
}

/**
 * A valid CardProfile for tests. Defaults: PINs 1234 / ABC123, full retry counters, a random serial, a
 * management key derived from TEST_CARD_MANAGEMENT_MASTER_KEY and the serial.
 */
export async function makeTestProfile(options: TestProfileOptions = {}): Promise<CardProfile> {
  const keys = await testKeys();
  const opaqueId = randomBytes(8).toString('hex').toUpperCase();
  const userAuth = {
    ...certificatePair(
      keys.userAuth,
      keys.userAuthCa,
      caName('user authentication'),
      [
        ['C', 'JP'],
        ['CN', opaqueId],
      ],
      ['digitalSignature'],
    ),
    privateKey: pkcs8Base64(keys.userAuth),
    pin: options.userAuthPin ?? '1234',
    triesLeft: options.userAuthTriesLeft ?? USER_AUTH_MAX_TRIES,
  };
  const signature = options.child
    ? null
    : {
        ...certificatePair(
          keys.signature,
          keys.signatureCa,
          caName('digital signature'),
          [
            ['C', 'JP'],
            ['L', '東京都'],
            ['L', '千代田区'],
            ['CN', opaqueId],
          ],
          ['digitalSignature', 'nonRepudiation'],
        ),
        privateKey: pkcs8Base64(keys.signature),
        pin: options.signaturePin ?? 'ABC123',
        triesLeft: options.signatureTriesLeft ?? SIGNATURE_MAX_TRIES,
      };
  const serial = options.serial ?? `T${randomBytes(6).toString('hex').toUpperCase()}`;
  const managementKey =
    options.managementKey ?? deriveCardManagementKey(TEST_CARD_MANAGEMENT_MASTER_KEY, serial);
  if (managementKey.length !== CARD_MANAGEMENT_KEY_LENGTH) {
    throw new RangeError(`managementKey must be ${CARD_MANAGEMENT_KEY_LENGTH} bytes`);
  }
  return CardProfile.parse({
    version: 1,
    id: options.id ?? 'test-card',
    holder: options.holder ?? 'テスト 太郎',
    serial,
    atr: JPKI_CONTACT_ATR,
    userAuth,
    signature,
    managementKey: Buffer.from(managementKey).toString('base64'),
    options: { retryCounterAfterVerify: options.retryCounterAfterVerify ?? '63Cx' },
  });
}
