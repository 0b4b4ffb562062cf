import { z } from 'zod';
import { OperatorRole, Username } from './operators';

/** The /v1/ops/* contract for login, operators and staff codes (the fleet views declare theirs in fleet/). */

export const OperatorView = z.object({ id: z.uuid(), username: z.string(), role: OperatorRole });

// POST /v1/ops/login
export const LoginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
// POST /v1/ops/login, GET /v1/ops/me
export const LoginResponse = z.object({ operator: OperatorView, csrfToken: z.string() });
export type LoginResponse = z.infer<typeof LoginResponse>;

// POST /v1/ops/operators   (admin; the password is generated and returned once when none is given)
export const CreateOperatorRequest = z.strictObject({
  username: Username,
  role: OperatorRole,
  password: z.string().min(12).max(256).optional(),
});
// PATCH /v1/ops/operators/:operatorId   (admin)
export const UpdateOperatorRequest = z
  .strictObject({
    role: OperatorRole.optional(),
    disabled: z.boolean().optional(),
    password: z.string().min(12).max(256).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');

// PUT /v1/ops/terminals/:terminalId/staff-code   (operator)
export const StaffCodeRequest = z.strictObject({
  code: z.string().regex(/^[0-9]{6,8}$/, '6 to 8 digits'),
});
export const StaffCodeState = z.object({
  terminalId: z.string(),
  set: z.boolean(),
  createdAt: z.iso.datetime().nullable(),
});
export type StaffCodeState = z.infer<typeof StaffCodeState>;

// POST /v1/ops/terminals/:terminalId/enrollment-codes   (admin)
export const EnrollmentCodeRequest = z.strictObject({ name: z.string().min(1).max(100).optional() });
