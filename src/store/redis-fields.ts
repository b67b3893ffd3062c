import type { OtpFields, OtpKey, StoredOtp } from './store';

/**
 * Mapping between OTP fields and the short Redis hash field names the Lua
 * scripts use. Short names keep a stored OTP well under 300 bytes of Redis memory.
 */
const FIELD = {
  to: 'to',
  channelDescription: 'cd',
  addressDescription: 'ad',
  extra: 'x',
  provider: 'p',
  code: 'c',
  codeDigest: 'h',
  maxAttempts: 'ma',
  maxGenerate: 'mg',
} as const satisfies Record<keyof OtpFields, string>;

/**
 * The code digest as Redis keeps it: its first 22 base64url characters (132
 * bits, ample for comparing a guess) instead of all 43, which saves a
 * jemalloc size class per record. Verify compares digests cut the same way.
 */
export function storedDigest(digest: string): string {
  return digest.slice(0, 22);
}

const OPTIONAL = new Set<keyof OtpFields>(['to', 'channelDescription', 'addressDescription', 'extra']);

/** Flatten fields into HSET's alternating name/value arguments. */
export function fieldsToArgs(fields: OtpFields): string[] {
  const args: string[] = [];
  for (const name of Object.keys(FIELD) as (keyof OtpFields)[]) {
    // Empty optional fields are left out (recordFromHash reads them back as '' / '{}'); upsert clears old ones.
    if (OPTIONAL.has(name) && (fields[name] === '' || (name === 'extra' && fields.extra === '{}'))) continue;
    args.push(FIELD[name], name === 'codeDigest' ? storedDigest(fields.codeDigest) : String(fields[name]));
  }
  return args;
}

/** Build a StoredOtp from an HGETALL array and a PTTL in milliseconds. */
export function recordFromHash(key: OtpKey, flat: readonly string[], pttlMs: number): StoredOtp {
  const hash = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) hash.set(flat[i] as string, flat[i + 1] as string);
  const text = (name: string): string => hash.get(name) ?? '';
  const int = (name: string): number => Number.parseInt(text(name), 10) || 0;
  return {
    namespace: key.namespace,
    id: key.id,
    to: text(FIELD.to),
    channelDescription: text(FIELD.channelDescription),
    addressDescription: text(FIELD.addressDescription),
    extra: text(FIELD.extra) || '{}',
    provider: text(FIELD.provider),
    code: text(FIELD.code),
    codeDigest: text(FIELD.codeDigest),
    maxAttempts: int(FIELD.maxAttempts),
    maxGenerate: int(FIELD.maxGenerate),
    attempts: int('a'),
    generate: int('g'),
    closed: text('cl') === '1',
    ttlSeconds: Math.max(0, Math.ceil(pttlMs / 1000)),
  };
}
