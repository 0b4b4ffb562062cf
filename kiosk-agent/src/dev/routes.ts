import path from 'node:path';
import express, { type Response, type Router } from 'express';
import type { z } from 'zod';
import type { SimulatedPrinter } from '../printer/simulated';
import { PrinterClearRequest, PrinterFaultRequest } from '../printer/faults';
import type { VirtualCardDeck } from './virtual-cards';
import { devPanelHtml } from './panel-html';

export interface DevRouteDeps {
  deck: VirtualCardDeck;
  /** Present when the printer is the simulated one (faults, printed pages). */
  printer: SimulatedPrinter | undefined;
  outputDir: string;
  /** The demo staff code, shown to developers (simulation only). */
  staffCode: string | undefined;
}

function badRequest(res: Response, error: z.ZodError): void {
  res.status(400).json({ error: { code: 'BAD_REQUEST', message: error.issues[0]?.message ?? 'bad body' } });
}

/**
 * The developer panel of the simulation (never mounted with real devices): demo cards with their PINs,
 * insert/remove, printer faults, printed pages. JSON for tests and demos, plus one HTML page at /dev.
 */
export function devRoutes(deps: DevRouteDeps): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.set('cache-control', 'no-store').type('html').send(devPanelHtml);
  });
  router.get('/cards', async (_req, res) => {
    res.json({ cards: await deps.deck.list(), staffCode: deps.staffCode ?? null });
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

  const printer = deps.printer;
  if (!printer) return router;
  // Printer faults: a jam at page N, paper out, cover open, offline; then what staff do at the machine.
  router.get('/printer', (_req, res) => {
    res.json({ status: printer.status(), paper: printer.paper });
  });
  router.post('/printer/faults', express.json({ limit: '2kb' }), (req, res) => {
    const parsed = PrinterFaultRequest.safeParse(req.body);
    if (!parsed.success) return badRequest(res, parsed.error);
    printer.injectFaultRequest(parsed.data);
    res.json({ injected: parsed.data, status: printer.status() });
  });
  router.post('/printer/clear', express.json({ limit: '2kb' }), (req, res) => {
    const parsed = PrinterClearRequest.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, parsed.error);
    printer.clearFault(parsed.data);
    res.json({ status: printer.status() });
  });
  router.get('/prints', async (_req, res) => {
    const prints = await printer.listPrints();
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
