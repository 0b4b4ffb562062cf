import express, { type Router } from 'express';
import type { ResolvedDeps } from '../../api/deps';
import { HttpError } from '../../api/errors';
import { parseBody } from '../../api/validate-body';
import { appendAudit } from '../../db/audit';
import { findActiveTerminal } from '../../db/terminals';
import { operatorOf, requireOperator } from '../auth';
import { StaffCodeRequest, type StaffCodeState } from '../schemas';
import {
  removeTerminalStaffCode,
  setTerminalStaffCode,
  staffCodeRecord,
  terminalStaffCodeSetAt,
} from '../staff-codes';

/** GET (viewer), PUT and DELETE (operator) /terminals/:terminalId/staff-code. */
export function staffCodeRoutes(deps: ResolvedDeps): Router {
  const router = express.Router();
  const { db } = deps;
  const path = '/terminals/:terminalId/staff-code';

  async function activeTerminal(value: unknown): Promise<string> {
    const terminal = await findActiveTerminal(db, String(value));
    if (!terminal) throw new HttpError('NOT_FOUND', 'no such terminal, or revoked');
    return terminal.id;
  }

  router.get(path, requireOperator(db, 'viewer'), async (req, res) => {
    const terminalId = await activeTerminal(req.params.terminalId);
    const setAt = await terminalStaffCodeSetAt(db, terminalId);
    const answer: StaffCodeState = {
      terminalId,
      set: setAt !== null,
      createdAt: setAt?.toISOString() ?? null,
    };
    res.json(answer);
  });

  router.put(path, requireOperator(db, 'operator'), async (req, res) => {
    const { code } = parseBody(StaffCodeRequest, req.body);
    const terminalId = await activeTerminal(req.params.terminalId);
    const operator = operatorOf(res);
    const now = deps.now();
    const record = await staffCodeRecord(code);
    await db.transaction(async (tx) => {
      await setTerminalStaffCode(tx, { terminalId, record, operatorId: operator.id, now });
      await appendAudit(tx, { event: 'staffcode.set', at: now, terminalId, operatorId: operator.id });
    });
    const answer: StaffCodeState = { terminalId, set: true, createdAt: now.toISOString() };
    res.json(answer);
  });

  router.delete(path, requireOperator(db, 'operator'), async (req, res) => {
    const terminalId = await activeTerminal(req.params.terminalId);
    const operator = operatorOf(res);
    const now = deps.now();
    const removed = await db.transaction(async (tx) => {
      const done = await removeTerminalStaffCode(tx, terminalId, now);
      if (done)
        await appendAudit(tx, { event: 'staffcode.removed', at: now, terminalId, operatorId: operator.id });
      return done;
    });
    if (!removed) throw new HttpError('NOT_FOUND', 'the terminal has no staff code');
    res.status(204).end();
  });

  return router;
}
