import * as pkijs from 'pkijs';

/**
 * pkijs needs a WebCrypto engine. Node's own webcrypto does RSA-2048/SHA-256 natively (and off the main
 * thread), so no polyfill is involved. Registering it globally matters because some pkijs internals call
 * getCrypto() themselves; we still pass the engine explicitly wherever an API takes one.
 */
export const cryptoEngine = new pkijs.CryptoEngine({ name: 'node', crypto: globalThis.crypto });
pkijs.setEngine('node', cryptoEngine);
