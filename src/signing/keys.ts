import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';
import { readConfigFile } from '../config-fields';

/**
 * The `[signing]` keys (results.md "Signing keys"): PEM private keys, Ed25519
 * ("EdDSA") or P-256 ("ES256"). The first signs; every one is published in
 * the JWKS so that tokens of a key being rotated out still verify.
 */

/** The JWS algorithms a signing key may have. */
export type SigningAlg = 'EdDSA' | 'ES256';

/** One usable key: the private half for signing, its public JWK for the JWKS. */
export interface SigningKey {
  alg: SigningAlg;
  /** RFC 7638 JWK thumbprint (base64url SHA-256) of the public key. */
  kid: string;
  privateKey: KeyObject;
  /** `kty, crv, x[, y], kid, alg, use` (never a private member). */
  publicJwk: JWK;
}

/** A key's algorithm, or why it cannot sign result tokens. */
export function algOf(key: KeyObject): SigningAlg | string {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return `holds a key of type ${key.asymmetricKeyType ?? 'unknown'}${curve ? ` (${curve})` : ''}; expected Ed25519 or P-256 (ES256)`;
}

/** The private key in a PEM text, or why it is not one this gateway can sign with. */
export function parsePrivateKey(pem: string): KeyObject | string {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // A public key parses with createPublicKey: say that, it is the common mistake.
    try {
      createPublicKey(pem);
      return 'holds a public key only; expected the PRIVATE key (the JWKS publishes its public half)';
    } catch {
      return 'holds no PEM private key ("-----BEGIN PRIVATE KEY-----")';
    }
  }
  const alg = algOf(key);
  return alg === 'EdDSA' || alg === 'ES256' ? key : alg;
}

/** Why a key file cannot be used (unreadable, not a private key, unsupported); undefined when it can. The config check names the key with it. */
export function keyFileProblem(file: string): string | undefined {
  const read = readConfigFile(file);
  if ('unreadable' in read) return `${read.unreadable} (expected a PEM private key, Ed25519 or P-256)`;
  const parsed = parsePrivateKey(read.text);
  return typeof parsed === 'string' ? `${JSON.stringify(file)} ${parsed}` : undefined;
}

/** A signing key from a private KeyObject (Ed25519 or P-256); throws for any other. */
export async function signingKey(privateKey: KeyObject): Promise<SigningKey> {
  const alg = algOf(privateKey);
  if (alg !== 'EdDSA' && alg !== 'ES256') throw new Error(`the signing key ${alg}`);
  const { kty, crv, x, y } = await exportJWK(createPublicKey(privateKey));
  const members: JWK = y === undefined ? { kty, crv, x } : { kty, crv, x, y };
  const kid = await calculateJwkThumbprint(members, 'sha256');
  return { alg, kid, privateKey, publicJwk: { ...members, kid, alg, use: 'sig' } };
}

/** Load `signing.key_files` in order (the config check has already vetted each file). */
export async function loadSigningKeys(files: readonly string[]): Promise<SigningKey[]> {
  return Promise.all(
    files.map(async (file) => {
      const parsed = parsePrivateKey(readFileSync(file, 'utf8'));
      if (typeof parsed === 'string') throw new Error(`signing.key_files: ${JSON.stringify(file)} ${parsed}`);
      return signingKey(parsed);
    }),
  );
}
