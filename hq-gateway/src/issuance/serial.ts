import { randomBytes } from 'node:crypto';

/** Crockford base32: no I, L, O, U, so a serial read aloud or typed in is not misread. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_CHARS = 10;
const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

/**
 * A document serial: `<municipality code>-<YYMMDD in JST>-<10 random base32>`, e.g. `139998-261122-7K3M9Q2XZA`
 * (24 characters, within DocumentPayload's `^[A-Z0-9-]{6,32}$`). 50 random bits make a collision within one
 * municipality and day negligible; the database's primary key on the serial is the guarantee.
 */
export function newDocumentSerial(municipalityCode: string, issuedAt: Date): string {
  const jst = new Date(issuedAt.getTime() + JST_OFFSET_MS).toISOString(); // YYYY-MM-DDT…
  const day = `${jst.slice(2, 4)}${jst.slice(5, 7)}${jst.slice(8, 10)}`;
  let random = '';
  // 256 is a multiple of 32, so masking each byte keeps every character equally likely.
  for (const byte of randomBytes(RANDOM_CHARS)) random += ALPHABET[byte & 31];
  return `${municipalityCode}-${day}-${random}`;
}
