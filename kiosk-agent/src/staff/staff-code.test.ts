import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { StaffCodeCheck, staffCodeId, type StaffCodeRecord } from './staff-code';

function record(code: string): StaffCodeRecord {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64'), scrypt: scryptSync(code, salt, 32).toString('base64') };
}

describe('StaffCodeCheck.matchingId', () => {
  it('names the matching code by an id from its salt, never the code; null for a wrong code', () => {
    const first = record('135790');
    const second = record('246810');
    const check = StaffCodeCheck.of([first, second]);
    expect(check.matchingId('246810')).toBe(staffCodeId(second));
    expect(check.matchingId('135790')).toBe(staffCodeId(first));
    expect(staffCodeId(first)).toMatch(/^[0-9a-f]{16}$/);
    expect(staffCodeId(first)).not.toBe(staffCodeId(second));
    expect(check.matchingId('000000')).toBeNull();
    expect(check.matches('135790')).toBe(true);
  });
});
