import { createHash, randomBytes, sign } from 'node:crypto';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp } from '../api/app';
import { sessionSigningInput } from '../api/signing-input';
import { ChallengeResponse, TERMINAL_ID_HEADER } from '../api/schemas';
import { hashTerminalToken } from '../api/terminal-auth';
import type { Database } from '../db/database';
import { runMigrations } from '../db/migrate';
import { openPgliteDatabase } from '../db/pglite';
import { insertTerminal } from '../db/terminals';
import {
  generateDocumentSigningKeyPem,
  loadDocumentSigningKey,
  type DocumentSigningKey,
} from '../issuance/document-signing';
import { authorityKeyIdentifierHex, parseCertificateDer, serialNumberHex } from '../pki/certificate-fields';
import { createTestCa, issueUserAuthCertificate, type IssuedCertificate, type TestCa } from '../pki/test-pki';
import { classifyTrustAnchors } from '../pki/trust-store';
import { insertDemoRegistry } from '../registry/demo-municipality';
import { registerCard } from '../registry/store';
import { closeServer, listen, serverUrl } from '../server';

/**
 * A gateway for tests: in-memory PGlite with the demo registry, a fresh test PKI, terminals, a clock the test
 * moves, and every log line captured. Listens on a free port and is reached over real HTTP.
 */

export interface TestTerminal {
  id: string;
  token: string;
}

export interface GatewayFixture {
  url: string;
  db: Database;
  clock: { now: Date; advance(ms: number): void };
  documentKey: DocumentSigningKey;
  documentPublicKeyPem: string;
  ca: TestCa;
  /** Registered to 山田 太郎 (res-yamada-taro) as card demo-taro. */
  taroCard: IssuedCertificate;
  /** Chains to the trusted CA but is registered to nobody. */
  unregisteredCard: IssuedCertificate;
  terminals: { a: TestTerminal; b: TestTerminal; revoked: TestTerminal };
  /** Raw JSON log lines written so far. */
  logs: string[];
  close(): Promise<void>;
}

export async function startGatewayFixture(): Promise<GatewayFixture> {
  const [db, ca] = await Promise.all([openPgliteDatabase(), createTestCa('userAuth')]);
  const [taroCard, unregisteredCard] = await Promise.all([
    issueUserAuthCertificate(ca, { id: 'TARO0001' }),
    issueUserAuthCertificate(ca, { id: 'NOBODY01' }),
  ]);
  const terminals = {
    a: { id: 'T-TEST-0001', token: randomBytes(32).toString('base64url') },
    b: { id: 'T-TEST-0002', token: randomBytes(32).toString('base64url') },
    revoked: { id: 'T-TEST-0003', token: randomBytes(32).toString('base64url') },
  };

  await runMigrations(db);
  await db.transaction(async (tx) => {
    await insertDemoRegistry(tx);
    const cert = parseCertificateDer(taroCard.certificate);
    if (!cert) throw new Error('unparsable test certificate');
    await registerCard(tx, {
      id: 'demo-taro',
      residentId: 'res-yamada-taro',
      cardSerial: 'TEST0000000001',
      userAuthIssuerKeyId: authorityKeyIdentifierHex(cert) ?? '',
      userAuthSerial: serialNumberHex(cert),
      userAuthCertSha256: createHash('sha256').update(taroCard.certificate).digest('hex'),
    });
    for (const t of Object.values(terminals)) {
      await insertTerminal(tx, { id: t.id, tokenSha256: hashTerminalToken(t.token) });
    }
    await tx.query('UPDATE terminals SET revoked_at = now() WHERE id = $1', [terminals.revoked.id]);
  });

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
  const app = createApp({
    db,
    trustStore: classifyTrustAnchors([ca.certificate]),
    documentKey,
    logger,
    now: () => clock.now,
  });
  const server: Server = await listen(app, '127.0.0.1', 0);
  return {
    url: serverUrl(server, '127.0.0.1'),
    db,
    clock,
    documentKey,
    documentPublicKeyPem: pems.publicKeyPem,
    ca,
    taroCard,
    unregisteredCard,
    terminals,
    logs,
    async close() {
      await closeServer(server);
      await db.close();
    },
  };
}

export interface Answer {
  status: number;
  text: string;
  json: unknown;
}

/** A kiosk call: terminal headers, JSON body (or a raw string to send as is). */
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
    ...(terminal && { [TERMINAL_ID_HEADER]: terminal.id, authorization: `Bearer ${terminal.token}` }),
    ...options.headers,
  };
  const response = await fetch(`${fx.url}${path}`, {
    method,
    headers,
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

export async function newChallenge(fx: GatewayFixture, terminal: TestTerminal): Promise<ChallengeResponse> {
  const answer = await kioskCall(fx, terminal, 'POST', '/v1/kiosk/challenges', { purpose: 'kiosk-session' });
  if (answer.status !== 201) throw new Error(`challenge failed: ${answer.status} ${answer.text}`);
  return ChallengeResponse.parse(answer.json);
}

/** What the card does: RSASSA-PKCS1-v1_5 SHA-256 over nonce ‖ terminal id ‖ purpose with its key. */
export function cardSignature(card: IssuedCertificate, nonceBase64: string, terminalId: string): string {
  const input = sessionSigningInput(Buffer.from(nonceBase64, 'base64'), terminalId, 'kiosk-session');
  return sign('sha256', input, {
    key: Buffer.from(card.privateKeyPkcs8),
    format: 'der',
    type: 'pkcs8',
  }).toString('base64');
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
