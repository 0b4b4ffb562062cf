import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTerminalCa } from '../pki/terminal-ca';
import { createTerminalCsr } from '../pki/terminal-csr';
import { exportKeyPem, generateP256 } from '../pki/tls-x509';
import { createEnrollmentCode } from '../terminals/enrollment-codes';
import { revokeTerminal } from '../terminals/revocation';
import { EnrollResponse } from '../terminals/enroll-contract';
import {
  errorCode,
  kioskCall,
  startGatewayFixture,
  type GatewayFixture,
  type TestTerminal,
} from '../testing/gateway-fixture';
import { enrollTestTerminal, terminalWithCertificate, unrecordedTerminal } from '../testing/terminal-tls';

let fx: GatewayFixture;

beforeAll(async () => {
  fx = await startGatewayFixture();
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

function challenge(terminal: TestTerminal | null, headers: Record<string, string> = {}) {
  return kioskCall(fx, terminal, 'POST', '/v1/kiosk/challenges', { purpose: 'kiosk-session' }, { headers });
}

/** The reasons logged with terminal.unauthenticated since `from` (an index into fx.logs). */
function refusalReasons(from: number): string[] {
  return fx.logs
    .slice(from)
    .map((line) => JSON.parse(line) as { event?: string; reason?: string })
    .filter((l) => l.event === 'terminal.unauthenticated')
    .map((l) => String(l.reason));
}

async function expectRefused(
  terminal: TestTerminal | null,
  reason: string,
  headers?: Record<string, string>,
) {
  const from = fx.logs.length;
  const answer = await challenge(terminal, headers);
  expect(answer.status).toBe(401);
  expect(answer.json).toEqual({
    error: { code: 'TERMINAL_UNAUTHENTICATED', message: 'terminal authentication failed' },
  });
  expect(refusalReasons(from)).toEqual([reason]);
}

describe('mutual TLS on /v1/kiosk/*', () => {
  it('serves HTTPS with HQ’s server certificate', () => {
    expect(fx.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('accepts an enrolled terminal’s certificate and takes the terminal id from it', async () => {
    const answer = await challenge(fx.terminals.a);
    expect(answer.status).toBe(201);
    const [row] = await fx.db.query<{ terminal_id: string }>(
      'SELECT terminal_id FROM challenges WHERE id = $1',
      [(answer.json as { challengeId: string }).challengeId],
    );
    expect(row?.terminal_id).toBe(fx.terminals.a.id);
  });

  it('refuses a request without a client certificate, whatever headers claim', async () => {
    await expectRefused(null, 'no-certificate', {
      'x-terminal-id': fx.terminals.a.id,
      authorization: `Bearer ${'x'.repeat(43)}`,
    });
  });

  it('refuses a certificate for a real terminal id from another CA', async () => {
    const foreign = await unrecordedTerminal(fx.tls, await createTerminalCa(), fx.terminals.a.id);
    await expectRefused(foreign, 'untrusted-certificate');
  });

  it('refuses an expired certificate from the terminal CA', async () => {
    const now = Date.now();
    const expired = await unrecordedTerminal(fx.tls, fx.tls.terminalCa, fx.terminals.a.id, {
      notBefore: new Date(now - 3 * YEAR_MS),
      notAfter: new Date(now - YEAR_MS),
    });
    await expectRefused(expired, 'outside-validity');
  });

  it('refuses a valid certificate for a terminal HQ does not know', async () => {
    const stranger = await unrecordedTerminal(fx.tls, fx.tls.terminalCa, 'T-NOBODY-0001');
    await expectRefused(stranger, 'unknown-terminal');
  });

  it('refuses a certificate from the terminal CA that is not the terminal’s current one', async () => {
    const copy = await unrecordedTerminal(fx.tls, fx.tls.terminalCa, fx.terminals.b.id);
    await expectRefused(copy, 'not-current-certificate');
  });

  it('refuses a revoked terminal', async () => {
    await expectRefused(fx.terminals.revoked, 'revoked-terminal');
  });

  it('applies a revocation to the next request, on the same kept-alive connection', async () => {
    const terminal = await enrollTestTerminal(fx.db, fx.tls, 'T-TEST-0101');
    expect((await challenge(terminal)).status).toBe(201);
    expect(await revokeTerminal(fx.db, terminal.id)).toBe(true);
    await expectRefused(terminal, 'revoked-terminal');
  });
});

describe('open routes: no client certificate needed', () => {
  it('answers /v1/health and the app API without one', async () => {
    expect((await kioskCall(fx, null, 'GET', '/v1/health')).status).toBe(200);
    const app = await kioskCall(fx, null, 'POST', '/v1/app/challenges', { purpose: 'app-pin-reset' });
    expect(app.status).toBe(201);
  });
});

describe('POST /v1/enroll over HTTPS', () => {
  async function enrollOverHttp(terminalId: string) {
    const { code } = await createEnrollmentCode(fx.db, { terminalId });
    const keys = await generateP256();
    const answer = await kioskCall(fx, null, 'POST', '/v1/enroll', {
      code,
      csr: await createTerminalCsr(keys),
    });
    return { answer, code, keys };
  }

  it('issues the certificate and HQ’s CA; enrolling again revokes the old certificate', async () => {
    const first = await enrollOverHttp('T-TEST-0201');
    expect(first.answer.status).toBe(201);
    const issued = EnrollResponse.parse(first.answer.json);
    expect(issued.terminalId).toBe('T-TEST-0201');
    expect(issued.hqCaCertificate).toBe(fx.tls.hqCaPem);
    expect(new X509Certificate(issued.certificate).subjectAltName).toBe('URI:urn:kiosk:terminal:T-TEST-0201');
    const before = terminalWithCertificate(
      fx.tls,
      'T-TEST-0201',
      await exportKeyPem(first.keys.privateKey),
      issued.certificate,
    );
    expect((await challenge(before)).status).toBe(201);

    const second = await enrollOverHttp('T-TEST-0201');
    const reissued = EnrollResponse.parse(second.answer.json);
    const after = terminalWithCertificate(
      fx.tls,
      'T-TEST-0201',
      await exportKeyPem(second.keys.privateKey),
      reissued.certificate,
    );
    await expectRefused(before, 'not-current-certificate');
    expect((await challenge(after)).status).toBe(201);
  });

  it('refuses a used, unknown or malformed code with one answer, and a bad CSR as VALIDATION_FAILED', async () => {
    const { code } = await enrollOverHttp('T-TEST-0202');
    const csr = await createTerminalCsr(await generateP256());
    for (const attempt of [code, 'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ']) {
      const replay = await kioskCall(fx, null, 'POST', '/v1/enroll', { code: attempt, csr });
      expect(replay.status).toBe(401);
      expect(errorCode(replay.json)).toBe('TERMINAL_UNAUTHENTICATED');
    }
    const fresh = await createEnrollmentCode(fx.db, { terminalId: 'T-TEST-0203' });
    const badCsr = await kioskCall(fx, null, 'POST', '/v1/enroll', {
      code: fresh.code,
      csr: csr.replace(/[A-Za-z](?=[A-Za-z0-9+/=\s]*-----END)/, (c) => (c === 'A' ? 'B' : 'A')),
    });
    expect(badCsr.status).toBe(400);
    expect(errorCode(badCsr.json)).toBe('VALIDATION_FAILED');
    const unknownField = await kioskCall(fx, null, 'POST', '/v1/enroll', {
      code: fresh.code,
      csr,
      terminalId: 'x',
    });
    expect(unknownField.status).toBe(400);
    // Neither refusal spent the code.
    expect((await kioskCall(fx, null, 'POST', '/v1/enroll', { code: fresh.code, csr })).status).toBe(201);
  });

  it('logs enrolments and refusals without the code or the certificate', async () => {
    const lines = fx.logs.join('');
    expect(lines).toContain('"event":"terminal.enrolled"');
    expect(lines).toContain('"event":"terminal.enrollment_refused"');
    // The code's whole format (6 groups of 4); a request id (UUID, 8-4-4-4-12) cannot match it.
    expect(lines).not.toMatch(/\b([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}\b/);
    expect(lines).not.toContain('BEGIN CERTIFICATE');
  });
});
