import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** PEM key files in a temporary folder, for `[signing] key_files`. */
export interface KeyFolder {
  /** Write a fresh private key (Ed25519 or P-256) and return its path. */
  privateKey(name: string, kind?: 'ed25519' | 'p256'): string;
  /** Write a fresh public key only (a common mistake) and return its path. */
  publicKey(name: string): string;
  /** Write any text and return its path. */
  file(name: string, text: string): string;
  remove(): void;
}

/** A temporary folder for key files. */
export function keyFolder(): KeyFolder {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-keys-'));
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };
  return {
    privateKey(name, kind = 'ed25519') {
      const pair = kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
      return write(name, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    },
    publicKey(name) {
      return write(name, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString());
    },
    file: write,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
