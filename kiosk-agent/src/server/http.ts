import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from 'pino';

/** The agent's HTTP app: security headers, the UI, the optional developer panel, JSON errors. */
export function createHttpApp(deps: { ui: Router; dev?: Router; logger: Logger }): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
    next();
  });
  if (deps.dev) app.use('/dev', deps.dev);
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(deps.ui);
  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND' } });
  });
  const onError: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
    const status =
      typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number'
        ? error.status
        : 500;
    if (status >= 500) deps.logger.error({ event: 'http.error', err: error }, 'request failed');
    res.status(status).json({ error: { code: status >= 500 ? 'INTERNAL' : 'BAD_REQUEST' } });
  };
  app.use(onError);
  return app;
}
