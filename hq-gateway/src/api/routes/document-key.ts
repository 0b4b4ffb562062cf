import type { RequestHandler } from 'express';
import type { DocumentSigningKey } from '../../issuance/document-signing';

/**
 * GET /v1/kiosk/document-key: HQ's document-signing public key, for information and diagnostics. Kiosks do
 * not trust this answer: they are configured with the key file, so a spoofed HQ cannot hand them its own key.
 */
export function documentKey(key: DocumentSigningKey): RequestHandler {
  return (_req, res) => {
    res.json({ algorithm: 'Ed25519', keyId: key.keyId, publicKeyPem: key.publicKeyPem });
  };
}
