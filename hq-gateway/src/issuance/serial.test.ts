import { describe, expect, it } from 'vitest';
import { DocumentPayload } from '../api/schemas';
import { newDocumentSerial } from './serial';

describe('newDocumentSerial', () => {
  it('is municipality code, JST date and 10 base32 characters, valid for DocumentPayload', () => {
    // 2026-11-22 20:00 UTC is already the 23rd in Japan.
    const serial = newDocumentSerial('139998', new Date('2026-11-22T20:00:00Z'));
    expect(serial).toMatch(/^139998-261123-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(DocumentPayload.shape.serial.safeParse(serial).success).toBe(true);
  });

  it('does not repeat', () => {
    const at = new Date();
    const serials = new Set(Array.from({ length: 10_000 }, () => newDocumentSerial('139998', at)));
    expect(serials.size).toBe(10_000);
  });
});
