import { createCipheriv, createDecipheriv, createHash, createHmac, randomFillSync } from 'node:crypto';
import { AppError } from '../errors';

/**
 * All cryptography of the gateway, in one place.
 * - codes and ids: CSPRNG bytes (`randomFillSync`, pooled) with rejection sampling (no modulo bias);
 * - comparisons: of keyed digests (`codeDigest`), which the store compares in constant time;
 * - at rest: codes and addresses sealed with AES-256-GCM when `app.secret_key` is set.
 */

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A uniformly random numeric code of `length` digits (leading zeros allowed). */
export function randomDigits(length: number): string {
  return randomFrom(DIGITS, length);
}

/** A uniformly random alphanumeric id (default 32 characters, ~190 bits). */
export function randomId(length = 32): string {
  return randomFrom(ID_ALPHABET, length);
}

const DIGITS = '0123456789';

/**
 * `length` characters drawn uniformly from `alphabet` (at most 256 symbols).
 * Rejection sampling keeps it unbiased: bytes at or above the largest multiple
 * of the alphabet size are discarded.
 */
function randomFrom(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    const byte = nextRandomByte();
    if (byte < limit) out += alphabet[byte % alphabet.length];
  }
  return out;
}

// CSPRNG bytes drawn 4 KiB at a time (as Node's randomInt caches them): one
// OpenSSL call per ~100 creates instead of two per create showed in profiles.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function nextRandomByte(): number {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++] as number;
}

/** `size` fresh CSPRNG bytes from the pool (each pool byte is handed out once). */
function pooledRandomBytes(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = nextRandomByte();
  return out;
}

/**
 * Protects codes and addresses at rest. With a secret key: AES-256-GCM with a
 * fresh IV per write, and keyed digests. Without one: values are stored as
 * they are (compat with the Go gateway; the server warns at startup).
 */
export interface Sealer {
  /** True when values are encrypted at rest. */
  readonly encrypts: boolean;
  seal(plain: string): string;
  open(sealed: string): string;
  /** Digest of a code bound to its namespace and id; what verify compares. */
  codeDigest(namespace: string, id: string, code: string): string;
  /** Stable pseudonym of an address for rate-limit keys (never the address itself). */
  addressTag(namespace: string, address: string): string;
}

const SEALED_PREFIX = 'v1.';

/** Build the sealer for `app.secret_key` (empty: no encryption). */
export function createSealer(secretKey: string): Sealer {
  if (!secretKey) return plainSealer;
  const encKey = createHash('sha256').update(`otpgateway:enc:${secretKey}`).digest();
  const macKey = createHash('sha256').update(`otpgateway:mac:${secretKey}`).digest();
  return {
    encrypts: true,
    seal(plain: string): string {
      if (plain === '') return '';
      // From the pool: a randomBytes call per seal was ~10 % of a create in profiles.
      const iv = pooledRandomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    open(sealed: string): string {
      // Values written before secret_key was set are plain text: still readable.
      if (!sealed.startsWith(SEALED_PREFIX)) return sealed;
      try {
        const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        // Sealed with another secret_key (rotated) or altered in the store: the record is unusable.
        throw unreadable();
      }
    },
    codeDigest: (namespace, id, code) => mac(macKey, `code\0${namespace}\0${id}\0${code}`),
    addressTag: (namespace, address) => mac(macKey, `addr\0${namespace}\0${address}`),
  };
}

/** A record that cannot be decrypted behaves like an expired one (the log says why). */
function unreadable(): AppError {
  return new AppError('not_found', 'The OTP does not exist or has expired.');
}

const plainSealer: Sealer = {
  encrypts: false,
  seal: (plain) => plain,
  open: (sealed) => sealed,
  codeDigest: (namespace, id, code) => mac(Buffer.from('otpgateway'), `code\0${namespace}\0${id}\0${code}`),
  addressTag: (namespace, address) => mac(Buffer.from('otpgateway'), `addr\0${namespace}\0${address}`),
};

function mac(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}
