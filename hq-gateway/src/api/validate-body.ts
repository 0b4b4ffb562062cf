import type { z } from 'zod';
import { HttpError } from './errors';

/** Parses with the contract's schema or throws VALIDATION_FAILED listing each wrong field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new HttpError('VALIDATION_FAILED', 'request does not match the schema', issues);
}
