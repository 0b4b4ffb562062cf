import express, { type Router } from 'express';
import type { ResolvedDeps } from '../../api/deps';
import { HttpError } from '../../api/errors';
import { parseBody } from '../../api/validate-body';
import { appendAudit } from '../../db/audit';
import { revokeTerminal } from '../../terminals/revocation';
import { createEnrollmentCode, EnrollmentCodeError } from '../../terminals/enrollment-codes';
import { operatorOf, requireOperator } from '../auth';
import {
  createOperator,
  deleteOperator,
  listOperators,
  OperatorExistsError,
  updateOperator,
} from '../operators';
import { generatePassword } from '../password';
import { CreateOperatorRequest, EnrollmentCodeRequest, UpdateOperatorRequest } from '../schemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function operatorIdParam(value: unknown): string {
  const id = String(value);
  if (!UUID.test(id)) throw new HttpError('NOT_FOUND', 'no such operator');
  return id;
}

/** Admin only: operators CRUD, terminal enrolment codes and revocation. */
export function adminRoutes(deps: ResolvedDeps): Router {
  const router = express.Router();
  const { db } = deps;
  router.use(
    ['/operators', '/terminals/:terminalId/enrollment-codes', '/terminals/:terminalId/revoke'],
    requireOperator(db, 'admin'),
  );

  router.get('/operators', async (_req, res) => {
    res.json({ operators: await listOperators(db) });
  });

  router.post('/operators', async (req, res) => {
    const body = parseBody(CreateOperatorRequest, req.body);
    const password = body.password ?? generatePassword();
    const actor = operatorOf(res);
    const now = deps.now();
    try {
      const operator = await db.transaction(async (tx) => {
        const created = await createOperator(tx, { username: body.username, password, role: body.role, now });
        await appendAudit(tx, {
          event: 'operator.created',
          at: now,
          operatorId: actor.id,
          subjectId: created.id,
        });
        return created;
      });
      // A generated password is shown once, here; it is stored only as its scrypt hash.
      res.status(201).json({ operator, ...(body.password === undefined && { password }) });
    } catch (error) {
      if (error instanceof OperatorExistsError) throw new HttpError('OPERATOR_EXISTS', 'username taken');
      throw error;
    }
  });

  router.patch('/operators/:operatorId', async (req, res) => {
    const id = operatorIdParam(req.params.operatorId);
    const change = parseBody(UpdateOperatorRequest, req.body);
    const actor = operatorOf(res);
    if (id === actor.id && (change.disabled === true || (change.role && change.role !== 'admin'))) {
      // An admin cannot lock themselves (or, with them, possibly everyone) out.
      throw new HttpError('VALIDATION_FAILED', 'cannot disable or demote yourself');
    }
    const now = deps.now();
    const found = await db.transaction(async (tx) => {
      const updated = await updateOperator(tx, id, change);
      if (updated)
        await appendAudit(tx, { event: 'operator.updated', at: now, operatorId: actor.id, subjectId: id });
      return updated;
    });
    if (!found) throw new HttpError('NOT_FOUND', 'no such operator');
    res.status(204).end();
  });

  router.delete('/operators/:operatorId', async (req, res) => {
    const id = operatorIdParam(req.params.operatorId);
    const actor = operatorOf(res);
    if (id === actor.id) throw new HttpError('VALIDATION_FAILED', 'cannot delete yourself');
    const now = deps.now();
    const found = await db.transaction(async (tx) => {
      const deleted = await deleteOperator(tx, id);
      if (deleted)
        await appendAudit(tx, { event: 'operator.deleted', at: now, operatorId: actor.id, subjectId: id });
      return deleted;
    });
    if (!found) throw new HttpError('NOT_FOUND', 'no such operator');
    res.status(204).end();
  });

  // Creates the terminal when new; the code is shown once and only its SHA-256 is kept (terminals/).
  router.post('/terminals/:terminalId/enrollment-codes', async (req, res) => {
    const body = parseBody(EnrollmentCodeRequest, req.body ?? {});
    const terminalId = String(req.params.terminalId);
    const actor = operatorOf(res);
    const now = deps.now();
    try {
      const code = await db.transaction(async (tx) => {
        const created = await createEnrollmentCode(tx, {
          terminalId,
          now,
          ...(body.name && { name: body.name }),
        });
        await appendAudit(tx, {
          event: 'terminal.enrollment_code_created',
          at: now,
          terminalId,
          operatorId: actor.id,
        });
        return created;
      });
      res
        .status(201)
        .json({ terminalId: code.terminalId, code: code.code, expiresAt: code.expiresAt.toISOString() });
    } catch (error) {
      if (error instanceof EnrollmentCodeError) throw new HttpError('VALIDATION_FAILED', error.message);
      throw error;
    }
  });

  router.post('/terminals/:terminalId/revoke', async (req, res) => {
    const terminalId = String(req.params.terminalId);
    const actor = operatorOf(res);
    const now = deps.now();
    const revoked = await revokeTerminal(db, terminalId, now, actor.id);
    if (!revoked) throw new HttpError('NOT_FOUND', 'no such terminal, or already revoked');
    res.status(204).end();
  });

  return router;
}
