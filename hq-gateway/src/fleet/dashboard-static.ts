import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import express, { type Router } from 'express';

/** Vite's output (hq-gateway/dashboard/dist), built by `npm run build`. */
export const DASHBOARD_DIST = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

/** The dashboard talks to its own origin only; styles and scripts come from files. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the operator dashboard at /dashboard: hashed assets are cached for a year (their names change
 * with their content), index.html never (so a deploy is picked up on reload), and every other path under
 * /dashboard answers index.html (the single-page app routes on the client).
 */
export function dashboardRoutes(dist: string = DASHBOARD_DIST): Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  router.use(
    '/assets',
    express.static(join(dist, 'assets'), {
      index: false,
      immutable: true,
      maxAge: '365d',
    }),
    (_req, res) => {
      res.status(404).type('text/plain').send('no such asset');
    },
  );
  router.use(
    express.static(dist, { index: false, setHeaders: (res) => res.setHeader('cache-control', 'no-cache') }),
  );
  router.use(async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const html = await readFile(join(dist, 'index.html'), 'utf8').catch(() => undefined);
    res.setHeader('cache-control', 'no-cache');
    if (html === undefined) {
      res.status(503).type('text/plain').send('dashboard not built: run npm run build');
      return;
    }
    res.type('html').send(html);
  });
  return router;
}
