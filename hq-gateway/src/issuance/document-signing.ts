import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { DocumentPayload, SignedDocument } from '../api/schemas';

/**
 * HQ's signature on certificate documents: Ed25519 over the exact UTF-8 JSON bytes of the payload.
 * The kiosk agent imports verifySignedDocument from here, so this module must stay free of database,
 * express and file-system imports.
 */

export interface DocumentSigningKey {
  privateKey: KeyObject;
  /** SPKI PEM, what kiosks are configured with. */
  publicKeyPem: string;
  keyId: string;
}

/** Why a document was refused; the kiosk logs it and prints nothing. */
export class DocumentVerificationError extends Error {
  constructor(
    readonly reason: 'MALFORMED' | 'WRONG_KEY' | 'SIGNATURE_INVALID' | 'PAYLOAD_INVALID',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DocumentVerificationError';
  }
}

/** A fresh key pair as PEM (PKCS#8 private, SPKI public), for seeding. */
export function generateDocumentSigningKeyPem(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

export function loadDocumentSigningKey(privateKeyPem: string): DocumentSigningKey {
  const privateKey = createPrivateKey(privateKeyPem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('document-signing key must be Ed25519');
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: documentKeyId(publicKey),
  };
}

/** First 16 hex digits of SHA-256 over the DER SPKI: names the key so that keys can be rotated. */
export function documentKeyId(publicKey: KeyObject): string {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(spki).digest('hex').slice(0, 16);
}

export function signDocument(payload: DocumentPayload, key: DocumentSigningKey): SignedDocument {
  const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
  return {
    payload: bytes.toString('base64url'),
    signature: cryptoSign(null, bytes, key.privateKey).toString('base64url'),
    keyId: key.keyId,
  };
}

/**
 * Checks HQ's signature over the payload bytes and only then parses them: nothing unsigned is ever
 * interpreted. Returns the payload; throws DocumentVerificationError otherwise.
 */
export function verifySignedDocument(doc: SignedDocument, publicKeyPem: string): DocumentPayload {
  const envelope = SignedDocument.safeParse(doc);
  if (!envelope.success) throw new DocumentVerificationError('MALFORMED', 'not a signed document');
  const { payload, signature, keyId } = envelope.data;

  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(publicKeyPem);
  } catch (error) {
    throw new DocumentVerificationError('WRONG_KEY', 'the configured public key cannot be read', {
      cause: error,
    });
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new DocumentVerificationError('WRONG_KEY', 'the configured public key is not Ed25519');
  }
  if (keyId !== documentKeyId(publicKey)) {
    throw new DocumentVerificationError('WRONG_KEY', `signed with key ${keyId}, not the configured key`);
  }

  const bytes = Buffer.from(payload, 'base64url');
  const signatureBytes = Buffer.from(signature, 'base64url');
  // Node's base64url decoder ignores stray trailing bits; insist on the one canonical encoding.
  if (bytes.toString('base64url') !== payload || signatureBytes.toString('base64url') !== signature) {
    throw new DocumentVerificationError('MALFORMED', 'non-canonical base64url');
  }
  if (!cryptoVerify(null, bytes, publicKey, signatureBytes)) {
    throw new DocumentVerificationError('SIGNATURE_INVALID', 'HQ signature does not verify');
  }

  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new DocumentVerificationError('PAYLOAD_INVALID', 'signed payload is not JSON', { cause: error });
  }
  const parsed = DocumentPayload.safeParse(json);
  if (!parsed.success) {
    throw new DocumentVerificationError('PAYLOAD_INVALID', 'signed payload does not match DocumentPayload', {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
