/**
 * The demo kiosk's enrolment for `npm start` and the system tests: HQ creates a one-time code for
 * T-DEMO-0001 and the kiosk enrols with it through the real POST /v1/enroll over HTTPS, exactly as an
 * installer would with `npm run enroll`. Later starts reuse the certificate.
 */
import { readFile } from 'node:fs/promises';
import type { Database } from 'hq-gateway/db/database';
import { refreshDemoDates } from 'hq-gateway/registry/demo-municipality';
import { runMigrations } from 'hq-gateway/db/migrate';
import { openDemoDatabase } from './demo-db';
import { hqTlsPaths } from 'hq-gateway/pki/tls-ca';
import { gatewayPaths } from 'hq-gateway/server';
import { createEnrollmentCode } from 'hq-gateway/terminals/enrollment-codes';
import { enrollKiosk } from 'kiosk-agent/hq/enroll';
import { isEnrolled } from 'kiosk-agent/hq/tls';
import { Agent, fetch } from 'undici';
import { DEMO_TERMINAL_ID } from './seed';

/** A fresh code for the demo kiosk unless it is enrolled already, made in the running gateway's database. */
export async function demoEnrollmentCode(dataDir: string, db: Database): Promise<string | undefined> {
  if (await isEnrolled(dataDir)) return undefined;
  return (await createEnrollmentCode(db, { terminalId: DEMO_TERMINAL_ID })).code;
}

/**
 * Before the gateway starts (PGlite is single-process): keeps the demo's day-relative records true today
 * ("moved in today", this fiscal year's tax records) and, unless the kiosk is enrolled, makes its one-time
 * code — one open of the database for both.
 */
export async function prepareDemoDatabase(
  dataDir: string,
  options: { haveCode: boolean },
): Promise<{ enrollmentCode?: string }> {
  const enrolled = options.haveCode || (await isEnrolled(dataDir));
  const db = await openDemoDatabase(gatewayPaths(dataDir).database);
  try {
    await runMigrations(db);
    await refreshDemoDates(db);
    if (enrolled) return {};
    return { enrollmentCode: (await createEnrollmentCode(db, { terminalId: DEMO_TERMINAL_ID })).code };
  } finally {
    await db.close();
  }
}

/** Enrols the demo kiosk at `hqUrl`, pinning the seeded HQ TLS CA. */
export async function enrollDemoKiosk(dataDir: string, hqUrl: string, code: string) {
  return enrollKiosk({ hqUrl, code, dataDir, caPem: await demoHqCa(dataDir) });
}

export function demoHqCa(dataDir: string): Promise<string> {
  return readFile(hqTlsPaths(dataDir).caCert, 'utf8');
}

/** Polls `url` until it answers 2xx; `caPem` for HQ's HTTPS. */
export async function waitForUrl(url: string, timeoutMs: number, caPem?: string): Promise<void> {
  const dispatcher = new Agent({ connect: caPem === undefined ? {} : { ca: caPem } });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        if ((await fetch(url, { dispatcher })).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  } finally {
    await dispatcher.close();
  }
}
