/**
 * Demo data for `npm start` and the tests: a test JPKI (O=JPKI-TEST), HQ's document-signing key, the HQ
 * database with the demo municipality, its residents and their cards, one terminal, and one virtual card
 * profile per demo card. Everything is test data; nothing here is usable against real cards or real HQ.
 *
 * Data folder layout it writes:
 *   pki/user-auth-ca.crt, pki/user-auth-ca.key      user-authentication CA (PEM cert, PKCS#8 PEM key)
 *   pki/signature-ca.crt, pki/signature-ca.key      signature CA
 *   hq/db/                                          HQ's PGlite database
 *   hq/document-signing.key, hq/document-signing.pub   Ed25519 (PKCS#8 PEM, SPKI PEM)
 *   hq/card-management.key                          HQ's card-management master key (base64 of 32 bytes, 0600)
 *   hq/tls/ca.pem, ca.key, server.pem, server.key   HQ's TLS CA and the gateway's server certificate (P-256)
 *   hq/terminal-ca/ca.pem, ca.key                   the terminal CA (kiosk client certificates)
 *   kiosk/terminal.{key,pem,json}, kiosk/hq-ca.pem  NOT written here: the kiosk enrols (demo-enrollment.ts)
 *   kiosk/hq-document-signing.pub                   the kiosk's configured copy of HQ's public key
 *   cards/<id>.json                                 CardProfile per demo card (managementKey = K_card)
 *   .seeded                                         written last: {seededAt, version}; means "done"
 *
 * Run directly: `tsx deploy/src/local/seed.ts [--data ./data] [--reset-cards]`.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { access, chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runMigrations } from 'hq-gateway/db/migrate';
import { assertSeedable, openDemoDatabase } from './demo-db';
import { generateDocumentSigningKeyPem } from 'hq-gateway/issuance/document-signing';
import { toPem } from 'hq-gateway/pki/pem';
import { seedHqIdentity } from 'hq-gateway/pki/tls-seed';
import { createEnrollmentCode } from 'hq-gateway/terminals/enrollment-codes';
import { ensureDemoOperators, seedDemoOperators, writeOperatorsMarker } from './seed-operators';
import { terminalFiles } from 'kiosk-agent/hq/tls';
import {
  diversifyCardKey,
  generateCardManagementKeyText,
  parseCardManagementKey,
} from 'hq-gateway/pinreset/card-management-key';
import {
  createTestCa,
  issueSignatureCertificate,
  issueUserAuthCertificate,
  type IssuedCertificate,
  type TestCa,
} from 'hq-gateway/pki/test-pki';
import {
  DEMO_CARDS,
  DEMO_MUNICIPALITY,
  demoHousehold,
  demoResident,
  insertDemoRegistry,
  type DemoCard,
} from 'hq-gateway/registry/demo-municipality';
import { certificateRef } from 'hq-gateway/registry/certificate-ref';
import { registerCard } from 'hq-gateway/registry/store';
import type { Resident } from 'hq-gateway/registry/types';
import { gatewayPaths } from 'hq-gateway/server';
import {
  JPKI_CONTACT_ATR,
  SIGNATURE_MAX_TRIES,
  USER_AUTH_MAX_TRIES,
  type CardProfile,
} from 'kiosk-agent/card/emulator/profile';
import { loadProfile, saveProfile } from 'kiosk-agent/card/emulator/profile-store';

export const DEMO_TERMINAL_ID = 'T-DEMO-0001';

/**
 * What the marker records. A folder seeded by an older seed (no version, or a lower one) lacks what the code
 * now needs — version 2 added the card-management key, managementKey in every profile and the signature
 * certificates in the cards table, version 3 the staff code, version 4 HQ's TLS and terminal CAs (no more
 * bearer token), the municipality's services and records for every certificate, five more demo cards and the
 * operators — so it is seeded again from scratch, like an interrupted run.
 */
export const SEED_VERSION = 4;

/** The store staff's code on the demo kiosk (staff mode: long-press the top-left corner). */
export const DEMO_STAFF_CODE = '135790';

/** Every path the seed writes, relative to the data folder. */
export function demoPaths(dataDir: string) {
  const hq = gatewayPaths(dataDir);
  return {
    marker: path.join(dataDir, '.seeded'),
    pki: hq.pki,
    userAuthCaCert: path.join(hq.pki, 'user-auth-ca.crt'),
    userAuthCaKey: path.join(hq.pki, 'user-auth-ca.key'),
    signatureCaCert: path.join(hq.pki, 'signature-ca.crt'),
    signatureCaKey: path.join(hq.pki, 'signature-ca.key'),
    database: hq.database,
    documentKey: hq.documentKey,
    cardManagementKey: hq.cardManagementKey,
    documentPublicKey: path.join(dataDir, 'hq', 'document-signing.pub'),
    terminal: path.join(dataDir, 'kiosk', 'terminal.json'),
    staff: path.join(dataDir, 'kiosk', 'staff.json'),
    /** The demo staff code in clear for the developer panel, like the virtual cards' PINs. */
    devStaffCode: path.join(dataDir, 'dev', 'staff-code'),
    kioskDocumentPublicKey: path.join(dataDir, 'kiosk', 'hq-document-signing.pub'),
    cards: path.join(dataDir, 'cards'),
    card: (id: string) => path.join(dataDir, 'cards', `${id}.json`),
  };
}

/**
 * Creates the demo data unless `.seeded` says it exists at SEED_VERSION. A run that was interrupted left no
 * marker, and an older seed an older version, so the next run starts over: it removes the database and
 * rewrites every file it owns.
 */
export async function ensureDemoData(dataDir: string): Promise<{
  created: boolean;
  /** One-time code for the demo kiosk, when just created. */ enrollmentCode?: string;
}> {
  const paths = demoPaths(dataDir);
  if ((await seededVersion(paths.marker)) === SEED_VERSION) {
    await ensureDemoOperators(dataDir, paths.database, {
      terminalId: DEMO_TERMINAL_ID,
      staffCode: DEMO_STAFF_CODE,
    });
    return { created: false };
  }

  await rm(paths.database, { recursive: true, force: true });
  // A kiosk identity from an earlier seed names a terminal the new database does not know: enrol again.
  const kiosk = terminalFiles(dataDir);
  for (const file of [kiosk.certificate, kiosk.key, kiosk.hqCa, kiosk.config])
    await rm(file, { force: true });
  for (const dir of [paths.pki, path.dirname(paths.documentKey), path.dirname(paths.terminal), paths.cards]) {
    await mkdir(dir, { recursive: true });
  }

  // The database's cold start (seconds of WASM start-up) overlaps with RSA key generation (thread pool).
  const dbReady = openDemoDatabase(paths.database);
  const pki = await createDemoPki().catch(async (error: unknown) => {
    await dbReady.then((db) => db.close()).catch(() => undefined);
    throw error;
  });
  const db = await dbReady;
  const cardManagementKeyText = generateCardManagementKeyText();
  const masterKey = parseCardManagementKey(cardManagementKeyText);
  let enrollmentCode: string;
  try {
    await assertSeedable(db);
    await runMigrations(db);
    enrollmentCode = await db.transaction(async (tx) => {
      await insertDemoRegistry(tx);
      for (const card of pki.cards) {
        const userAuth = certificateRef(card.userAuth.certificate);
        await registerCard(tx, {
          id: card.demo.id,
          residentId: card.demo.residentId,
          cardSerial: card.demo.cardSerial,
          userAuthIssuerKeyId: userAuth.issuerKeyId,
          userAuthSerial: userAuth.serialNumber,
          userAuthCertSha256: userAuth.sha256,
          signature: card.signature && certificateRef(card.signature.certificate),
        });
      }
      // The demo kiosk enrols with this code through the real /v1/enroll on its first start.
      const enrollment = await createEnrollmentCode(tx, { terminalId: DEMO_TERMINAL_ID, name: 'Demo kiosk' });
      // Demo operators (admin, viewer; dev data only) and the staff code at HQ: seed-operators.ts.
      await seedDemoOperators(tx, { terminalId: DEMO_TERMINAL_ID, staffCode: DEMO_STAFF_CODE });
      return enrollment.code;
    });
  } finally {
    await db.close();
  }

  await writeFile(paths.userAuthCaCert, toPem('CERTIFICATE', pki.userAuthCa.certificate));
  await writeSecret(paths.userAuthCaKey, toPem('PRIVATE KEY', pki.userAuthCa.privateKeyPkcs8));
  await writeFile(paths.signatureCaCert, toPem('CERTIFICATE', pki.signatureCa.certificate));
  await writeSecret(paths.signatureCaKey, toPem('PRIVATE KEY', pki.signatureCa.privateKeyPkcs8));

  const documentKey = generateDocumentSigningKeyPem();
  await writeSecret(paths.documentKey, documentKey.privateKeyPem);
  await writeSecret(paths.cardManagementKey, cardManagementKeyText);
  await writeFile(paths.documentPublicKey, documentKey.publicKeyPem);
  await writeFile(paths.kioskDocumentPublicKey, documentKey.publicKeyPem);
  await seedHqIdentity(dataDir, { serverNames: process.env.HQ_TLS_NAMES?.split(',') ?? [] });
  await writeSecret(paths.staff, `${JSON.stringify(staffCodeRecord(DEMO_STAFF_CODE), null, 2)}\n`);
  await mkdir(path.dirname(paths.devStaffCode), { recursive: true });
  await writeFile(paths.devStaffCode, `${DEMO_STAFF_CODE}\n`);

  for (const card of pki.cards) {
    const managementKey = diversifyCardKey(masterKey, card.demo.cardSerial);
    await saveProfile(
      paths.card(card.demo.id),
      cardProfile(card, pki.userAuthCa, pki.signatureCa, managementKey),
    );
  }
  masterKey.fill(0);

  await writeFile(
    paths.marker,
    `${JSON.stringify({ seededAt: new Date().toISOString(), version: SEED_VERSION })}\n`,
  );
  await writeOperatorsMarker(dataDir);
  return { created: true, enrollmentCode };
}

/**
 * Puts every demo card back to its demo state for `npm run demo:reset`: PINs and retry counters (a PIN
 * reset at the kiosk changes the PIN on the virtual card). The locked card stays locked: that is its role.
 * Keys and certificates are left alone. Cards whose file is missing are listed, not recreated.
 */
export async function resetDemoCards(dataDir: string): Promise<{ reset: string[]; missing: string[] }> {
  const paths = demoPaths(dataDir);
  const reset: string[] = [];
  const missing: string[] = [];
  for (const demo of DEMO_CARDS) {
    const file = paths.card(demo.id);
    if (!(await exists(file))) {
      missing.push(demo.id);
      continue;
    }
    const profile = await loadProfile(file);
    const restored: CardProfile = {
      ...profile,
      userAuth: { ...profile.userAuth, pin: demo.userAuthPin, triesLeft: userAuthTries(demo) },
      signature:
        profile.signature && demo.signaturePin
          ? { ...profile.signature, pin: demo.signaturePin, triesLeft: SIGNATURE_MAX_TRIES }
          : profile.signature,
    };
    await saveProfile(file, restored);
    reset.push(demo.id);
  }
  return { reset, missing };
}

interface DemoCardKeys {
  demo: DemoCard;
  resident: Resident;
  userAuth: IssuedCertificate;
  signature: IssuedCertificate | null;
}

async function createDemoPki(): Promise<{ userAuthCa: TestCa; signatureCa: TestCa; cards: DemoCardKeys[] }> {
  const [userAuthCa, signatureCa] = await Promise.all([createTestCa('userAuth'), createTestCa('signature')]);
  const now = new Date();
  const cards = await Promise.all(
    DEMO_CARDS.map(async (demo): Promise<DemoCardKeys> => {
      const resident = demoResident(demo.residentId);
      const household = demoHousehold(resident.householdId);
      // JPKI certificates run until the holder's 5th birthday after issuance.
      const validity = { notAfter: fifthBirthdayAfter(resident.birthDate, now) };
      const [userAuth, signature] = await Promise.all([
        issueUserAuthCertificate(userAuthCa, { id: opaqueId() }, validity),
        demo.signaturePin === null
          ? Promise.resolve(null)
          : issueSignatureCertificate(
              signatureCa,
              {
                id: opaqueId(),
                prefecture: DEMO_MUNICIPALITY.prefecture,
                city: DEMO_MUNICIPALITY.name,
                familyName: resident.familyName,
                givenName: resident.givenName,
                birthDate: resident.birthDate,
                sex: resident.sex,
                address: household.address,
              },
              validity,
            ),
      ]);
      return { demo, resident, userAuth, signature };
    }),
  );
  return { userAuthCa, signatureCa, cards };
}

function cardProfile(
  card: DemoCardKeys,
  userAuthCa: TestCa,
  signatureCa: TestCa,
  managementKey: Uint8Array,
): CardProfile {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return {
    version: 1,
    id: card.demo.id,
    holder: `${card.resident.familyName} ${card.resident.givenName}`,
    serial: card.demo.cardSerial,
    atr: JPKI_CONTACT_ATR,
    userAuth: {
      certificate: b64(card.userAuth.certificate),
      caCertificate: b64(userAuthCa.certificate),
      privateKey: b64(card.userAuth.privateKeyPkcs8),
      pin: card.demo.userAuthPin,
      triesLeft: userAuthTries(card.demo),
    },
    signature:
      card.signature && card.demo.signaturePin
        ? {
            certificate: b64(card.signature.certificate),
            caCertificate: b64(signatureCa.certificate),
            privateKey: b64(card.signature.privateKeyPkcs8),
            pin: card.demo.signaturePin,
            triesLeft: SIGNATURE_MAX_TRIES,
          }
        : null,
    managementKey: b64(managementKey),
    options: { retryCounterAfterVerify: '63Cx' },
  };
}

function userAuthTries(demo: DemoCard): number {
  return demo.userAuthLocked ? 0 : USER_AUTH_MAX_TRIES;
}

/** The 5th birthday strictly after `from` (29 February becomes 1 March in common years). */
export function fifthBirthdayAfter(birthDate: string, from: Date): Date {
  const [, month, day] = birthDate.split('-').map(Number) as [number, number, number];
  const thisYear = Date.UTC(from.getUTCFullYear(), month - 1, day);
  const nextBirthdayYear = from.getUTCFullYear() + (thisYear > from.getTime() ? 0 : 1);
  return new Date(Date.UTC(nextBirthdayYear + 4, month - 1, day));
}

/** The CN of a JPKI certificate is an opaque id, never personal data. */
function opaqueId(): string {
  return randomBytes(12).toString('hex').toUpperCase();
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Staff codes are kept salted and hashed (scrypt): the file on the kiosk never holds the code itself. */
function staffCodeRecord(code: string): { salt: string; scrypt: string } {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64'), scrypt: scryptSync(code, salt, 32).toString('base64') };
}

/** The version the marker records: 1 for a marker without one (the first seed), null without a marker. */
async function seededVersion(marker: string): Promise<number | null> {
  if (!(await exists(marker))) return null;
  try {
    const parsed: unknown = JSON.parse(await readFile(marker, 'utf8'));
    const version = (parsed as { version?: unknown } | null)?.version;
    return typeof version === 'number' ? version : 1;
  } catch {
    return null;
  }
}

/** Private keys and the terminal token: readable by the owner only. */
async function writeSecret(file: string, text: string): Promise<void> {
  await writeFile(file, text, { mode: 0o600 });
  await chmod(file, 0o600); // the mode above applies only when the file is created
}

// Command line: only when this file is the entry point, never when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, 'reset-cards': { type: 'boolean', default: false } },
    strict: true,
  });
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
  const dataDir = path.resolve(values.data ?? path.join(root, 'data'));
  const started = Date.now();
  const { created } = await ensureDemoData(dataDir);
  console.log(created ? `Seeded ${dataDir} in ${Date.now() - started} ms` : `${dataDir} is already seeded`);
  if (values['reset-cards']) {
    const { reset, missing } = await resetDemoCards(dataDir);
    console.log(
      `Cards reset: ${reset.join(', ') || 'none'}${missing.length ? `; missing: ${missing.join(', ')}` : ''}`,
    );
  }
}
