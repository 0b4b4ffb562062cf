import { readFile } from 'node:fs/promises';
import { scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

const StaffCodeFile = z.object({ salt: z.string().min(1), scrypt: z.string().min(1) });

/** Checks a store staff code against its salted scrypt hash (the kiosk never stores the code itself). */
export class StaffCodeCheck {
  private constructor(
    private readonly salt: Buffer,
    private readonly hash: Buffer,
  ) {}

  static async load(file: string): Promise<StaffCodeCheck> {
    const parsed = StaffCodeFile.parse(JSON.parse(await readFile(file, 'utf8')));
    return new StaffCodeCheck(Buffer.from(parsed.salt, 'base64'), Buffer.from(parsed.scrypt, 'base64'));
  }

  matches(code: string): boolean {
    const given = scryptSync(code, this.salt, this.hash.length);
    return timingSafeEqual(given, this.hash);
  }
}
