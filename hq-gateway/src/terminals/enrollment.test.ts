import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database';
import { findActiveTerminal } from '../db/terminals';
import { runMigrations } from '../db/migrate';
import { openPgliteDatabase } from '../db/pglite';
import { createTerminalCa, type TerminalCa } from '../pki/terminal-ca';
import { createTerminalCsr } from '../pki/terminal-csr';
import { generateP256 } from '../pki/tls-x509';
import {
  createEnrollmentCode,
  ENROLLMENT_CODE_TTL_MS,
  EnrollmentCodeError,
  hashEnrollmentCode,
} from './enrollment-codes';
import { enrollTerminal } from './enrollment';
import { revokeTerminal } from './revocation';

let db: Database;
let terminalCa: TerminalCa;

beforeAll(async () => {
  [db, terminalCa] = await Promise.all([openPgliteDatabase(), createTerminalCa()]);
  await runMigrations(db);
});

afterAll(async () => {
  await db?.close();
});

const freshCsr = async () => createTerminalCsr(await generateP256());
const enroll = async (code: string, now = new Date(), csr?: string) =>
  enrollTerminal({ db, terminalCa, now }, { code, csr: csr ?? (await freshCsr()) });

describe('enrolment codes', () => {
  it('are at least 100 random bits, shown once and stored only as SHA-256', async () => {
    const a = await createEnrollmentCode(db, { terminalId: 'T-CODE-0001', name: 'Store 1' });
    const b = await createEnrollmentCode(db, { terminalId: 'T-CODE-0001' });
    expect(a.code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}$/); // 24 × 5 bits = 120 bits
    expect(a.code).not.toBe(b.code);
    expect(a.expiresAt.getTime() - Date.now()).toBeGreaterThan(ENROLLMENT_CODE_TTL_MS - 60_000);
    const stored = JSON.stringify(await db.query('SELECT * FROM terminal_enrollment_codes'));
    expect(stored).not.toContain(a.code);
    expect(stored).not.toContain(a.code.replaceAll('-', ''));
    expect(stored).toContain(hashEnrollmentCode(a.code));
    const [terminal] = await db.query<{ name: string }>(
      "SELECT name FROM terminals WHERE id = 'T-CODE-0001'",
    );
    expect(terminal?.name).toBe('Store 1'); // a second code without --name keeps the name
  });

  it('refuse terminal ids that are not plain tokens', async () => {
    await expect(createEnrollmentCode(db, { terminalId: 'T 1' })).rejects.toBeInstanceOf(EnrollmentCodeError);
    await expect(createEnrollmentCode(db, { terminalId: '' })).rejects.toBeInstanceOf(EnrollmentCodeError);
  });
});

describe('enrolment', () => {
  it('certifies the CSR key for the code’s terminal, once: a replay of the code is refused', async () => {
    const { code } = await createEnrollmentCode(db, { terminalId: 'T-ENR-0001' });
    const first = await enroll(code.toLowerCase()); // as typed: case and dashes do not matter
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.terminalId).toBe('T-ENR-0001');
    expect(new X509Certificate(first.certificatePem).subjectAltName).toBe(
      'URI:urn:kiosk:terminal:T-ENR-0001',
    );
    expect((await findActiveTerminal(db, 'T-ENR-0001'))?.certSha256).toBe(first.sha256);
    expect(await enroll(code)).toEqual({ ok: false, reason: 'code-used' });
  });

  it('refuses an unknown code and an expired one', async () => {
    expect(await enroll('0000-0000-0000-0000-0000-0000')).toEqual({ ok: false, reason: 'unknown-code' });
    const now = new Date();
    const { code } = await createEnrollmentCode(db, { terminalId: 'T-ENR-0002', now });
    const later = new Date(now.getTime() + ENROLLMENT_CODE_TTL_MS + 1);
    expect(await enroll(code, later)).toEqual({ ok: false, reason: 'code-expired' });
    expect(await findActiveTerminal(db, 'T-ENR-0002')).toEqual({ id: 'T-ENR-0002', certSha256: null });
  });

  it('does not spend the code on a CSR that fails proof of possession', async () => {
    const { code } = await createEnrollmentCode(db, { terminalId: 'T-ENR-0003' });
    expect(await enroll(code, new Date(), 'not a csr')).toEqual({ ok: false, reason: 'CSR_MALFORMED' });
    expect((await enroll(code)).ok).toBe(true);
  });

  it('lets only one of two concurrent uses of a code win', async () => {
    const { code } = await createEnrollmentCode(db, { terminalId: 'T-ENR-0004' });
    const results = await Promise.all([enroll(code), enroll(code)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, reason: 'code-used' }]);
  });

  it('replaces the certificate on a second enrolment and revokes the first as superseded', async () => {
    const first = await enroll((await createEnrollmentCode(db, { terminalId: 'T-ENR-0005' })).code);
    const second = await enroll((await createEnrollmentCode(db, { terminalId: 'T-ENR-0005' })).code);
    if (!first.ok || !second.ok) throw new Error('enrolment failed');
    expect(second.sha256).not.toBe(first.sha256);
    expect((await findActiveTerminal(db, 'T-ENR-0005'))?.certSha256).toBe(second.sha256);
    const rows = await db.query<{ sha256: string; revocation_reason: string | null }>(
      "SELECT sha256, revocation_reason FROM terminal_certificates WHERE terminal_id = 'T-ENR-0005'",
    );
    expect(new Map(rows.map((r) => [r.sha256, r.revocation_reason]))).toEqual(
      new Map([
        [first.sha256, 'superseded'],
        [second.sha256, null],
      ]),
    );
  });
});

describe('revocation', () => {
  it('takes the terminal out of service, revokes its certificate and withdraws its unused codes', async () => {
    const enrolled = await enroll((await createEnrollmentCode(db, { terminalId: 'T-REV-0001' })).code);
    if (!enrolled.ok) throw new Error('enrolment failed');
    const pending = await createEnrollmentCode(db, { terminalId: 'T-REV-0001' });
    expect(await revokeTerminal(db, 'T-REV-0001')).toBe(true);
    expect(await revokeTerminal(db, 'T-REV-0001')).toBe(false);
    expect(await revokeTerminal(db, 'T-NOBODY')).toBe(false);
    expect(await findActiveTerminal(db, 'T-REV-0001')).toBeNull();
    const [cert] = await db.query<{ revocation_reason: string }>(
      'SELECT revocation_reason FROM terminal_certificates WHERE sha256 = $1',
      [enrolled.sha256],
    );
    expect(cert?.revocation_reason).toBe('terminal-revoked');
    expect(await enroll(pending.code)).toEqual({ ok: false, reason: 'unknown-code' });
  });

  it('lets an operator bring a revoked terminal back with a new code', async () => {
    await enroll((await createEnrollmentCode(db, { terminalId: 'T-REV-0002' })).code);
    await revokeTerminal(db, 'T-REV-0002');
    const again = await enroll((await createEnrollmentCode(db, { terminalId: 'T-REV-0002' })).code);
    if (!again.ok) throw new Error('re-enrolment failed');
    expect((await findActiveTerminal(db, 'T-REV-0002'))?.certSha256).toBe(again.sha256);
  });
});

describe('audit', () => {
  it('records every enrolment and revocation in the hash-chained audit log, whoever did it', async () => {
    const { code } = await createEnrollmentCode(db, { terminalId: 'T-AUD-0001' });
    expect((await enroll(code)).ok).toBe(true);
    expect(await revokeTerminal(db, 'T-AUD-0001', new Date(), undefined)).toBe(true);
    expect(await revokeTerminal(db, 'T-AUD-0001')).toBe(false); // already revoked: nothing more to audit
    const rows = await db.query<{ event: string }>(
      "SELECT event FROM audit_log WHERE terminal_id = 'T-AUD-0001' ORDER BY id",
    );
    expect(rows.map((r) => r.event)).toEqual(['terminal.enrolled', 'terminal.revoked']);
  });
});
