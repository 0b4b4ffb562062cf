import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  randomUUID,
  sign,
  X509Certificate,
} from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChallengeResponse,
  IssuanceResponse,
  SessionResponse,
  TERMINAL_ID_HEADER,
} from 'hq-gateway/api/schemas';
import { sessionSigningInput } from 'hq-gateway/api/signing-input';
import { openPgliteDatabase } from 'hq-gateway/db/pglite';
import { loadDocumentSigningKey, verifySignedDocument } from 'hq-gateway/issuance/document-signing';
import { fromPem } from 'hq-gateway/pki/pem';
import { loadTrustStore } from 'hq-gateway/pki/trust-store';
import { startGateway } from 'hq-gateway/server';
import { CardProfile, JPKI_CONTACT_ATR } from 'kiosk-agent/card/emulator/profile';
import { saveProfile } from 'kiosk-agent/card/emulator/profile-store';
import { DEMO_TERMINAL_ID, demoPaths, ensureDemoData, resetDemoCards, SEED_VERSION } from './seed';

let root: string;
let dataDir: string;
let seedMs: number;
let firstResult: { created: boolean };

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'seed-test-'));
  dataDir = path.join(root, 'data');
  const started = Date.now();
  firstResult = await ensureDemoData(dataDir);
  seedMs = Date.now() - started;
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

async function profile(id: string): Promise<CardProfile> {
  return CardProfile.parse(JSON.parse(await readFile(demoPaths(dataDir).card(id), 'utf8')));
}

describe('ensureDemoData', () => {
  it('creates the PKI, keys, database, terminal and cards, then the marker', async () => {
    expect(firstResult).toEqual({ created: true });
    const paths = demoPaths(dataDir);
    for (const file of [
      paths.marker,
      paths.userAuthCaCert,
      paths.userAuthCaKey,
      paths.signatureCaCert,
      paths.signatureCaKey,
      paths.documentKey,
      paths.documentPublicKey,
      paths.kioskDocumentPublicKey,
      paths.terminal,
      paths.cardManagementKey,
    ]) {
      expect((await stat(file)).isFile(), file).toBe(true);
    }
    expect((await stat(paths.database)).isDirectory()).toBe(true);
    expect((await readdir(paths.cards)).sort()).toEqual([
      'demo-hanako.json',
      'demo-kenichi.json',
      'demo-sakura.json',
      'demo-taro.json',
    ]);
    // Seeding time is reported, not asserted: a loaded CI machine must not turn it into a flaky failure.
    console.log(`seeded in ${seedMs} ms`);
  });

  it('keeps private keys and the terminal token readable by the owner only', async () => {
    const paths = demoPaths(dataDir);
    for (const file of [
      paths.userAuthCaKey,
      paths.signatureCaKey,
      paths.documentKey,
      paths.terminal,
      paths.cardManagementKey,
    ]) {
      expect((await stat(file)).mode & 0o077, file).toBe(0);
    }
  });

  it('writes CA certificates the gateway classifies, and a matching document key pair', async () => {
    const paths = demoPaths(dataDir);
    const store = await loadTrustStore(paths.pki);
    expect([store.userAuth.length, store.signature.length]).toEqual([1, 1]);
    const key = loadDocumentSigningKey(await readFile(paths.documentKey, 'utf8'));
    expect(await readFile(paths.documentPublicKey, 'utf8')).toBe(key.publicKeyPem);
    expect(await readFile(paths.kioskDocumentPublicKey, 'utf8')).toBe(key.publicKeyPem);
    const terminal = JSON.parse(await readFile(paths.terminal, 'utf8')) as {
      terminalId: string;
      token: string;
    };
    expect(terminal.terminalId).toBe(DEMO_TERMINAL_ID);
    expect(terminal.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('writes one valid CardProfile per demo card, with keys matching certificates', async () => {
    const userAuthCa = fromPem(await readFile(demoPaths(dataDir).userAuthCaCert, 'utf8'), 'CERTIFICATE')[0];
    for (const id of ['demo-taro', 'demo-hanako', 'demo-sakura', 'demo-kenichi']) {
      const card = await profile(id);
      expect(card.id).toBe(id);
      expect(card.atr).toBe(JPKI_CONTACT_ATR);
      expect(card.userAuth.caCertificate).toBe(Buffer.from(userAuthCa ?? []).toString('base64'));
      const cert = new X509Certificate(Buffer.from(card.userAuth.certificate, 'base64'));
      expect(
        cert.verify(new X509Certificate(Buffer.from(card.userAuth.caCertificate, 'base64')).publicKey),
      ).toBe(true);
      const key = createPrivateKey({
        key: Buffer.from(card.userAuth.privateKey, 'base64'),
        format: 'der',
        type: 'pkcs8',
      });
      expect(createPublicKey(key).export({ format: 'pem', type: 'spki' })).toBe(
        cert.publicKey.export({ format: 'pem', type: 'spki' }),
      );
    }
    const taro = await profile('demo-taro');
    expect([taro.holder, taro.userAuth.pin, taro.userAuth.triesLeft]).toEqual(['山田 太郎', '1234', 3]);
    expect(taro.signature).toMatchObject({ pin: 'TARO2024', triesLeft: 5 });
    expect(new X509Certificate(Buffer.from(taro.signature?.certificate ?? '', 'base64')).subject).toContain(
      'L=葵市',
    );
    expect((await profile('demo-sakura')).signature).toBeNull();
    const kenichi = await profile('demo-kenichi');
    expect([kenichi.userAuth.triesLeft, kenichi.signature?.triesLeft]).toEqual([0, 5]);
  });

  it('gives every card K_card = HMAC-SHA256(master key, serial) and keeps the master key at HQ only', async () => {
    const paths = demoPaths(dataDir);
    const keyText = await readFile(paths.cardManagementKey, 'utf8');
    expect(keyText).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    const master = Buffer.from(keyText.trim(), 'base64');
    expect(master).toHaveLength(32);
    const keys = new Set<string>();
    for (const id of ['demo-taro', 'demo-hanako', 'demo-sakura', 'demo-kenichi']) {
      const card = await profile(id);
      const expected = createHmac('sha256', master).update(card.serial, 'ascii').digest('base64');
      expect(card.managementKey, id).toBe(expected);
      keys.add(card.managementKey);
    }
    expect(keys.size).toBe(4);
    // The master key is nowhere but in hq/: not in a profile, not in the kiosk's folder.
    for (const name of await readdir(paths.cards)) {
      expect(await readFile(path.join(paths.cards, name), 'utf8')).not.toContain(keyText.trim());
    }
    for (const name of await readdir(path.dirname(paths.terminal))) {
      expect(await readFile(path.join(path.dirname(paths.terminal), name), 'utf8')).not.toContain(
        keyText.trim(),
      );
    }
  });

  it('registers each adult card’s signature certificate, and none for the child', async () => {
    const db = await openPgliteDatabase({ dataDir: demoPaths(dataDir).database });
    try {
      const rows = await db.query<{
        id: string;
        card_serial: string;
        signature_issuer_key_id: string | null;
        signature_serial: string | null;
        signature_cert_sha256: string | null;
      }>(
        `SELECT id, card_serial, signature_issuer_key_id, signature_serial, signature_cert_sha256
         FROM cards ORDER BY id`,
      );
      expect(rows.map((r) => r.id)).toEqual(['demo-hanako', 'demo-kenichi', 'demo-sakura', 'demo-taro']);
      for (const row of rows) {
        const card = await profile(row.id);
        expect(row.card_serial).toBe(card.serial);
        if (!card.signature) {
          expect([row.signature_issuer_key_id, row.signature_serial, row.signature_cert_sha256]).toEqual([
            null,
            null,
            null,
          ]);
          continue;
        }
        const der = Buffer.from(card.signature.certificate, 'base64');
        const x509 = new X509Certificate(der);
        expect(row.signature_cert_sha256).toBe(createHash('sha256').update(der).digest('hex'));
        expect(row.signature_serial).toBe(x509.serialNumber.toLowerCase());
        expect(row.signature_issuer_key_id).toMatch(/^[0-9a-f]{40}$/);
      }
      expect(rows.find((r) => r.id === 'demo-sakura')?.signature_cert_sha256).toBeNull();
    } finally {
      await db.close();
    }
  });

  it('does nothing the second time', async () => {
    const before = await readFile(demoPaths(dataDir).terminal, 'utf8');
    const started = Date.now();
    expect(await ensureDemoData(dataDir)).toEqual({ created: false });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await readFile(demoPaths(dataDir).terminal, 'utf8')).toBe(before);
  });
});

describe('resetDemoCards', () => {
  it('restores PINs and retry counters, and leaves the locked card locked', async () => {
    const file = demoPaths(dataDir).card('demo-taro');
    const taro = await profile('demo-taro');
    await saveProfile(file, {
      ...taro,
      userAuth: { ...taro.userAuth, pin: '9999', triesLeft: 1 },
      signature: taro.signature && { ...taro.signature, triesLeft: 0 },
    });
    expect(await resetDemoCards(dataDir)).toEqual({
      reset: ['demo-taro', 'demo-hanako', 'demo-sakura', 'demo-kenichi'],
      missing: [],
    });
    const restored = await profile('demo-taro');
    expect([restored.userAuth.pin, restored.userAuth.triesLeft, restored.signature?.triesLeft]).toEqual([
      '1234',
      3,
      5,
    ]);
    expect(restored.userAuth.certificate).toBe(taro.userAuth.certificate);
    expect((await profile('demo-kenichi')).userAuth.triesLeft).toBe(0);
  });
});

describe('the seeded gateway', () => {
  it('starts on a free port and issues a verifiable 住民票 to a demo card', async () => {
    const gateway = await startGateway({
      dataDir,
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
    });
    try {
      expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
      expect((await fetch(`${gateway.url}/v1/health`)).status).toBe(200);

      const terminal = JSON.parse(await readFile(demoPaths(dataDir).terminal, 'utf8')) as {
        terminalId: string;
        token: string;
      };
      const post = async (route: string, body: unknown, token = terminal.token) => {
        const response = await fetch(`${gateway.url}${route}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${token}`,
            [TERMINAL_ID_HEADER]: terminal.terminalId,
          },
          body: JSON.stringify(body),
        });
        return { status: response.status, json: (await response.json()) as unknown };
      };

      expect(
        (await post('/v1/kiosk/challenges', { purpose: 'kiosk-session' }, 'wrong-token-000000')).status,
      ).toBe(401);

      const taro = await profile('demo-taro');
      const challenge = ChallengeResponse.parse(
        (await post('/v1/kiosk/challenges', { purpose: 'kiosk-session' })).json,
      );
      const signature = sign(
        'sha256',
        sessionSigningInput(Buffer.from(challenge.nonce, 'base64'), terminal.terminalId, 'kiosk-session'),
        { key: Buffer.from(taro.userAuth.privateKey, 'base64'), format: 'der', type: 'pkcs8' },
      );
      const opened = await post('/v1/kiosk/sessions', {
        challengeId: challenge.challengeId,
        certificate: taro.userAuth.certificate,
        signature: signature.toString('base64'),
      });
      expect(opened.status).toBe(201);
      const session = SessionResponse.parse(opened.json);
      expect(session.municipality).toEqual({ code: '139998', name: '葵市' });

      const issued = await post('/v1/kiosk/issuances', {
        sessionId: session.sessionId,
        idempotencyKey: randomUUID(),
        certificateType: 'juminhyo',
      });
      expect(issued.status).toBe(201);
      const issuance = IssuanceResponse.parse(issued.json);
      expect(issuance.feeYen).toBe(300);
      const kioskKey = await readFile(demoPaths(dataDir).kioskDocumentPublicKey, 'utf8');
      const doc = verifySignedDocument(
        issuance.documents[0] ?? { payload: '', signature: '', keyId: '' },
        kioskKey,
      );
      expect(doc.persons[0]?.name).toBe('山田\u3000太郎');
      expect(doc.cardCertificateSha256).toBe(
        createHash('sha256').update(Buffer.from(taro.userAuth.certificate, 'base64')).digest('hex'),
      );
    } finally {
      await gateway.close();
    }
  });

  it('refuses to start on a folder that was never seeded', async () => {
    await expect(
      startGateway({
        dataDir: path.join(root, 'empty'),
        host: '127.0.0.1',
        port: 0,
        logger: pino({ level: 'silent' }),
      }),
    ).rejects.toThrow(/seeded/);
  });
});

describe('an interrupted seed', () => {
  it('is redone from scratch when the marker is missing', { timeout: 60_000 }, async () => {
    const paths = demoPaths(dataDir);
    const oldToken = await readFile(paths.terminal, 'utf8');
    await rm(paths.marker);
    expect(await ensureDemoData(dataDir)).toEqual({ created: true });
    expect(await readFile(paths.terminal, 'utf8')).not.toBe(oldToken);
    expect((await stat(paths.marker)).isFile()).toBe(true);
  });

  it('is redone from scratch when an older seed wrote the marker', { timeout: 60_000 }, async () => {
    const paths = demoPaths(dataDir);
    const oldKey = await readFile(paths.cardManagementKey, 'utf8');
    // What the first seed wrote: no version.
    await writeFile(paths.marker, `${JSON.stringify({ seededAt: new Date().toISOString() })}\n`);
    expect(await ensureDemoData(dataDir)).toEqual({ created: true });
    expect(await readFile(paths.cardManagementKey, 'utf8')).not.toBe(oldKey);
    expect(JSON.parse(await readFile(paths.marker, 'utf8'))).toMatchObject({ version: SEED_VERSION });
    expect(await ensureDemoData(dataDir)).toEqual({ created: false });
  });
});
