import type { OtpFields, OtpKey, StoredOtp } from './store';

type Stored = Omit<OtpFields, 'maxAttempts' | 'maxGenerate'>;

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
  meta: 'm',
} as const satisfies Record<keyof Stored, string>;

/** Hash fields the scripts write themselves: budgets, counters, the closed flag, the last delivering provider. */
export const MAX_ATTEMPTS = 'ma';
export const MAX_GENERATE = 'mg';
const DELIVERED_VIA = 'dv';

/**
 * The code digest as Redis keeps it: its first 22 base64url characters (132
 * bits, ample for comparing a guess) instead of all 43, which saves a
 * jemalloc size class per record. Verify compares digests cut the same way.
 */
export function storedDigest(digest: string): string {
  return digest.slice(0, 22);
}

const OPTIONAL = new Set<keyof Stored>(['to', 'channelDescription', 'addressDescription', 'extra', 'meta']);
const JSON_FIELDS = new Set<keyof Stored>(['extra', 'meta']);

/** Flatten the stored fields into HSET's alternating name/value arguments (budgets go separately, see UPSERT). */
export function fieldsToArgs(fields: OtpFields): string[] {
  const args: string[] = [];
  for (const name of Object.keys(FIELD) as (keyof Stored)[]) {
    // Empty optional fields are left out (recordFromHash reads them back as '' / '{}'); upsert clears old ones.
    if (OPTIONAL.has(name) && (fields[name] === '' || (JSON_FIELDS.has(name) && fields[name] === '{}'))) continue;
    args.push(FIELD[name], name === 'codeDigest' ? storedDigest(fields.codeDigest) : fields[name]);
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
    meta: text(FIELD.meta) || '{}',
    maxAttempts: int(MAX_ATTEMPTS),
    maxGenerate: int(MAX_GENERATE),
    deliveredVia: text(DELIVERED_VIA),
    attempts: int('a'),
    generate: int('g'),
    closed: text('cl') === '1',
    ttlSeconds: Math.max(0, Math.ceil(pttlMs / 1000)),
  };
}
