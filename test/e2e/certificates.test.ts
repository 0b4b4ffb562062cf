import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { fetch as tlsFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CertificateOptions, CertificateType, DocumentPayload } from 'hq-gateway/api/schemas';
import { hqDispatcher } from 'kiosk-agent/hq/tls';
import { launchChromium } from '../support/browser';
import { devApi } from '../support/dev-api';
import { connectKiosk, type KioskSocket } from '../support/kiosk-socket';
import { readSealFromPage } from '../support/qr';
import { startTestSystem, type TestSystem } from '../support/system';
import { DEMO_STAFF_CODE } from '../../deploy/src/local/seed';

let system: TestSystem;
let kiosk: KioskSocket;
let browser: Browser;
let hqCa: string;

beforeAll(async () => {
  [system, browser] = await Promise.all([startTestSystem(), launchChromium()]);
  kiosk = await connectKiosk(system.kioskUrl);
  hqCa = await readFile(path.join(system.dataDir, 'hq', 'tls', 'ca.pem'), 'utf8');
});
afterAll(async () => {
  kiosk?.close();
  await browser?.close();
  await system?.close();
});

const dev = () => devApi(system.kioskUrl);

/** Places the card and enters its PIN; resolves on the screen that follows (the offer, or a refusal). */
async function signIn(card: string) {
  const pin = (await dev().cards()).find((c) => c.id === card)!.pins.userAuth;
  await kiosk.reach('idle');
  await kiosk.send({ type: 'start' });
  await kiosk.send({ type: 'selectIssuance' });
  await dev().insert(card);
  await kiosk.reach('pin');
  await kiosk.send({ type: 'submitPin', pin });
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 20_000;
    const poll = () => {
      const s = kiosk.state?.screen;
      if (s === 'chooseCertificate' || s === 'refused') return resolve();
      if (Date.now() > deadline) return reject(new Error(`stuck on ${s}`));
      setTimeout(poll, 20);
    };
    poll();
  });
  return kiosk.state!;
}

/** HQ's signed documents of the latest issuance (what the kiosk printed). */
async function latestDocuments(): Promise<DocumentPayload[]> {
  const [row] = await system.hqDb.query<{ response: string }>(
    'SELECT response FROM issuances ORDER BY created_at DESC LIMIT 1',
  );
  const body = JSON.parse(row!.response) as { documents: { payload: string }[] };
  return body.documents.map(
    (d) => JSON.parse(Buffer.from(d.payload, 'base64url').toString('utf8')) as DocumentPayload,
  );
}

/** A whole paid transaction: choose, set options, pay with one bill, take the card, print, finish. */
async function issue(
  card: string,
  type: CertificateType,
  options: (current: CertificateOptions) => CertificateOptions = (o) => o,
  copies = 1,
) {
  await signIn(card);
  await kiosk.send({ type: 'selectCertificate', certificate: type });
  const screen = await kiosk.reach('options');
  await kiosk.send({ type: 'setOptions', options: options(screen.options) });
  if (copies > 1) await kiosk.send({ type: 'setCopies', copies });
  const fee = (await kiosk.reach('options')).feeYen;
  const printsBefore = (await dev().prints()).length;
  await kiosk.send({ type: 'confirm' });
  await kiosk.reach('payment');
  await dev().insertMoney(fee <= 1000 ? 1000 : 5000);
  const removeCard = await kiosk.reach('removeCard');
  await dev().remove();
  const done = await kiosk.reach('takeCertificate', 60_000);
  await kiosk.send({ type: 'finish' });
  const prints = (await dev().prints()).slice(printsBefore);
  return { fee, change: removeCard.changeYen, done, prints, documents: await latestDocuments() };
}

const contentOf = <T extends DocumentPayload['content']['type']>(doc: DocumentPayload, type: T) => {
  expect(doc.content.type).toBe(type);
  return doc.content as Extract<DocumentPayload['content'], { type: T }>;
};

describe('every certificate the demo municipality offers, end to end', () => {
  it('住民票: the holder alone by default, 世帯主・続柄 shown, pays 300 with 1,000 and gets 700 back', async () => {
    const r = await issue('demo-taro', 'juminhyo');
    expect([r.fee, r.change, r.done.printedCopies]).toEqual([300, 700, 1]);
    const doc = contentOf(r.documents[0]!, 'juminhyo');
    expect(doc.persons).toHaveLength(1);
    expect(doc.persons[0]).toMatchObject({ relationship: '世帯主', honseki: null, myNumber: null });
    expect(r.prints).toHaveLength(1);
  });

  it('住民票: 世帯全員 with 本籍・筆頭者 and 個人番号, without 世帯主・続柄, two copies', async () => {
    const r = await issue(
      'demo-taro',
      'juminhyo',
      (o) =>
        ({
          ...o,
          members: 'household',
          householderAndRelationship: false,
          honseki: true,
          myNumber: true,
        }) as CertificateOptions,
      2,
    );
    expect([r.fee, r.done.printedCopies]).toEqual([600, 2]);
    expect(r.documents).toHaveLength(2);
    const doc = contentOf(r.documents[0]!, 'juminhyo');
    expect(doc.persons.length).toBeGreaterThanOrEqual(3);
    expect(doc.householder).toBeNull();
    for (const p of doc.persons) {
      expect(p.relationship).toBeNull();
      expect(p.honseki).not.toBeNull();
      expect(p.myNumber).toMatch(/^[0-9]{12}$/);
    }
    expect(new Set(r.documents.map((d) => d.serial)).size).toBe(2);
  });

  it('住民票 of a foreign resident: 国籍・在留資格 offered and printed, 本籍 not offered', async () => {
    await signIn('demo-nguyen');
    await kiosk.send({ type: 'selectCertificate', certificate: 'juminhyo' });
    const options = await kiosk.reach('options');
    expect(options.choices).toMatchObject({ honseki: false, foreignResidentFields: true });
    await expect(
      kiosk.send({
        type: 'setOptions',
        options: { ...options.options, honseki: true } as CertificateOptions,
      }),
    ).rejects.toThrow(/OPTIONS_INVALID/);
    await kiosk.send({ type: 'cancel' });
    await dev().remove();
    const r = await issue(
      'demo-nguyen',
      'juminhyo',
      (o) => ({ ...o, foreignResidentFields: true }) as CertificateOptions,
    );
    const person = contentOf(r.documents[0]!, 'juminhyo').persons[0]!;
    expect(person.foreign).toMatchObject({ status: '技術・人文知識・国際業務' });
    expect(person.honseki).toBeNull();
  });

  it.each([
    ['sealRegistration', null],
    ['taxIncome', null],
    ['koseki', 'all'],
    ['koseki', 'individual'],
    ['kosekiFuhyo', null],
  ] as const)('%s (%s) is issued, printed and bound to the card that authenticated', async (type, scope) => {
    const r = await issue('demo-taro', type, (o) => (scope ? ({ ...o, scope } as CertificateOptions) : o));
    expect(r.done).toMatchObject({ printedCopies: 1, refundedYen: 0 });
    const doc = r.documents[0]!;
    expect(doc.content.type).toBe(type);
    if (scope) expect(contentOf(doc, 'koseki').scope).toBe(scope);
    expect(r.prints.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses with a reason the user can act on: under 15, support measure, not registered', async () => {
    expect(await signIn('demo-sakura')).toMatchObject({ screen: 'refused', reason: 'underAge' });
    await dev().remove();
    expect(await signIn('demo-michiko')).toMatchObject({ screen: 'refused', reason: 'supportMeasure' });
    await dev().remove();
    const offer = await signIn('demo-nguyen');
    if (offer.screen !== 'chooseCertificate') throw new Error('nguyen should get an offer');
    expect(offer.certificates.find((c) => c.type === 'koseki')).toMatchObject({
      available: false,
      refusal: 'notRegistered',
    });
    await expect(kiosk.send({ type: 'selectCertificate', certificate: 'koseki' })).rejects.toThrow(
      /SERVICE_REFUSED/,
    );
    await dev().remove();
    await kiosk.reach('idle');
  });
});

describe('a print that fails after payment, and the QR seal', () => {
  it('refunds the copy that could not be printed; the printed seal verifies, the voided and a forged one do not', async () => {
    await signIn('demo-taro');
    await kiosk.send({ type: 'selectCertificate', certificate: 'juminhyo' });
    await kiosk.reach('options');
    await kiosk.send({ type: 'setCopies', copies: 2 });
    await kiosk.send({ type: 'confirm' });
    await kiosk.reach('payment');
    const before = (await dev().prints()).length;
    await dev().printerFault({ kind: 'jam', atPage: 2, where: 'fuser' });
    await dev().insertMoney(1000);
    await kiosk.reach('removeCard');
    await dev().remove();
    await kiosk.reach('callStaff', 60_000);
    // Staff cannot fix the printer now: they cancel the job and the customer gets the missing copy's fee.
    await kiosk.send({ type: 'enterStaffMode' });
    await kiosk.send({ type: 'staffLogin', code: DEMO_STAFF_CODE });
    await kiosk.send({ type: 'staffAction', action: 'cancelJob' });
    const done = await kiosk.reach('takeCertificate', 30_000);
    expect(done).toMatchObject({ printedCopies: 1, copies: 2, refundedYen: 300 });
    const payment = await dev().payment();
    expect(payment.dispensed.filter((d) => d.reason === 'refund').map((d) => d.yen)).toEqual([300]);
    await kiosk.send({ type: 'finish' });
    await dev().printerClear();

    const copies = await system.hqDb.query<{ serial: string; status: string }>(
      `SELECT serial, status FROM issuance_copies WHERE issuance_id =
         (SELECT id FROM issuances ORDER BY created_at DESC LIMIT 1) ORDER BY copy_index`,
    );
    expect(copies.map((c) => c.status)).toEqual(['printed', 'spoiled']);

    // Scan the printed page's QR seal like a phone would, and check it at HQ.
    const printed = (await dev().prints()).slice(before);
    expect(printed).toHaveLength(1);
    const page = await readFile(path.join(system.outputDir, printed[0]!.file));
    const seal = await readSealFromPage(page);
    expect(seal).toMatch(/^JPKS1\./);
    const verify = async (text: string) => {
      const url = `${system.hqUrl}/v1/verify?seal=${encodeURIComponent(text)}`;
      const response = await tlsFetch(url, { dispatcher: hqDispatcher({ ca: hqCa }) });
      return (await response.json()) as { result: string; fields: { s: string } | null };
    };
    expect(await verify(seal!)).toMatchObject({ result: 'valid', fields: { s: copies[0]!.serial } });

    const docs = await latestDocuments();
    const voided = docs.find((d) => d.serial === copies[1]!.serial)!;
    expect(await verify(voided.seal)).toMatchObject({ result: 'void' });

    const [prefix, body, signature] = seal!.split('.');
    const fields = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = [
      prefix,
      Buffer.from(JSON.stringify({ ...fields, n: '別人\u3000花子' })).toString('base64url'),
      signature,
    ].join('.');
    expect(await verify(forged)).toMatchObject({ result: 'forged' });

    // The public page says the same in words.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const web = await context.newPage();
    for (const [text, verdict] of [
      [seal!, '有効'],
      [voided.seal, '無効'],
      [forged, '偽造'],
    ] as const) {
      await web.goto(`${system.hqUrl}/verify`);
      await web.locator('#seal').fill(text);
      await web.locator('button[type="submit"]').click();
      await expect.poll(() => web.locator('#verdict-ja').textContent()).toContain(verdict);
    }
    await context.close();
  });
});
