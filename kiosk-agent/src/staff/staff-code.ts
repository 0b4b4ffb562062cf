import { readFile } from 'node:fs/promises';
import { createHash, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** One code as a salted scrypt hash (Node's default cost), both base64: what HQ sends and the seed writes. */
export const StaffCodeRecord = z.object({ salt: z.string().min(1), scrypt: z.string().min(1) });
export type StaffCodeRecord = z.infer<typeof StaffCodeRecord>;

/**
 * data/kiosk/staff.json: the codes synced from HQ (staff-code-sync.ts), or a single record as the first
 * seed wrote it.
 */
export const StaffCodeFile = z.union([
  z.object({ codes: z.array(StaffCodeRecord), syncedAt: z.iso.datetime().optional() }),
  StaffCodeRecord.transform((record) => ({ codes: [record], syncedAt: undefined })),
]);

/**
 * The kiosk's name for a staff code: a hash of its record's salt (random per code). It says which code was
 * used (e.g. to settle an owed refund) without keeping the code or its scrypt hash; HQ, which holds the same
 * salt, can compute it too.
 */
export function staffCodeId(record: Pick<StaffCodeRecord, 'salt'>): string {
  return createHash('sha256').update('kiosk-staff-code-id:').update(record.salt).digest('hex').slice(0, 16);
}

interface Hash {
  id: string;
  salt: Buffer;
  hash: Buffer;
}

function decode(records: readonly StaffCodeRecord[]): Hash[] {
  return records.map((r) => ({
    id: staffCodeId(r),
    salt: Buffer.from(r.salt, 'base64'),
    hash: Buffer.from(r.scrypt, 'base64'),
  }));
}

/**
 * Checks a store staff code against the current codes' salted scrypt hashes (the kiosk never stores a code
 * itself). Any current code is accepted. The set is replaced in place when HQ sends a new one.
 */
export class StaffCodeCheck {
  private hashes: Hash[];

  private constructor(records: readonly StaffCodeRecord[]) {
    this.hashes = decode(records);
  }

  static async load(file: string): Promise<StaffCodeCheck> {
    const parsed = StaffCodeFile.parse(JSON.parse(await readFile(file, 'utf8')));
    return new StaffCodeCheck(parsed.codes);
  }

  static of(records: readonly StaffCodeRecord[]): StaffCodeCheck {
    return new StaffCodeCheck(records);
  }

  get size(): number {
    return this.hashes.length;
  }

  replace(records: readonly StaffCodeRecord[]): void {
    this.hashes = decode(records);
  }

  matches(code: string): boolean {
    return this.matchingId(code) !== null;
  }

  /** The id (staffCodeId) of the code that matches, or null. */
  matchingId(code: string): string | null {
    let matched: string | null = null;
    // Every record is checked, so the time taken says nothing about which one matched.
    for (const { id, salt, hash } of this.hashes) {
      if (hash.length < 16) continue;
      const given = scryptSync(code, salt, hash.length);
      if (timingSafeEqual(given, hash)) matched ??= id;
    }
    return matched;
  }
}
