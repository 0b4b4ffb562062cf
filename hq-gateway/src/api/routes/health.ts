import type { RequestHandler } from 'express';
import type { Database } from '../../db/database';
import { HttpError } from '../errors';

/** GET /v1/health: up and able to reach its database (what a load balancer probes). */
export function health(db: Database): RequestHandler {
  return async (_req, res) => {
    try {
      await db.query('SELECT 1');
    } catch {
      throw new HttpError('INTERNAL', 'database unavailable', undefined, 503);
    }
    res.json({ status: 'ok' });
  };
}
