import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HqClient, HqRefusal } from './client';

/** A stand-in HQ over plain HTTP: what the client does with each kind of answer (the TLS side is tested in enroll.test.ts). */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function hqAnswering(handler: Handler): Promise<{ client: HqClient; calls: string[] }> {
  const calls: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      calls.push(`${req.method} ${req.url} ${body}`);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new HqClient({
    baseUrl: `http://127.0.0.1:${port}`,
    credentials: { terminalId: 'T-1' },
    retries: 2,
    timeoutMs: 300,
  });
  return { client, calls };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const challenge = {
  challengeId: '3f1c2a4e-8b7d-4c6e-9a5f-1d2e3c4b5a69',
  nonce: Buffer.alloc(32, 7).toString('base64'),
  expiresAt: '2026-11-23T00:05:00.000Z',
};

describe('HqClient', () => {
  it('sends the JSON body and returns the answer parsed by its schema', async () => {
    const { client, calls } = await hqAnswering((_req, res) => json(res, 201, challenge));
    await expect(client.createChallenge('kiosk-session')).resolves.toEqual(challenge);
    expect(calls).toEqual(['POST /v1/kiosk/challenges {"purpose":"kiosk-session"}']);
  });

  it('turns an HQ error body into an HqRefusal with the kiosk code, not HQ text', async () => {
    const { client } = await hqAnswering((_req, res) =>
      json(res, 403, { error: { code: 'CARD_NOT_REGISTERED', message: 'certificate not registered' } }),
    );
    const refusal = await client
      .openSession({ challengeId: challenge.challengeId, certificate: 'AA==', signature: 'AA==' })
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(HqRefusal);
    expect(refusal).toMatchObject({
      code: 'CARD_NOT_REGISTERED',
      hqCode: 'CARD_NOT_REGISTERED',
      status: 403,
    });
  });

  it('refuses a success answer that does not match the schema, or is not JSON', async () => {
    let answer = '{"challengeId": 42}';
    const { client } = await hqAnswering((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(answer);
    });
    await expect(client.createChallenge('kiosk-session')).rejects.toMatchObject({ code: 'HQ_REJECTED' });
    answer = '<html>proxy error</html>';
    await expect(client.createChallenge('kiosk-session')).rejects.toMatchObject({ code: 'HQ_REJECTED' });
  });

  it('retries an idempotent request after a 5xx', async () => {
    let n = 0;
    const { client, calls } = await hqAnswering((_req, res) => {
      n += 1;
      if (n < 3) return json(res, 503, {});
      json(res, 200, { serial: 'S-1', status: 'printed' });
    });
    // Two failures, then the third attempt (retries: 2) is answered.
    await expect(client.reportCopy('iss-1', 'S-1', { status: 'printed' })).resolves.toEqual({
      serial: 'S-1',
      status: 'printed',
    });
    expect(calls).toHaveLength(3);
    expect(new Set(calls).size).toBe(1); // the same request each time
  });

  it('says HQ_UNAVAILABLE when every attempt fails with a 5xx', async () => {
    const { client, calls } = await hqAnswering((_req, res) => res.writeHead(502).end('bad gateway'));
    await expect(client.offer('s-1')).rejects.toMatchObject({ code: 'HQ_UNAVAILABLE' });
    expect(calls).toEqual(Array(3).fill('GET /v1/kiosk/sessions/s-1/offer '));
  });

  it('does not retry the single-use session request', async () => {
    const { client, calls } = await hqAnswering((_req, res) => res.writeHead(503).end());
    await expect(
      client.openSession({ challengeId: challenge.challengeId, certificate: 'AA==', signature: 'AA==' }),
    ).rejects.toMatchObject({ code: 'HQ_UNAVAILABLE' });
    expect(calls).toHaveLength(1);
  });

  it('gives up on an HQ that does not answer within the timeout, retrying idempotent requests', async () => {
    const { client, calls } = await hqAnswering(() => undefined); // never answers
    await expect(client.offer('s-1')).rejects.toMatchObject({ code: 'HQ_UNAVAILABLE' });
    expect(calls).toHaveLength(3);
  });

  it('holds one deadline over the whole answer, so a trickling body cannot keep the user waiting', async () => {
    const { client, calls } = await hqAnswering((_req, res) => {
      res.writeHead(201, { 'content-type': 'application/json' });
      const drip = setInterval(() => (res.writableEnded ? clearInterval(drip) : res.write(' ')), 50);
      res.on('close', () => clearInterval(drip));
    });
    await expect(
      client.openSession({ challengeId: challenge.challengeId, certificate: 'AA==', signature: 'AA==' }),
    ).rejects.toMatchObject({ code: 'HQ_UNAVAILABLE' });
    expect(calls).toHaveLength(1);
  });

  it('says HQ_UNAVAILABLE when the answer is cut off mid-body', async () => {
    const { client } = await hqAnswering((req, res) => {
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"challengeId":');
      req.socket.destroy();
    });
    await expect(client.createChallenge('kiosk-session')).rejects.toMatchObject({ code: 'HQ_UNAVAILABLE' });
  });
});
