import path from 'node:path';
import express, { type Response, type Router } from 'express';
import type { z } from 'zod';
import type { SimulatedPrinter } from '../printer/simulated';
import { PrinterClearRequest, PrinterFaultRequest } from '../printer/faults';
import type { SimulatedPaymentDevice } from '../payment/simulated';
import type { VirtualCardDeck } from './virtual-cards';
import { paymentDevRoutes } from './payment-routes';
import { devPanelHtml } from './panel-html';

export interface DevRouteDeps {
  /** Present with the virtual card reader (never with a real one). */
  deck: VirtualCardDeck | undefined;
  /** Present when the printer is the simulated one (faults, printed pages). */
  printer: SimulatedPrinter | undefined;
  /** Present when the coin and bill acceptor is the simulated one (insert money, faults). */
  payment: SimulatedPaymentDevice | undefined;
  outputDir: string;
  /** The demo staff code, shown to developers (simulation only). */
  staffCode: string | undefined;
}

function badRequest(res: Response, error: z.ZodError): void {
  res.status(400).json({ error: { code: 'BAD_REQUEST', message: error.issues[0]?.message ?? 'bad body' } });
}

/**
 * The developer panel of the simulated devices (each part only when its device is simulated, never for a
 * real one): demo cards with their PINs, insert/remove, coins and bills, printer faults, printed pages. JSON for tests and demos, plus one HTML page at /dev.
 */
export function devRoutes(deps: DevRouteDeps): Router {
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.set('cache-control', 'no-store').type('html').send(devPanelHtml);
  });
  const deck = deps.deck;
  if (deck) cardRoutes(router, deck, deps.staffCode);
  if (deps.payment) router.use('/payment', paymentDevRoutes(deps.payment));
  if (deps.printer) printerRoutes(router, deps.printer, deps.outputDir);
  return router;
}

function cardRoutes(router: Router, deck: VirtualCardDeck, staffCode: string | undefined): void {
  router.get('/cards', async (_req, res) => {
    res.json({ cards: await deck.list(), staffCode: staffCode ?? null });
  });
  router.post('/cards/remove', (_req, res) => {
    res.json({ removed: deck.remove() });
  });
  router.post('/cards/:id/insert', async (req, res) => {
    const card = await deck.insert(req.params.id);
    if (!card) {
      res.status(404).json({ error: { code: 'CARD_NOT_FOUND', message: `no demo card ${req.params.id}` } });
      return;
    }
    res.json({ inserted: card });
  });
}

function printerRoutes(router: Router, printer: SimulatedPrinter, outputDir: string): void {
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
    res.sendFile(path.resolve(outputDir, file), (error) => {
      if (error && !res.headersSent) res.status(404).json({ error: { code: 'NOT_FOUND' } });
    });
  });
}
