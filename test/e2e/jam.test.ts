import { describe, expect, it } from 'vitest';
import { DEMO_STAFF_CODE } from '../../deploy/src/local/seed';
import { launchChromium } from '../support/browser';
import { startedPerFile } from '../support/per-file';
import { devApi } from '../support/dev-api';
import { startTestSystem } from '../support/system';
import { screenOf, typeDigits } from '../support/ui';

const env = startedPerFile({
  system: () => startTestSystem(),
  browser: launchChromium,
});

const devPost = (path: string, body: unknown) =>
  fetch(`${env.system.kioskUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('a paper jam during a 2-copy job, cleared by store staff', () => {
  it('prints exactly two valid copies; the jammed one is void at HQ and reprinted under a new serial', async () => {
    const dev = devApi(env.system.kioskUrl);
    const taro = (await dev.cards()).find((c) => c.id === 'demo-taro')!;
    const page = await env.browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(env.system.kioskUrl);
    await page.getByTestId('start').click();
    await page.getByTestId('service-certificate').click();
    await dev.insert('demo-taro');
    await screenOf(page, 'pin').waitFor();
    await typeDigits(page, taro.pins.userAuth);
    await screenOf(page, 'chooseCertificate').waitFor();
    await page.getByTestId('cert-juminhyo').click();
    await screenOf(page, 'options').waitFor();
    await page.getByTestId('copies-plus').click();
    await expect.poll(() => page.getByTestId('fee').textContent()).toMatch(/600/);

    // The printer jams on the first page it prints.
    expect((await devPost('/dev/printer/faults', { kind: 'jam', atPage: 1, where: 'fuser' })).status).toBe(
      200,
    );
    await page.getByTestId('options-next').click();
    await screenOf(page, 'payment').waitFor();
    await dev.insertMoney(1000);
    // Printing starts only once the card is out of the reader.
    await screenOf(page, 'removeCard').waitFor();
    await dev.remove();

    // The customer is asked to call staff; nothing personal is on the screen.
    await screenOf(page, 'callStaff').waitFor();
    const text = (await page.locator('body').innerText()).replace(/\s+/g, '');
    for (const personal of ['山田', '太郎', 'ヤマダ', '葵市本町']) expect(text).not.toContain(personal);
    expect(await dev.prints()).toHaveLength(0);

    // Staff: long press the corner, the staff code, see where the jam is.
    await page.getByTestId('staff-entry').click({ delay: 3100 });
    await screenOf(page, 'staffLogin').waitFor();
    await typeDigits(page, DEMO_STAFF_CODE, 'staff-code-submit');
    await screenOf(page, 'staffMenu').waitFor();
    expect(await page.getByTestId('jam-drawing').getAttribute('data-where')).toBe('fuser');

    // Resume while the paper is still stuck: refused, the job keeps waiting.
    await page.getByTestId('staff-action-resume').click();
    await page.locator('[data-testid="notice"][data-code="PRINTER_FAILED"]').waitFor();

    // Staff pull the paper out (the simulated printer's "cleared"), then resume.
    expect((await devPost('/dev/printer/clear', {})).status).toBe(200);
    await page.getByTestId('staff-action-resume').click();
    await screenOf(page, 'takeCertificate').waitFor({ timeout: 30_000 });
    // Both copies printed, nothing refunded: the customer paid 600 and got 400 back as change.
    expect(await dev.payment()).toMatchObject({ keptYen: 600 });

    // Exactly two pages came out, under two different serials, neither of them the voided one.
    const prints = await dev.prints();
    expect(prints).toHaveLength(2);
    const copies = await env.system.hqDb.query<{ serial: string; status: string; copy_index: number }>(
      'SELECT serial, status, copy_index FROM issuance_copies ORDER BY copy_index, status',
    );
    const printed = copies.filter((c) => c.status === 'printed');
    const spoiled = copies.filter((c) => c.status === 'spoiled');
    expect(printed.map((c) => c.copy_index).sort()).toEqual([1, 2]);
    expect(spoiled).toHaveLength(1);
    expect(copies).toHaveLength(3);
    for (const serial of printed.map((c) => c.serial)) {
      expect(prints.some((p) => p.file.includes(serial))).toBe(true);
    }
    expect(prints.some((p) => p.file.includes(spoiled[0]!.serial))).toBe(false);

    // HQ was told about the jam through the status uplink.
    const history = await env.system.hqDb.query<{ fields: unknown }>(
      "SELECT fields FROM status_events WHERE kind = 'change' ORDER BY id",
    );
    expect(history.some((row) => JSON.stringify(row.fields).includes('"jam"'))).toBe(true);

    await page.getByTestId('finish').click();
    await screenOf(page, 'idle').waitFor();
    await page.close();
  });
});
