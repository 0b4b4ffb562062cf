import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedPaymentDevice } from '../payment/simulated';
import { devRoutes } from './routes';
import type { VirtualCardDeck } from './virtual-cards';

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** The dev router alone on an ephemeral loopback port; the card routes are not exercised here. */
async function start(payment: SimulatedPaymentDevice | undefined): Promise<string> {
  const app = express();
  app.use(
    '/dev',
    devRoutes({
      deck: {} as VirtualCardDeck,
      printer: undefined,
      payment,
      outputDir: '/nonexistent',
      staffCode: undefined,
    }),
  );
  const listening = app.listen(0, '127.0.0.1');
  server = listening;
  await new Promise<void>((resolve) => listening.once('listening', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}/dev`;
}

async function post(url: string, body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe('/dev/payment', () => {
  it('shows the snapshot, takes money while accepting and reports it', async () => {
    const payment = new SimulatedPaymentDevice();
    const base = await start(payment);
    const idle = await (await fetch(`${base}/payment`)).json();
    expect(idle).toMatchObject({
      state: 'ready',
      dueYen: null,
      insertedYen: 0,
      keptYen: 0,
      floatYen: 53_000,
    });

    expect(await post(`${base}/payment/insert`, '{"yen":100}')).toEqual({
      status: 200,
      json: { accepted: false, insertedYen: 0, reason: 'notAccepting', state: 'ready' },
    });
    await payment.startAccepting(600);
    expect(await post(`${base}/payment/insert`, '{"yen":1000}')).toEqual({
      status: 200,
      json: { accepted: true, insertedYen: 1000, state: 'accepting' },
    });
    await payment.settle(600);
    const settled = await (await fetch(`${base}/payment`)).json();
    expect(settled).toMatchObject({
      state: 'ready',
      keptYen: 600,
      lastDispensed: { reason: 'change', yen: 400, pieces: [{ yen: 100, count: 4 }] },
    });
  });

  it('toggles the out-of-order fault, returning money inserted', async () => {
    const payment = new SimulatedPaymentDevice();
    const base = await start(payment);
    await payment.startAccepting(300);
    await post(`${base}/payment/insert`, '{"yen":500}');
    const down = await post(`${base}/payment/fault`, '{"unavailable":true}');
    expect(down.status).toBe(200);
    expect(down.json).toMatchObject({
      state: 'unavailable',
      lastDispensed: { reason: 'unavailable', yen: 500 },
    });
    expect(payment.state).toBe('unavailable');
    expect((await post(`${base}/payment/insert`, '{"yen":10}')).json).toMatchObject({
      accepted: false,
      reason: 'unavailable',
    });
    expect((await post(`${base}/payment/fault`, '{"unavailable":false}')).json).toMatchObject({
      state: 'ready',
    });
  });

  it.each([
    ['insert', '{"yen":20}', 'yen must be one of 10, 50, 100, 500, 1000, 2000, 5000, 10000'],
    ['insert', '{"yen":"100"}', 'yen must be one of 10, 50, 100, 500, 1000, 2000, 5000, 10000'],
    ['insert', '{}', 'yen must be one of 10, 50, 100, 500, 1000, 2000, 5000, 10000'],
    ['insert', '{"yen":100,"times":3}', 'Unrecognized key: "times"'],
    ['insert', '{"yen":', 'body is not valid JSON'],
    ['fault', '{"unavailable":"yes"}', 'unavailable must be true or false'],
    ['fault', '[]', 'Invalid input: expected object, received array'],
  ])('answers 400 with a clear message to POST %s %s', async (route, body, message) => {
    const payment = new SimulatedPaymentDevice();
    const base = await start(payment);
    await payment.startAccepting(300);
    expect(await post(`${base}/payment/${route}`, body)).toEqual({
      status: 400,
      json: { error: { code: 'BAD_REQUEST', message } },
    });
    expect(payment.snapshot()).toMatchObject({ state: 'accepting', insertedYen: 0 });
  });

  it('is not mounted when the acceptor is not the simulated one', async () => {
    const base = await start(undefined);
    expect((await fetch(`${base}/payment`)).status).toBe(404);
    expect((await fetch(`${base}/payment/insert`, { method: 'POST' })).status).toBe(404);
  });

  it('serves the panel with the acceptor section and one button per denomination', async () => {
    const base = await start(new SimulatedPaymentDevice());
    const html = await (await fetch(base)).text();
    expect(html).toContain('<h2>Coin and bill acceptor</h2>');
    for (const yen of [10, 50, 100, 500, 1000, 2000, 5000, 10000])
      expect(html).toContain(`data-yen="${yen}"`);
    expect(html).toContain('id="payment-unavailable"');
  });
});
