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
  defaultOptions,
  IssuanceResponse,
  OfferResponse,
  SessionResponse,
} from 'hq-gateway/api/schemas';
import { sessionSigningInput } from 'hq-gateway/api/signing-input';
import { openPgliteDatabase } from 'hq-gateway/db/pglite';
import { loadDocumentSigningKey, verifySignedDocument } from 'hq-gateway/issuance/document-signing';
import { fromPem } from 'hq-gateway/pki/pem';
import { loadTrustStore } from 'hq-gateway/pki/trust-store';
import { startGateway } from 'hq-gateway/server';
import { hqTlsPaths } from 'hq-gateway/pki/tls-ca';
import { terminalCaPaths } from 'hq-gateway/pki/terminal-ca';
import { hqDispatcher, isEnrolled, loadTerminalIdentity } from 'kiosk-agent/hq/tls';
import { fetch } from 'undici';
import { enrollDemoKiosk } from './demo-enrollment';
import { CardProfile, JPKI_CONTACT_ATR } from 'kiosk-agent/card/emulator/profile';
import { saveProfile } from 'kiosk-agent/card/emulator/profile-store';
import { DEMO_CARDS } from 'hq-gateway/registry/demo-municipality';
import { DEMO_TERMINAL_ID, demoPaths, ensureDemoData, resetDemoCards, SEED_VERSION } from './seed';

let root: string;
let dataDir: string;
let seedMs: number;
let firstResult: { created: boolean; enrollmentCode?: string };

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
    expect(firstResult).toEqual({ created: true, enrollmentCode: expect.stringMatching(/^[0-9A-Z-]{29}$/) });
    const paths = demoPaths(dataDir);
    const tls = hqTlsPaths(dataDir);
    for (const file of [
      paths.marker,
      paths.userAuthCaCert,
      paths.userAuthCaKey,
      paths.signatureCaCert,
      paths.signatureCaKey,
      paths.documentKey,
      paths.documentPublicKey,
      paths.kioskDocumentPublicKey,
      tls.caCert,
      tls.serverCert,
      terminalCaPaths(dataDir).cert,
      paths.cardManagementKey,
    ]) {
      expect((await stat(file)).isFile(), file).toBe(true);
    }
    // The kiosk has no identity until it enrols (on first start, through /v1/enroll).
    expect(await isEnrolled(dataDir)).toBe(false);
    expect((await stat(paths.database)).isDirectory()).toBe(true);
    expect((await readdir(paths.cards)).sort()).toEqual(DEMO_CARDS.map((c) => `${c.id}.json`).sort());
    // Seeding time is reported, not asserted: a loaded CI machine must not turn it into a flaky failure.
    console.log(`seeded in ${seedMs} ms`);
  });

  it('keeps private keys readable by the owner only', async () => {
    const paths = demoPaths(dataDir);
    const tls = hqTlsPaths(dataDir);
    for (const file of [
      paths.userAuthCaKey,
      paths.signatureCaKey,
      paths.documentKey,
      tls.caKey,
      tls.serverKey,
      terminalCaPaths(dataDir).key,
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
    const server = new X509Certificate(await readFile(hqTlsPaths(dataDir).serverCert, 'utf8'));
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIssued(new X509Certificate(await readFile(hqTlsPaths(dataDir).caCert, 'utf8')))).toBe(
      true,
    );
  });

  it('writes one valid CardProfile per demo card, with keys matching certificates', async () => {
    const userAuthCa = fromPem(await readFile(demoPaths(dataDir).userAuthCaCert, 'utf8'), 'CERTIFICATE')[0];
    for (const { id } of DEMO_CARDS) {
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
    for (const { id } of DEMO_CARDS) {
      const card = await profile(id);
      const expected = createHmac('sha256', master).update(card.serial, 'ascii').digest('base64');
      expect(card.managementKey, id).toBe(expected);
      keys.add(card.managementKey);
    }
    expect(keys.size).toBe(DEMO_CARDS.length);
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
      expect(rows.map((r) => r.id)).toEqual(DEMO_CARDS.map((c) => c.id).sort());
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
    const before = await readFile(terminalCaPaths(dataDir).key, 'utf8');
    const started = Date.now();
    expect(await ensureDemoData(dataDir)).toEqual({ created: false });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await readFile(terminalCaPaths(dataDir).key, 'utf8')).toBe(before);
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
      reset: DEMO_CARDS.map((c) => c.id),
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
      expect(gateway.url).toMatch(/^https:\/\/127\.0\.0\.1:[1-9]\d*$/);
      const hqCa = await readFile(hqTlsPaths(dataDir).caCert, 'utf8');
      const anonymous = hqDispatcher({ ca: hqCa });
      expect((await fetch(`${gateway.url}/v1/health`, { dispatcher: anonymous })).status).toBe(200);

      // The demo kiosk enrols with the seed's one-time code, as `npm start` does on first start.
      expect(firstResult.enrollmentCode).toBeDefined();
      await enrollDemoKiosk(dataDir, gateway.url, firstResult.enrollmentCode ?? '');
      const terminal = await loadTerminalIdentity(dataDir);
      expect(terminal.terminalId).toBe(DEMO_TERMINAL_ID);
      expect((await stat(path.join(dataDir, 'kiosk', 'terminal.key'))).mode & 0o077).toBe(0);
      const kiosk = hqDispatcher(terminal.tls);
      const post = async (route: string, body: unknown, dispatcher = kiosk) => {
        const response = await fetch(`${gateway.url}${route}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          dispatcher,
        });
        return { status: response.status, json: (await response.json()) as unknown };
      };

      expect((await post('/v1/kiosk/challenges', { purpose: 'kiosk-session' }, anonymous)).status).toBe(401);

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

      // The gateway runs on the real clock: at night (23:00–6:30 JST) and over the new year it must refuse
      // with the offer's reason instead.
      const offer = OfferResponse.parse(
        await (
          await fetch(`${gateway.url}/v1/kiosk/sessions/${session.sessionId}/offer`, { dispatcher: kiosk })
        ).json(),
      );
      const juminhyo = offer.certificates.find((c) => c.type === 'juminhyo');
      const issued = await post('/v1/kiosk/issuances', {
        sessionId: session.sessionId,
        idempotencyKey: randomUUID(),
        options: defaultOptions('juminhyo', juminhyo),
      });
      if (!juminhyo?.available) {
        expect(issued.json).toMatchObject({ error: { code: 'SERVICE_REFUSED', reason: juminhyo?.refusal } });
        return;
      }
      expect(issued.status).toBe(201);
      const issuance = IssuanceResponse.parse(issued.json);
      expect(issuance.feeYen).toBe(300);
      const kioskKey = await readFile(demoPaths(dataDir).kioskDocumentPublicKey, 'utf8');
      const doc = verifySignedDocument(
        issuance.documents[0] ?? { payload: '', signature: '', keyId: '' },
        kioskKey,
      );
      expect(doc.content.type === 'juminhyo' && doc.content.persons[0]?.name).toBe('山田\u3000太郎');
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
    const oldCa = await readFile(terminalCaPaths(dataDir).cert, 'utf8');
    await rm(paths.marker);
    expect(await ensureDemoData(dataDir)).toMatchObject({ created: true });
    expect(await readFile(terminalCaPaths(dataDir).cert, 'utf8')).not.toBe(oldCa);
    // The kiosk's old identity names a terminal of the old database: it is removed, so the kiosk enrols again.
    expect(await isEnrolled(dataDir)).toBe(false);
    expect((await stat(paths.marker)).isFile()).toBe(true);
  });

  it('is redone from scratch when an older seed wrote the marker', { timeout: 60_000 }, async () => {
    const paths = demoPaths(dataDir);
    const oldKey = await readFile(paths.cardManagementKey, 'utf8');
    // What the first seed wrote: no version.
    await writeFile(paths.marker, `${JSON.stringify({ seededAt: new Date().toISOString() })}\n`);
    expect(await ensureDemoData(dataDir)).toMatchObject({ created: true });
    expect(await readFile(paths.cardManagementKey, 'utf8')).not.toBe(oldKey);
    expect(JSON.parse(await readFile(paths.marker, 'utf8'))).toMatchObject({ version: SEED_VERSION });
    expect(await ensureDemoData(dataDir)).toEqual({ created: false });
  });
});
