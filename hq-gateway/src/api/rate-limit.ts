import type { RequestHandler } from 'express';
import { z } from 'zod';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { clientAddress } from '../pki/client-address';
import { HttpError, sendError } from './errors';
import { requestLogger } from './request-log';

/**
 * Requests per minute one client may make to each open (no terminal certificate) part of the API. They
 * stop a single source from flooding routes that cost a database write or a signature check; real use is far
 * below them. Clients are told apart by address (an IPv6 /56 counts as one, as a household's prefix), which
 * behind haproxy comes from its PROXY header (pki/client-address.ts). Smartphones behind a carrier's NAT share
 * addresses, so the app's figure is generous.
 */
export interface RateLimits {
  /** GET /v1/verify: anyone checking a printed certificate's seal. */
  verify: number;
  /** /v1/app/*: the smartphone app (challenges write a row each). */
  app: number;
  /** POST /v1/enroll: one-time codes are 120 bits; this only keeps guessing noisy and slow. */
  enroll: number;
  /**
   * POST /v1/ops/login, on top of the per-username lockout (ops/login-throttle.ts): against one source
   * trying many usernames. A whole operations room behind one address still fits.
   */
  login: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { verify: 120, app: 120, enroll: 10, login: 60 };

const WINDOW_MS = 60_000;

/**
 * One limiter (its own in-memory counts) per route group. Counts are per gateway process: haproxy's
 * `balance source` sends a client to the same gateway every time, so the figure holds fleet-wide.
 */
export function perClientLimit(name: keyof RateLimits, perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: WINDOW_MS,
    limit: perMinute,
    // RateLimit and RateLimit-Policy headers (IETF draft 8), and Retry-After on a refusal.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: name,
    keyGenerator: (req) => ipKeyGenerator(clientAddress(req.socket)),
    // The key never comes from req.ip or X-Forwarded-For, which anyone can set.
    validate: { xForwardedForHeader: false, trustProxy: false },
    handler: (_req, res) => {
      requestLogger(res)?.warn({ event: 'rate_limited', limit: name }, 'client over its request rate');
      sendError(res, new HttpError('RATE_LIMITED', 'too many requests: try again later'));
    },
  });
}

const Override = z.string().regex(/^(verify|app|enroll|login)=\d{1,7}$/, 'expected name=requests-per-minute');

/**
 * HQ_RATE_LIMITS, e.g. "verify=300,enroll=100": operators raise a figure for a mass enrolment or lower it
 * under attack without a release. Names not listed keep their defaults; a malformed value stops the start.
 */
export function parseRateLimits(text: string): Partial<RateLimits> {
  const limits: Partial<RateLimits> = {};
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const parsed = Override.safeParse(item);
    if (!parsed.success) throw new Error(`HQ_RATE_LIMITS: "${item}": ${parsed.error.issues[0]?.message}`);
    const [name, value] = item.split('=') as [keyof RateLimits, string];
    if (Number(value) < 1) throw new Error(`HQ_RATE_LIMITS: "${item}": at least 1 per minute`);
    limits[name] = Number(value);
  }
  return limits;
}
