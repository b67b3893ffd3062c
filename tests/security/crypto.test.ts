import { AppError } from '../../src/errors';
import { createSealer, randomDigits, randomId } from '../../src/otp/crypto';

const KEY = 'a-test-secret-key-of-at-least-32-characters';

describe('the sealer with a secret key', () => {
  const sealer = createSealer(KEY);

  it('encrypts: the sealed value does not contain the plain text and opens back to it', () => {
    const sealed = sealer.seal('john@example.com');
    expect(sealer.encrypts).toBe(true);
    expect(sealed).not.toContain('john');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(sealer.open(sealed)).toBe('john@example.com');
  });

  it('uses a fresh IV per write: sealing the same value twice gives two different ciphertexts', () => {
    const values = new Set(Array.from({ length: 50 }, () => sealer.seal('123456')));
    expect(values.size).toBe(50);
    for (const v of values) expect(sealer.open(v)).toBe('123456');
  });

  it('refuses a ciphertext altered in the store instead of returning garbage', () => {
    const sealed = sealer.seal('123456');
    // Change a character in the middle (the last one may only carry padding bits).
    const at = sealed.length - 8;
    const altered = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
    expect(() => sealer.open(altered)).toThrow(AppError);
    expect(() => sealer.open('v1.AAAA')).toThrow(AppError);
  });

  it('cannot open what another secret key sealed, and says the OTP is gone rather than failing with a 500', () => {
    const other = createSealer('another-secret-key-of-at-least-32-characters');
    let caught: unknown;
    try {
      other.open(sealer.seal('123456'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).status).toBe(400);
  });

  it('still reads plain values written before the secret key was set', () => {
    expect(sealer.open('john@example.com')).toBe('john@example.com');
  });

  it('leaves the empty address empty (the "ask the user" marker)', () => {
    expect(sealer.seal('')).toBe('');
  });

  it('binds code digests to the namespace, the id and the key', () => {
    const digest = sealer.codeDigest('nsA', 'id-000001', '123456');
    expect(digest).toBe(sealer.codeDigest('nsA', 'id-000001', '123456'));
    expect(digest).not.toBe(sealer.codeDigest('nsB', 'id-000001', '123456'));
    expect(digest).not.toBe(sealer.codeDigest('nsA', 'id-000002', '123456'));
    expect(digest).not.toBe(createSealer('').codeDigest('nsA', 'id-000001', '123456'));
    expect(digest).not.toContain('123456');
  });

  it('derives address tags that are stable, per namespace, keyed, and never contain the address', () => {
    const tag = sealer.addressTag('nsA', '+15550000001');
    expect(tag).toBe(sealer.addressTag('nsA', '+15550000001'));
    expect(tag).not.toBe(sealer.addressTag('nsB', '+15550000001'));
    expect(tag).not.toBe(createSealer('another-secret-key-of-at-least-32-characters').addressTag('nsA', '+15550000001'));
    expect(tag).not.toContain('1555');
  });
});

describe('the sealer without a secret key (compat)', () => {
  const sealer = createSealer('');

  it('stores values as they are', () => {
    expect(sealer.encrypts).toBe(false);
    expect(sealer.seal('john@example.com')).toBe('john@example.com');
    expect(sealer.open('john@example.com')).toBe('john@example.com');
  });
});

describe('random codes and ids', () => {
  it('makes codes of exactly the asked number of digits, leading zeros included', () => {
    const codes = Array.from({ length: 2000 }, () => randomDigits(6));
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    // With 2000 codes, some start with 0 unless the generator drops leading zeros.
    expect(codes.some((c) => c.startsWith('0'))).toBe(true);
  });

  it('uses every digit in every position', () => {
    const seen = Array.from({ length: 6 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) [...randomDigits(6)].forEach((d, pos) => seen[pos]?.add(d));
    for (const digits of seen) expect(digits.size).toBe(10);
  });

  // A generator that maps a byte with `% 10` (no rejection) favours 0-5 by 4%: over 240 000
  // digits that gives a chi-squared near 70; an unbiased one stays far below 42 (p < 1e-6, 9 dof).
  it('draws digits without modulo bias (chi-squared over 240 000 digits)', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 40_000; i++) for (const d of randomDigits(6)) counts[Number(d)] = (counts[Number(d)] ?? 0) + 1;
    const expected = 24_000;
    const chiSquared = counts.reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chiSquared).toBeLessThan(42);
  });

  it('draws id characters without modulo bias (chi-squared over 62 symbols)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) for (const c of randomId()) counts.set(c, (counts.get(c) ?? 0) + 1);
    const expected = (10_000 * 32) / alphabet.length;
    const chiSquared = [...alphabet].reduce((sum, c) => sum + ((counts.get(c) ?? 0) - expected) ** 2 / expected, 0);
    // 61 degrees of freedom: p < 1e-6 at about 125; `% 62` without rejection would score in the thousands.
    expect(chiSquared).toBeLessThan(125);
  });

  it('makes ids of 32 alphanumeric characters', () => {
    expect(randomId()).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(randomId()).not.toBe(randomId());
  });
});
