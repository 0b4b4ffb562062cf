import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CARDS } from 'hq-gateway/registry/demo-municipality';
import { devApi } from '../support/dev-api';
import { startTestSystem, type TestSystem } from '../support/system';

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem();
});
afterAll(async () => {
  await system?.close();
});

const post = (path: string, body?: unknown) =>
  fetch(`${system.kioskUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('the developer API (simulation mode)', () => {
  it('lists every demo card with its id, holder, PINs and lock state', async () => {
    const cards = await devApi(system.kioskUrl).cards();
    expect(cards.map((c) => c.id).sort()).toEqual(DEMO_CARDS.map((c) => c.id).sort());
    expect(cards.map((c) => c.id)).toEqual(
      expect.arrayContaining(['demo-taro', 'demo-nguyen', 'demo-yoshida']),
    );
    const sakura = cards.find((c) => c.id === 'demo-sakura')!;
    expect(sakura.pins.signature).toBeNull(); // under 15: no signature certificate
    expect(cards.find((c) => c.id === 'demo-kenichi')!.locked.userAuth).toBe(true);
    expect(cards.every((c) => /^[0-9]{4}$/.test(c.pins.userAuth))).toBe(true);
    const raw = (await (await fetch(`${system.kioskUrl}/dev/cards`)).json()) as { staffCode: string };
    expect(raw.staffCode).toMatch(/^[0-9]{6,8}$/);
  });

  it('refuses unknown cards and path tricks with clear codes', async () => {
    const unknown = await post('/dev/cards/nobody/insert');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'CARD_NOT_FOUND' } });
    expect((await post('/dev/cards/..%2Fkiosk%2Fterminal/insert')).status).toBe(404);
    expect((await fetch(`${system.kioskUrl}/dev/prints/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
  });

  it('injects printer faults with a validated body and clears them', async () => {
    const bad = await post('/dev/printer/faults', { kind: 'fire' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    const jam = await post('/dev/printer/faults', { kind: 'jam', where: 'fuser' });
    expect(await jam.json()).toMatchObject({ status: { state: 'jam', where: 'fuser' } });
    const cleared = await post('/dev/printer/clear', {});
    expect(await cleared.json()).toMatchObject({ status: { state: 'idle' } });
  });
});
