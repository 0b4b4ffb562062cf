/** PEM armour for DER blobs (certificates, PKCS#8 and SPKI keys). */

export function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every block with this label, in file order (a trust-anchor file may hold several CA generations). */
export function fromPem(text: string, label: string): Uint8Array[] {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`-----BEGIN ${escaped}-----([\\s\\S]*?)-----END ${escaped}-----`, 'g');
  const blocks: Uint8Array[] = [];
  for (const match of text.matchAll(pattern)) {
    const body = (match[1] ?? '').replace(/\s+/g, '');
    blocks.push(new Uint8Array(Buffer.from(body, 'base64')));
  }
  return blocks;
}
