import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCode, kioskCall, startGatewayFixture, type GatewayFixture } from '../testing/gateway-fixture';
import { DEFAULT_RATE_LIMITS, parseRateLimits } from './rate-limit';

describe('HQ_RATE_LIMITS', () => {
  it('overrides the named limits and leaves the others at their defaults', () => {
    expect(parseRateLimits('')).toEqual({});
    expect(parseRateLimits('verify=300, enroll=100')).toEqual({ verify: 300, enroll: 100 });
    expect({ ...DEFAULT_RATE_LIMITS, ...parseRateLimits('login=5') }).toEqual({
      ...DEFAULT_RATE_LIMITS,
      login: 5,
    });
  });

  it.each(['verify', 'verify=', 'kiosk=10', 'verify=-1', 'verify=0', 'verify=1e3', 'verify=10;app=2'])(
    'refuses %j with a message naming it',
    (text) => {
      expect(() => parseRateLimits(text)).toThrow(/HQ_RATE_LIMITS: "/);
    },
  );
});

describe('per-client limits on the open routes (all from one test client)', () => {
  let fx: GatewayFixture;
  beforeAll(async () => {
    fx = await startGatewayFixture({ rateLimits: { app: 2, enroll: 2, login: 2 } });
  });
  afterAll(async () => {
    await fx?.close();
  });

  const statuses = async (n: number, call: () => Promise<{ status: number; json: unknown }>) => {
    const answers = [];
    for (let i = 0; i < n; i++) answers.push(await call());
    return answers;
  };

  it.each([
    ['the app API', 'POST', '/v1/app/challenges', {}],
    ['enrolment', 'POST', '/v1/enroll', { code: 'x', csr: 'y' }],
    ['operator login', 'POST', '/v1/ops/login', { username: 'nobody', password: 'wrong-password' }],
  ] as const)(
    '%s: the third request in a minute is refused with RATE_LIMITED',
    async (_l, method, path, body) => {
      const answers = await statuses(3, () => kioskCall(fx, null, method, path, body));
      expect(answers.slice(0, 2).map((a) => a.status)).not.toContain(429);
      expect(answers[2]!.status).toBe(429);
      expect(errorCode(answers[2]!.json)).toBe('RATE_LIMITED');
    },
  );

  it('never limits kiosks: their routes are behind terminal certificates', async () => {
    const answers = await statuses(10, () => kioskCall(fx, fx.terminals.a, 'GET', '/v1/kiosk/document-key'));
    expect(answers.map((a) => a.status)).toEqual(new Array(10).fill(200));
  });
});
