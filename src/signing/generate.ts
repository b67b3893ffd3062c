import { generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A fresh Ed25519 private key (the default kind of signing key). */
export function newEd25519Key(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

/** A private key as PKCS#8 PEM, the format `signing.key_files` reads. */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
