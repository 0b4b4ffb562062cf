import path from 'node:path';
import express, { type Router } from 'express';
import type { SimulatedPrinter } from '../printer/simulated';
import { PrinterClearRequest, PrinterFaultRequest } from '../printer/faults';
import type { VirtualCardDeck } from './virtual-cards';
import { devPanelHtml } from './panel-html';

/**
 * The developer panel of the simulation (never mounted with real devices): demo cards with their PINs,
 * insert/remove, printed pages. JSON for tests and demos, plus one HTML page at /dev.
 */
export function devRoutes(deps: {
  deck: VirtualCardDeck;
  printer: SimulatedPrinter;
  outputDir: string;
}): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.set('cache-control', 'no-store').type('html').send(devPanelHtml);
  });
  router.get('/cards', async (_req, res) => {
    res.json({ cards: await deps.deck.list() });
  });
  router.post('/cards/remove', (_req, res) => {
    res.json({ removed: deps.deck.remove() });
  });
  router.post('/cards/:id/insert', async (req, res) => {
    const card = await deps.deck.insert(req.params.id);
    if (!card) {
      res.status(404).json({ error: { code: 'CARD_NOT_FOUND', message: `no demo card ${req.params.id}` } });
      return;
    }
    res.json({ inserted: card });
  });
  // Printer faults for demos and tests: a jam at page N, paper out, cover open, offline; then "staff" clear.
  router.get('/printer', (_req, res) => {
    res.json({ status: deps.printer.status(), paper: deps.printer.paper });
  });
  router.post('/printer/faults', express.json({ limit: '2kb' }), (req, res) => {
    const parsed = PrinterFaultRequest.safeParse(req.body);
    if (!parsed.success) {
      res
        .status(400)
        .json({ error: { code: 'BAD_REQUEST', message: parsed.error.issues[0]?.message ?? 'bad body' } });
      return;
    }
    deps.printer.injectFaultRequest(parsed.data);
    res.json({ injected: parsed.data, status: deps.printer.status() });
  });
  router.post('/printer/clear', express.json({ limit: '2kb' }), (req, res) => {
    const parsed = PrinterClearRequest.safeParse(req.body ?? {});
    if (!parsed.success) {
      res
        .status(400)
        .json({ error: { code: 'BAD_REQUEST', message: parsed.error.issues[0]?.message ?? 'bad body' } });
      return;
    }
    deps.printer.clearFault(parsed.data);
    res.json({ status: deps.printer.status() });
  });
  router.get('/prints', async (_req, res) => {
    const prints = await deps.printer.listPrints();
    res.json({ prints: prints.map((p) => ({ ...p, url: `/dev/prints/${encodeURIComponent(p.file)}` })) });
  });
  router.get('/prints/:file', (req, res) => {
    const file = req.params.file;
    if (!/^[\w.-]+\.png$/.test(file)) {
      res.status(400).json({ error: { code: 'BAD_REQUEST', message: 'not a print file name' } });
      return;
    }
    res.sendFile(path.resolve(deps.outputDir, file), (error) => {
      if (error && !res.headersSent) res.status(404).json({ error: { code: 'NOT_FOUND' } });
    });
  });
  return router;
}
