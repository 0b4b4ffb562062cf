import { readFile } from 'node:fs/promises';
import path from 'node:path';
import express, { type Router } from 'express';

export const UI_TOKEN_PLACEHOLDER = '__KIOSK_UI_TOKEN__';

/**
 * Serves the built kiosk UI. index.html gets the per-boot socket token in place of its placeholder, and
 * is never cached, so a token from an earlier boot cannot linger.
 */
export async function uiRoutes(distDir: string, uiToken: string): Promise<Router> {
  const template = await readFile(path.join(distDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`kiosk UI not built: ${distDir}/index.html is missing (run npm run build)`);
  });
  if (!template.includes(UI_TOKEN_PLACEHOLDER))
    throw new Error('kiosk UI index.html has no token placeholder');
  const index = template.replaceAll(UI_TOKEN_PLACEHOLDER, uiToken);
  const router = express.Router();
  const sendIndex: express.RequestHandler = (_req, res) => {
    res.set('cache-control', 'no-store').type('html').send(index);
  };
  router.get(['/', '/index.html'], sendIndex);
  router.use(express.static(distDir, { index: false, immutable: true, maxAge: '1y' }));
  return router;
}
