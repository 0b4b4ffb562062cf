import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database';
import { insertEnrollmentCode, upsertTerminal } from '../db/terminals';
import { TERMINAL_ID_PATTERN } from '../pki/terminal-ca';

/**
 * One-time enrolment codes: an operator creates one for a terminal id and hands it to whoever installs the
 * kiosk. 120 random bits in Crockford base32 (24 characters, typed in groups of four); HQ keeps only the
 * SHA-256, so a leaked table enrols nobody. Single use, 24 hours.
 */

export const ENROLLMENT_CODE_TTL_MS = 24 * 60 * 60 * 1000;
const CODE_BYTES = 15;
/** Crockford base32: no I, L, O, U — nothing to misread when typing a code off a sheet. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export class EnrollmentCodeError extends Error {
  constructor(
    readonly code: 'TERMINAL_ID_INVALID',
    message: string,
  ) {
    super(message);
    this.name = 'EnrollmentCodeError';
  }
}

export interface EnrollmentCode {
  terminalId: string;
  /** Shown once to the operator; never stored. */
  code: string;
  expiresAt: Date;
}

/** Creates the terminal if new (renaming it when `name` is given) and a fresh code for it. */
export async function createEnrollmentCode(
  db: Queryable,
  request: { terminalId: string; name?: string; now?: Date; ttlMs?: number },
): Promise<EnrollmentCode> {
  if (!TERMINAL_ID_PATTERN.test(request.terminalId)) {
    throw new EnrollmentCodeError('TERMINAL_ID_INVALID', 'terminal id: 1–64 letters, digits or dashes');
  }
  const now = request.now ?? new Date();
  const code = formatCode(randomBytes(CODE_BYTES));
  const expiresAt = new Date(now.getTime() + (request.ttlMs ?? ENROLLMENT_CODE_TTL_MS));
  await upsertTerminal(db, {
    id: request.terminalId,
    ...(request.name !== undefined && { name: request.name }),
  });
  await insertEnrollmentCode(db, {
    codeSha256: hashEnrollmentCode(code),
    terminalId: request.terminalId,
    createdAt: now,
    expiresAt,
  });
  return { terminalId: request.terminalId, code, expiresAt };
}

/** SHA-256 (hex) of the code as typed, after normalising case, separators and look-alike letters. */
export function hashEnrollmentCode(typed: string): string {
  return createHash('sha256').update(normalizeEnrollmentCode(typed), 'utf8').digest('hex');
}

export function normalizeEnrollmentCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

function formatCode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{1,4}/g)?.join('-') ?? out;
}
