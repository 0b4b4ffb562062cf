import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHqTlsCa } from 'hq-gateway/pki/tls-ca';
import { createEnrollmentCode } from 'hq-gateway/terminals/enrollment-codes';
import { revokeTerminal } from 'hq-gateway/terminals/revocation';
import { startGatewayFixture, type GatewayFixture } from 'hq-gateway/testing/gateway-fixture';
import { HqClient, HqRefusal } from './client';
import { EnrollError, enrollKiosk } from './enroll';
import { isEnrolled, loadTerminalIdentity, terminalFiles } from './tls';

let fx: GatewayFixture;
let root: string;

beforeAll(async () => {
  [fx, root] = await Promise.all([startGatewayFixture(), mkdtemp(path.join(os.tmpdir(), 'kiosk-enroll-'))]);
}, 60_000);

afterAll(async () => {
  await fx?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function code(terminalId: string): Promise<string> {
  return (await createEnrollmentCode(fx.db, { terminalId })).code;
}

describe('enrolment, the kiosk’s side', () => {
  it('stores its own key (0600), the certificate, HQ’s CA and its id; the HQ client then talks mutual TLS', async () => {
    const dataDir = path.join(root, 'a');
    const result = await enrollKiosk({
      hqUrl: fx.url,
      code: await code('T-KIOSK-0001'),
      dataDir,
      caPem: fx.tls.hqCaPem,
    });
    expect(result.terminalId).toBe('T-KIOSK-0001');
    const files = terminalFiles(dataDir);
    expect((await stat(files.key)).mode & 0o777).toBe(0o600);
    expect(await readFile(files.hqCa, 'utf8')).toBe(fx.tls.hqCaPem);
    expect(JSON.parse(await readFile(files.config, 'utf8'))).toEqual({
      terminalId: 'T-KIOSK-0001',
      hqUrl: fx.url,
    });

    const identity = await loadTerminalIdentity(dataDir);
    const hq = new HqClient({ baseUrl: fx.url, credentials: identity, retries: 0 });
    const challenge = await hq.createChallenge('kiosk-session');
    const [row] = await fx.db.query<{ terminal_id: string }>(
      'SELECT terminal_id FROM challenges WHERE id = $1',
      [challenge.challengeId],
    );
    expect(row?.terminal_id).toBe('T-KIOSK-0001');

    // Revoked at HQ: the same client (same kept-alive connection) is refused on its next request.
    await revokeTerminal(fx.db, 'T-KIOSK-0001');
    const refusal = await hq.createChallenge('kiosk-session').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(HqRefusal);
    expect(refusal).toMatchObject({ hqCode: 'TERMINAL_UNAUTHENTICATED', status: 401 });
  });

  it('is refused with a used code and writes nothing', async () => {
    const used = await code('T-KIOSK-0002');
    await enrollKiosk({ hqUrl: fx.url, code: used, dataDir: path.join(root, 'b'), caPem: fx.tls.hqCaPem });
    const dataDir = path.join(root, 'c');
    const error = await enrollKiosk({ hqUrl: fx.url, code: used, dataDir, caPem: fx.tls.hqCaPem }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EnrollError);
    expect((error as EnrollError).code).toBe('CODE_REFUSED');
    expect(await isEnrolled(dataDir)).toBe(false);
  });

  it('does not talk to an HQ whose certificate it cannot verify (no pinned CA, no public trust)', async () => {
    const dataDir = path.join(root, 'd');
    const error = await enrollKiosk({ hqUrl: fx.url, code: await code('T-KIOSK-0003'), dataDir }).catch(
      (e: unknown) => e,
    );
    expect((error as EnrollError).code).toBe('HQ_UNAVAILABLE');
    expect(await isEnrolled(dataDir)).toBe(false);
  });

  it('refuses an HQ whose certificate is not from the pinned CA', async () => {
    const dataDir = path.join(root, 'e');
    await enrollKiosk({ hqUrl: fx.url, code: await code('T-KIOSK-0004'), dataDir, caPem: fx.tls.hqCaPem });
    const identity = await loadTerminalIdentity(dataDir);
    const other = await createHqTlsCa();
    const unpinned = new HqClient({
      baseUrl: fx.url,
      credentials: { terminalId: identity.terminalId, tls: { ...identity.tls, ca: other.certificatePem } },
      retries: 0,
    });
    await expect(unpinned.createChallenge('kiosk-session')).rejects.toMatchObject({ code: 'HQ_UNAVAILABLE' });
  });
});
