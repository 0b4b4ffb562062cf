import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devApi } from '../support/dev-api';
import { connectKiosk, type KioskSocket } from '../support/kiosk-socket';
import { startTestSystem, type TestSystem } from '../support/system';

/** What must never be left on the kiosk or written to a log: 山田 太郎's data and his PIN. */
const PERSONAL = ['山田', '太郎', '花子', 'ヤマダ', 'タロウ', '緑町', '1984-04-15'];

let system: TestSystem;
let kiosk: KioskSocket;
const logLines: string[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  system = await startTestSystem({ logDestination: sink });
  kiosk = await connectKiosk(system.kioskUrl);
});
afterAll(async () => {
  kiosk?.close();
  await system?.close();
});

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)])),
  );
  return nested.flat();
}

describe('privacy: after a transaction nothing personal remains on the kiosk, and logs never carry it', () => {
  it('prints a whole-household 住民票 with 個人番号 and 本籍, then leaves no trace of it', async () => {
    const dev = devApi(system.kioskUrl);
    const taro = (await dev.cards()).find((c) => c.id === 'demo-taro')!;
    await kiosk.reach('idle');
    await kiosk.send({ type: 'start' });
    await kiosk.send({ type: 'selectIssuance' });
    await dev.insert('demo-taro');
    await kiosk.reach('pin');
    await kiosk.send({ type: 'submitPin', pin: '0000' === taro.pins.userAuth ? '0001' : '0000' });
    await kiosk.reach('pin');
    await kiosk.send({ type: 'submitPin', pin: taro.pins.userAuth });
    await kiosk.reach('chooseCertificate');
    await kiosk.send({ type: 'selectCertificate', certificate: 'juminhyo' });
    const options = await kiosk.reach('options');
    // The card holder may see the household's names on this screen, and only here.
    expect(JSON.stringify(options)).toContain('山田');
    await kiosk.send({
      type: 'setOptions',
      options: {
        type: 'juminhyo',
        members: 'household',
        householderAndRelationship: true,
        honseki: options.choices.honseki,
        myNumber: true,
        foreignResidentFields: false,
      },
    });
    await kiosk.send({ type: 'confirm' });
    await kiosk.reach('payment');
    await dev.insertMoney(1000);
    await kiosk.reach('removeCard');
    await dev.remove();
    const done = await kiosk.reach('takeCertificate', 60_000);
    expect(done.printedCopies).toBe(1);
    await kiosk.send({ type: 'finish' });
    const idle = await kiosk.reach('idle');

    // Screen state: nothing personal once the transaction is over.
    for (const word of PERSONAL) expect(JSON.stringify(idle)).not.toContain(word);

    // Files: nothing personal anywhere in the kiosk's own folders (journal, configuration, caches).
    const kioskFiles = await filesUnder(path.join(system.dataDir, 'kiosk'));
    expect(kioskFiles.length).toBeGreaterThan(0);
    for (const file of kioskFiles) {
      if ((await stat(file)).size > 50_000_000) continue;
      const text = await readFile(file, 'utf8');
      for (const word of PERSONAL) expect(text.includes(word), `${file} contains ${word}`).toBe(false);
    }
    // The only output is the paper itself (the simulated printer's pages).
    const outputs = await filesUnder(system.outputDir);
    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.every((f) => /\.(png|pdf)$/.test(f))).toBe(true);

    // Logs: plenty of them, none with personal data or a PIN.
    expect(logLines.length).toBeGreaterThan(10);
    expect(logLines.some((l) => l.includes('issuance.printed'))).toBe(true);
    for (const line of logLines) {
      for (const word of PERSONAL)
        expect(line.includes(word), `log line contains ${word}: ${line}`).toBe(false);
      expect(line).not.toMatch(new RegExp(`"${taro.pins.userAuth}"|[Pp]in"?:\\s*"?\\d`));
    }
  });
});
