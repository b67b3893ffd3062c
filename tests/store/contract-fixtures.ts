import { randomUUID } from 'node:crypto';
import type { OtpFields, OtpKey, StoredOtp } from '../../src/store/store';

/** The digest a contract test treats as the right code. */
export const RIGHT = 'digest-of-the-right-code';
/** A digest that never matches RIGHT. */
export const WRONG = 'digest-of-a-wrong-code';

/** A fresh key in namespace `ns` that no other test uses. */
export function freshKey(namespace = 'nsA'): OtpKey {
  return { namespace, id: `id-${randomUUID()}` };
}

/** The budgets a new record gets when its fields set none. */
export const DEFAULTS = { maxAttempts: 5, maxGenerate: 5 };

/** Fields of a record with the given overrides; `codeDigest` defaults to RIGHT. */
export function fields(overrides: Partial<OtpFields> = {}): OtpFields {
  return {
    to: 'john@example.com',
    channelDescription: 'channel text',
    addressDescription: 'address text',
    extra: '{"yes":true}',
    provider: 'log',
    code: '123456',
    codeDigest: RIGHT,
    meta: '{}',
    maxAttempts: 3,
    maxGenerate: 3,
    ...overrides,
  };
}

/**
 * The fields part of a record, for comparing what was written with what is read.
 * `codeDigest` is left out: a store may keep a shortened digest (the Redis store
 * keeps 22 characters to save memory); it is only ever compared, by `verify`.
 */
export function fieldsOf(otp: OtpFields): Omit<OtpFields, 'codeDigest'> {
  const { to, channelDescription, addressDescription, extra, provider, code, meta, maxAttempts, maxGenerate } = otp;
  return { to, channelDescription, addressDescription, extra, provider, code, meta, maxAttempts, maxGenerate };
}

/** Resolve after `ms` milliseconds (waiting for a real TTL to run out, never to assert a duration). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Narrow a result to the variant with a record, failing the test with the actual kind otherwise. */
export function recordOf(result: { kind: string; otp?: StoredOtp }, kind: string): StoredOtp {
  expect(result.kind).toBe(kind);
  if (!result.otp) throw new Error(`expected a record with result ${kind}`);
  return result.otp;
}

/** Count results by kind, e.g. {incorrect: 5, locked: 55}. */
export function countKinds(results: readonly { kind: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  return counts;
}
