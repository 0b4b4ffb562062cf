import express, { type ErrorRequestHandler, type Response, type Router } from 'express';
import type { z } from 'zod';
import { PaymentFaultRequest, PaymentInsertRequest } from '../payment/dev-requests';
import type { SimulatedPaymentDevice } from '../payment/simulated';

function badRequest(res: Response, message: string): void {
  res.status(400).json({ error: { code: 'BAD_REQUEST', message } });
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'bad body';
  return issue.path.length > 0 && !issue.message.startsWith(String(issue.path[0]))
    ? `${issue.path.join('.')}: ${issue.message}`
    : issue.message;
}

/**
 * The simulated coin and bill acceptor on the developer panel (mounted at /dev/payment):
 * - `GET /` → the acceptor's snapshot (state, due, inserted, kept, cashbox, float, last dispenses);
 * - `POST /insert {yen}` → `{accepted, insertedYen, reason?, state}` (a rejected piece is given back);
 * - `POST /fault {unavailable}` → the snapshot after the change.
 */
export function paymentDevRoutes(payment: SimulatedPaymentDevice): Router {
  const router = express.Router();
  const json = express.json({ limit: '1kb' });
  router.get('/', (_req, res) => {
    res.set('cache-control', 'no-store').json(payment.snapshot());
  });
  router.post('/insert', json, (req, res) => {
    const parsed = PaymentInsertRequest.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, firstIssue(parsed.error));
    const result = payment.insert(parsed.data.yen);
    res.json({ ...result, state: payment.state });
  });
  router.post('/fault', json, (req, res) => {
    const parsed = PaymentFaultRequest.safeParse(req.body ?? {});
    if (!parsed.success) return badRequest(res, firstIssue(parsed.error));
    payment.setUnavailable(parsed.data.unavailable);
    res.json(payment.snapshot());
  });
  // Malformed or oversized JSON: say so here rather than in the app's generic error body.
  const onError: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    const type = typeof error === 'object' && error !== null && 'type' in error ? error.type : undefined;
    if (type === 'entity.parse.failed') return badRequest(res, 'body is not valid JSON');
    if (type === 'entity.too.large') return badRequest(res, 'body too large');
    next(error);
  };
  router.use(onError);
  return router;
}
