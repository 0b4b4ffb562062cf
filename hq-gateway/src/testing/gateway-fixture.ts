import { randomBytes, sign } from 'node:crypto';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp } from '../api/app';
import type { RateLimits } from '../api/rate-limit';
import { acceptProxyProtocol } from '../pki/client-address';
import { sessionSigningInput } from '../api/signing-input';
import { fetch } from 'undici';
import { APP_SIGNER_ID, ChallengePurpose, ChallengeResponse, HqErrorBody } from '../api/schemas';
import type { Database } from '../db/database';
import { runMigrations } from '../db/migrate';
import { openPgliteDatabase } from '../db/pglite';
import {
  generateDocumentSigningKeyPem,
  loadDocumentSigningKey,
  type DocumentSigningKey,
} from '../issuance/document-signing';
import {
  createTestCa,
  issueSignatureCertificate,
  issueUserAuthCertificate,
  type IssuedCertificate,
  type TestCa,
} from '../pki/test-pki';
import { classifyTrustAnchors } from '../pki/trust-store';
import {
  demoHousehold,
  demoResident,
  DEMO_MUNICIPALITY,
  insertDemoRegistry,
} from '../registry/demo-municipality';
import { registerCard } from '../registry/store';
import { certificateRef } from '../registry/certificate-ref';
import { closeServer, listen, serverUrl } from '../server';
import { createFixtureTls, enrollFixtureTerminals, type FixtureTls, type TestTerminal } from './terminal-tls';
import { attachLive } from '../fleet/live';
import { startFleet } from '../fleet/service';

/**
 * A gateway for tests: in-memory PGlite with the demo registry, a fresh test PKI (both CAs), registered
 * cards, terminals, a card-management master key, a clock the test moves, and every log line captured.
 * Listens on a free port and is reached over real HTTPS: terminals are enrolled (code + CSR) and call
 * /v1/kiosk/* with their client certificate (mutual TLS).
 */

export type { TestTerminal };

export interface GatewayFixture {
  url: string;
  db: Database;
  clock: { now: Date; advance(ms: number): void };
  documentKey: DocumentSigningKey;
  documentPublicKeyPem: string;
  /** The user-authentication CA. */
  ca: TestCa;
  signatureCa: TestCa;
  /** Registered to 山田 太郎 (res-yamada-taro) as card demo-taro. */
  taroCard: IssuedCertificate;
  /** demo-taro's signature certificate. */
  taroSignature: IssuedCertificate;
  /** 山田 花子's card demo-hanako: user-authentication and signature certificates. */
  hanakoCard: IssuedCertificate;
  hanakoSignature: IssuedCertificate;
  /** 山田 さくら (aged 10): card demo-sakura has a user-authentication certificate only. */
  sakuraCard: IssuedCertificate;
  /** Chains to the trusted CA but is registered to nobody. */
  unregisteredCard: IssuedCertificate;
  /** Card serials as registered (what K_card is diversified from). */
  cardSerials: { taro: string; hanako: string; sakura: string };
  /** HQ's card-management master key, 32 bytes. */
  cardManagementKey: Buffer;
  /** Enrolled terminals; `revoked` was enrolled, then revoked. */
  terminals: { a: TestTerminal; b: TestTerminal; revoked: TestTerminal };
  /** HQ's TLS CA, the terminal CA and the dispatchers (see terminal-tls.ts). */
  tls: FixtureTls;
  /** Raw JSON log lines written so far. */
  logs: string[];
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Per-client rate limits other than the production defaults (api/rate-limit.ts). */
  rateLimits?: Partial<RateLimits>;
  /** Expect a PROXY protocol header on every connection, as behind haproxy (pki/client-address.ts). */
  proxyProtocol?: boolean;
}

export async function startGatewayFixture(options: FixtureOptions = {}): Promise<GatewayFixture> {
  const [db, ca, signatureCa] = await Promise.all([
    openPgliteDatabase(),
    createTestCa('userAuth'),
    createTestCa('signature'),
  ]);
  const [taroCard, taroSignature, hanakoCard, hanakoSignature, sakuraCard, unregisteredCard] =
    await Promise.all([
      issueUserAuthCertificate(ca, { id: 'TARO0001' }),
      issueSignatureCertificate(signatureCa, signatureHolder('res-yamada-taro', 'TAROSIG1')),
      issueUserAuthCertificate(ca, { id: 'HANAKO01' }),
      issueSignatureCertificate(signatureCa, signatureHolder('res-yamada-hanako', 'HANASIG1')),
      issueUserAuthCertificate(ca, { id: 'SAKURA01' }),
      issueUserAuthCertificate(ca, { id: 'NOBODY01' }),
    ]);
  const cardSerials = { taro: 'TEST0000000001', hanako: 'TEST0000000002', sakura: 'TEST0000000003' };

  await runMigrations(db);
  await db.transaction(async (tx) => {
    await insertDemoRegistry(tx);
    const cards = [
      {
        id: 'demo-taro',
        residentId: 'res-yamada-taro',
        serial: cardSerials.taro,
        ua: taroCard,
        sig: taroSignature,
      },
      {
        id: 'demo-hanako',
        residentId: 'res-yamada-hanako',
        serial: cardSerials.hanako,
        ua: hanakoCard,
        sig: hanakoSignature,
      },
      {
        id: 'demo-sakura',
        residentId: 'res-yamada-sakura',
        serial: cardSerials.sakura,
        ua: sakuraCard,
        sig: null,
      },
    ];
    for (const card of cards) {
      const userAuth = certificateRef(card.ua.certificate);
      await registerCard(tx, {
        id: card.id,
        residentId: card.residentId,
        cardSerial: card.serial,
        userAuthIssuerKeyId: userAuth.issuerKeyId,
        userAuthSerial: userAuth.serialNumber,
        userAuthCertSha256: userAuth.sha256,
        signature: card.sig && certificateRef(card.sig.certificate),
      });
    }
  });
  const tls = await createFixtureTls();
  const terminals = await enrollFixtureTerminals(db, tls);

  const pems = generateDocumentSigningKeyPem();
  const documentKey = loadDocumentSigningKey(pems.privateKeyPem);
  const logs: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(chunk.toString('utf8'));
        callback();
      },
    }),
  );
  const clock = {
    now: new Date(),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const cardManagementKey = randomBytes(32);
  const app = createApp({
    db,
    trustStore: classifyTrustAnchors([ca.certificate, signatureCa.certificate]),
    documentKey,
    cardManagementKey,
    logger,
    now: () => clock.now,
    enrollment: { terminalCa: tls.terminalCa, hqCaPem: tls.hqCaPem },
    ...(options.rateLimits && { rateLimits: options.rateLimits }),
  });
  const server: Server = await listen(app, '127.0.0.1', 0, tls.server);
  if (options.proxyProtocol) acceptProxyProtocol(server, logger);
  // The dashboards' live channel and the alert sweep, on the test's clock (a short sweep keeps tests quick).
  const live = attachLive(server, { db, logger, now: () => clock.now, recheckMs: 200 });
  const fleet = startFleet(app, live, { db, logger, now: () => clock.now, sweepMs: 1000 });
  return {
    url: serverUrl(server, '127.0.0.1'),
    db,
    clock,
    documentKey,
    documentPublicKeyPem: pems.publicKeyPem,
    ca,
    signatureCa,
    taroCard,
    taroSignature,
    hanakoCard,
    hanakoSignature,
    sakuraCard,
    unregisteredCard,
    cardSerials,
    cardManagementKey,
    terminals,
    tls,
    logs,
    async close() {
      await fleet.stop();
      await live.close();
      await Promise.all(tls.dispatchers.map((d) => d.close()));
      await closeServer(server);
      await db.close();
    },
  };
}

/** The error code of an HQ error body, or undefined when the answer is not one. */
export function errorCode(json: unknown): string | undefined {
  const parsed = HqErrorBody.safeParse(json);
  return parsed.success ? parsed.data.error.code : undefined;
}

export interface Answer {
  status: number;
  text: string;
  json: unknown;
}

/**
 * A call over HTTPS: with `terminal`, its client certificate (mutual TLS); with null, none (the app, health,
 * enrolment). JSON body, or a raw string to send as is.
 */
export async function kioskCall(
  fx: GatewayFixture,
  terminal: TestTerminal | null,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  options: { raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...options.headers,
  };
  const response = await fetch(`${fx.url}${path}`, {
    method,
    headers,
    dispatcher: terminal ? terminal.dispatcher : fx.tls.anonymous,
    ...(method === 'POST' && { body: options.raw ?? JSON.stringify(body ?? {}) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

export async function newChallenge(
  fx: GatewayFixture,
  terminal: TestTerminal,
  purpose: ChallengePurpose = 'kiosk-session',
): Promise<ChallengeResponse> {
  const answer = await kioskCall(fx, terminal, 'POST', '/v1/kiosk/challenges', { purpose });
  if (answer.status !== 201) throw new Error(`challenge failed: ${answer.status} ${answer.text}`);
  return ChallengeResponse.parse(answer.json);
}

/** The smartphone app's challenge: no terminal credentials. */
export async function newAppChallenge(fx: GatewayFixture): Promise<ChallengeResponse> {
  const answer = await kioskCall(fx, null, 'POST', '/v1/app/challenges', { purpose: 'app-pin-reset' });
  if (answer.status !== 201) throw new Error(`app challenge failed: ${answer.status} ${answer.text}`);
  return ChallengeResponse.parse(answer.json);
}

/** What the card does: RSASSA-PKCS1-v1_5 SHA-256 over nonce ‖ signer id ‖ purpose with its key. */
export function cardSignature(
  card: IssuedCertificate,
  nonceBase64: string,
  signerId: string,
  purpose: ChallengePurpose = 'kiosk-session',
): string {
  const input = sessionSigningInput(Buffer.from(nonceBase64, 'base64'), signerId, purpose);
  return sign('sha256', input, {
    key: Buffer.from(card.privateKeyPkcs8),
    format: 'der',
    type: 'pkcs8',
  }).toString('base64');
}

/** A possession proof as the app sends it: a fresh app challenge signed by `card` for APP_SIGNER_ID. */
export async function appProof(fx: GatewayFixture, card: IssuedCertificate) {
  const challenge = await newAppChallenge(fx);
  return {
    challengeId: challenge.challengeId,
    certificate: Buffer.from(card.certificate).toString('base64'),
    signature: cardSignature(card, challenge.nonce, APP_SIGNER_ID, 'app-pin-reset'),
  };
}

/** A possession proof as a kiosk sends it for a PIN reset: signed for the terminal id. */
export async function kioskProof(fx: GatewayFixture, terminal: TestTerminal, card: IssuedCertificate) {
  const challenge = await newChallenge(fx, terminal, 'kiosk-pin-reset');
  return {
    challengeId: challenge.challengeId,
    certificate: Buffer.from(card.certificate).toString('base64'),
    signature: cardSignature(card, challenge.nonce, terminal.id, 'kiosk-pin-reset'),
  };
}

export function sessionBody(
  card: IssuedCertificate,
  challenge: ChallengeResponse,
  signedForTerminal: string,
) {
  return {
    challengeId: challenge.challengeId,
    certificate: Buffer.from(card.certificate).toString('base64'),
    signature: cardSignature(card, challenge.nonce, signedForTerminal),
  };
}

/** Challenge + signature + session for `card` at `terminal`; returns the raw answer. */
export async function openSession(
  fx: GatewayFixture,
  terminal: TestTerminal,
  card: IssuedCertificate = fx.taroCard,
): Promise<Answer> {
  const challenge = await newChallenge(fx, terminal);
  return kioskCall(fx, terminal, 'POST', '/v1/kiosk/sessions', sessionBody(card, challenge, terminal.id));
}

export interface TestCard {
  id: string;
  serial: string;
  userAuth: IssuedCertificate;
  /** null: a child's card. */
  signature: IssuedCertificate | null;
}

/** A fresh card registered to a demo resident (tests that need a card nobody else touches). */
export async function registerTestCard(
  fx: GatewayFixture,
  options: { signature?: boolean; residentId?: string } = {},
): Promise<TestCard> {
  const residentId = options.residentId ?? 'res-sato-kenichi';
  const suffix = randomBytes(6).toString('hex').toUpperCase();
  const [userAuth, signature] = await Promise.all([
    issueUserAuthCertificate(fx.ca, { id: `UA${suffix}` }),
    options.signature === false
      ? Promise.resolve(null)
      : issueSignatureCertificate(fx.signatureCa, signatureHolder(residentId, `SG${suffix}`)),
  ]);
  const card: TestCard = { id: `card-${suffix.toLowerCase()}`, serial: `T${suffix}`, userAuth, signature };
  const ref = certificateRef(userAuth.certificate);
  await registerCard(fx.db, {
    id: card.id,
    residentId,
    cardSerial: card.serial,
    userAuthIssuerKeyId: ref.issuerKeyId,
    userAuthSerial: ref.serialNumber,
    userAuthCertSha256: ref.sha256,
    signature: signature && certificateRef(signature.certificate),
  });
  return card;
}

export { certificateRef };

function signatureHolder(residentId: string, id: string) {
  const resident = demoResident(residentId);
  return {
    id,
    prefecture: DEMO_MUNICIPALITY.prefecture,
    city: DEMO_MUNICIPALITY.name,
    familyName: resident.familyName,
    givenName: resident.givenName,
    birthDate: resident.birthDate,
    sex: resident.sex,
    address: demoHousehold(resident.householdId).address,
  };
}

/** Re-exported: tests that issue certificates move the clock into the demo municipality's hours. */
export { moveClockToOpenHours } from './registry-records';
