import type { Store } from '../../src/store/store';
import { countKinds, fields, fieldsOf, freshKey, recordOf, RIGHT, sleep, WRONG, DEFAULTS } from './contract-fixtures';

/** Builds a connected, empty-for-this-test store. */
export type StoreFactory = () => Promise<Store>;

/**
 * The Store contract (src/store/store.ts): every implementation runs this same
 * suite against a real backend. Each test gets a store from `factory` and uses
 * ids of its own, so one backend can serve the whole file.
 */
export function runStoreContract(factory: StoreFactory): void {
  let store: Store;
  beforeEach(async () => {
    store = await factory();
  });
  afterEach(() => store.close());

  describe('create and regenerate', () => {
    it('creates a record with attempts 0, generate 1, open, and the given fields and ttl', async () => {
      const key = freshKey();
      const otp = recordOf(await store.upsert(key, fields(), 60, DEFAULTS), 'created');
      expect(otp).toMatchObject({ ...key, attempts: 0, generate: 1, closed: false });
      expect(fieldsOf(otp)).toEqual(fieldsOf(fields()));
      expect(otp.ttlSeconds).toBeGreaterThan(0);
      expect(otp.ttlSeconds).toBeLessThanOrEqual(60);
      expect(await store.get(key)).toEqual(otp);
    });

    it('regenerates an existing record: fields replaced, reopened, ttl restarted, generate + 1, attempts kept', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 5, maxGenerate: 5 }), 30, DEFAULTS);
      await store.verify(key, WRONG, { skipDelete: false });
      recordOf(await store.verify(key, RIGHT, { skipDelete: true }), 'verified');
      const replaced = fields({ to: 'jane@example.com', code: '654321', codeDigest: 'new-digest', extra: '[1]', maxAttempts: 5, maxGenerate: 5 });
      const otp = recordOf(await store.upsert(key, replaced, 3600, DEFAULTS), 'regenerated');
      expect(fieldsOf(otp)).toEqual(fieldsOf(replaced));
      expect(otp).toMatchObject({ closed: false, generate: 2, attempts: 2 });
      // The new ttl (an hour) applies, not what was left of the old 30 s.
      expect(otp.ttlSeconds).toBeGreaterThan(30);
      // The old code no longer verifies; the new one does.
      expect(recordOf(await store.verify(key, RIGHT, { skipDelete: false }), 'incorrect').attempts).toBe(3);
      expect(recordOf(await store.verify(key, 'new-digest', { skipDelete: false }), 'verified').attempts).toBe(4);
    });

    it('gives a new record the default budgets when its fields set none, and a regeneration keeps the record\'s own', async () => {
      const key = freshKey();
      const created = recordOf(await store.upsert(key, fields({ maxAttempts: undefined, maxGenerate: undefined }), 60, DEFAULTS), 'created');
      expect(created).toMatchObject({ maxAttempts: DEFAULTS.maxAttempts, maxGenerate: DEFAULTS.maxGenerate });
      const other = freshKey();
      await store.upsert(other, fields({ maxAttempts: 3, maxGenerate: 4 }), 60, DEFAULTS);
      const kept = recordOf(await store.upsert(other, fields({ maxAttempts: undefined, maxGenerate: undefined }), 60, DEFAULTS), 'regenerated');
      expect(kept).toMatchObject({ maxAttempts: 3, maxGenerate: 4 });
      const changed = recordOf(await store.upsert(other, fields({ maxAttempts: 7, maxGenerate: undefined }), 60, DEFAULTS), 'regenerated');
      expect(changed).toMatchObject({ maxAttempts: 7, maxGenerate: 4 });
    });

    it('stores the OTP\'s meta text as given, and notes the provider that delivered last without touching the ttl', async () => {
      const key = freshKey();
      const created = recordOf(await store.upsert(key, fields({ meta: '{"lang":"de"}' }), 60, DEFAULTS), 'created');
      expect(created).toMatchObject({ meta: '{"lang":"de"}', deliveredVia: '' });
      await store.recordDelivery(key, 'twilio_sms');
      const read = await store.get(key);
      expect(read).toMatchObject({ meta: '{"lang":"de"}', deliveredVia: 'twilio_sms' });
      expect(read?.ttlSeconds).toBeLessThanOrEqual(60);
      // A regeneration replaces the meta and keeps the last delivering provider (resend goes on from it).
      expect(recordOf(await store.upsert(key, fields(), 60, DEFAULTS), 'regenerated')).toMatchObject({ meta: '{}', deliveredVia: 'twilio_sms' });
      const gone = freshKey();
      await store.recordDelivery(gone, 'twilio_sms');
      expect(await store.get(gone)).toBeNull();
    });

    it('replaces set fields with empty ones on regeneration', async () => {
      const key = freshKey();
      await store.upsert(key, fields(), 60, DEFAULTS);
      const emptied = fields({ to: '', channelDescription: '', addressDescription: '', extra: '{}' });
      expect(fieldsOf(recordOf(await store.upsert(key, emptied, 60, DEFAULTS), 'regenerated'))).toEqual(fieldsOf(emptied));
      expect(recordOf(await store.setAddress(key, 'new@example.com'), 'updated').to).toBe('new@example.com');
    });

    it('keeps ids of different namespaces apart', async () => {
      const a = freshKey('nsA');
      const b = { namespace: 'nsB', id: a.id };
      await store.upsert(a, fields({ to: 'a@example.com' }), 60, DEFAULTS);
      expect(await store.get(b)).toBeNull();
      expect((await store.verify(b, RIGHT, { skipDelete: false })).kind).toBe('not_found');
      recordOf(await store.upsert(b, fields({ to: 'b@example.com' }), 60, DEFAULTS), 'created');
      expect(await store.delete(b)).toBe(true);
      expect((await store.get(a))?.to).toBe('a@example.com');
    });

    it('refuses to regenerate a record out of attempts, and leaves it unchanged', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 2 }), 60, DEFAULTS);
      await store.verify(key, WRONG, { skipDelete: false });
      await store.verify(key, WRONG, { skipDelete: false });
      const otp = recordOf(await store.upsert(key, fields({ code: '999999', codeDigest: 'other' }), 600, DEFAULTS), 'locked');
      expect(otp).toMatchObject({ attempts: 2, maxAttempts: 2, generate: 1, code: '123456' });
      expect(otp.ttlSeconds).toBeLessThanOrEqual(60);
      expect((await store.get(key))?.code).toBe('123456');
    });

    it('refuses to regenerate a record whose new max_attempts would leave no attempt', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 10 }), 60, DEFAULTS);
      await store.verify(key, WRONG, { skipDelete: false });
      await store.verify(key, WRONG, { skipDelete: false });
      // A regenerated code that can never be verified is worse than a refusal.
      expect(recordOf(await store.upsert(key, fields({ maxAttempts: 2 }), 60, DEFAULTS), 'locked')).toMatchObject({ attempts: 2, maxAttempts: 10, generate: 1 });
      expect(recordOf(await store.upsert(key, fields({ maxAttempts: 3 }), 60, DEFAULTS), 'regenerated')).toMatchObject({ attempts: 2, maxAttempts: 3 });
    });

    it('refuses to regenerate a verified record that used its last attempt, instead of reopening it locked', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 2 }), 60, DEFAULTS);
      await store.verify(key, WRONG, { skipDelete: false });
      recordOf(await store.verify(key, RIGHT, { skipDelete: true }), 'verified');
      expect(recordOf(await store.upsert(key, fields({ maxAttempts: 2 }), 60, DEFAULTS), 'locked')).toMatchObject({ attempts: 2, closed: true });
      // A verified record with attempts left regenerates as usual.
      const other = freshKey();
      await store.upsert(other, fields({ maxAttempts: 2 }), 60, DEFAULTS);
      await store.verify(other, RIGHT, { skipDelete: true });
      expect(recordOf(await store.upsert(other, fields({ maxAttempts: 2 }), 60, DEFAULTS), 'regenerated')).toMatchObject({ attempts: 1, closed: false });
    });

    it('refuses to regenerate a record whose generate count reached max_generate', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxGenerate: 2 }), 60, DEFAULTS);
      recordOf(await store.upsert(key, fields({ maxGenerate: 2 }), 60, DEFAULTS), 'regenerated');
      const otp = recordOf(await store.upsert(key, fields({ maxGenerate: 2 }), 60, DEFAULTS), 'locked');
      expect(otp).toMatchObject({ generate: 2, maxGenerate: 2, attempts: 0 });
    });

    it('counts concurrent regenerations of one id against max_generate exactly', async () => {
      const key = freshKey();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.upsert(key, fields({ maxGenerate: 5 }), 60, DEFAULTS)));
      expect(countKinds(results)).toEqual({ created: 1, regenerated: 4, locked: 15 });
      expect((await store.get(key))?.generate).toBe(5);
    });
  });

  describe('verify', () => {
    it('spends one attempt per call, and the last allowed attempt can succeed', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 3 }), 60, DEFAULTS);
      expect(recordOf(await store.verify(key, WRONG, { skipDelete: false }), 'incorrect').attempts).toBe(1);
      expect(recordOf(await store.verify(key, WRONG, { skipDelete: false }), 'incorrect').attempts).toBe(2);
      const otp = recordOf(await store.verify(key, RIGHT, { skipDelete: false }), 'verified');
      expect(otp).toMatchObject({ attempts: 3, closed: true });
    });

    it('is locked once out of attempts, even with the right code, and stops counting', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 2 }), 60, DEFAULTS);
      await store.verify(key, WRONG, { skipDelete: false });
      await store.verify(key, WRONG, { skipDelete: false });
      const otp = recordOf(await store.verify(key, RIGHT, { skipDelete: false }), 'locked');
      expect(otp).toMatchObject({ attempts: 2, closed: false });
      expect((await store.get(key))?.attempts).toBe(2);
    });

    it('deletes the record on success unless skipDelete', async () => {
      const deleted = freshKey();
      await store.upsert(deleted, fields(), 60, DEFAULTS);
      recordOf(await store.verify(deleted, RIGHT, { skipDelete: false }), 'verified');
      expect(await store.get(deleted)).toBeNull();

      const kept = freshKey();
      await store.upsert(kept, fields(), 60, DEFAULTS);
      recordOf(await store.verify(kept, RIGHT, { skipDelete: true }), 'verified');
      expect(await store.get(kept)).toMatchObject({ closed: true, attempts: 1 });
    });

    it('verifies a closed record again with the right code without spending an attempt', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 1 }), 60, DEFAULTS);
      recordOf(await store.verify(key, RIGHT, { skipDelete: true }), 'verified');
      // attempts == max_attempts now, yet the closed record still answers the right code.
      expect(recordOf(await store.verify(key, RIGHT, { skipDelete: true }), 'verified').attempts).toBe(1);
      expect(recordOf(await store.verify(key, RIGHT, { skipDelete: false }), 'verified').attempts).toBe(1);
      expect(await store.get(key)).toBeNull();
    });

    it('counts a wrong code against a closed record', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 3 }), 60, DEFAULTS);
      await store.verify(key, RIGHT, { skipDelete: true });
      expect(recordOf(await store.verify(key, WRONG, { skipDelete: true }), 'incorrect')).toMatchObject({ attempts: 2, closed: true });
    });

    it('answers not_found for an unknown id', async () => {
      expect(await store.verify(freshKey(), RIGHT, { skipDelete: false })).toEqual({ kind: 'not_found' });
    });

    it('never answers more incorrect results than the attempt budget under 60 concurrent wrong guesses', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 5 }), 60, DEFAULTS);
      const results = await Promise.all(Array.from({ length: 60 }, () => store.verify(key, WRONG, { skipDelete: false })));
      expect(countKinds(results)).toEqual({ incorrect: 5, locked: 55 });
      expect((await store.get(key))?.attempts).toBe(5);
    });
  });

  describe('status, cancel, address and resend', () => {
    it('reads a record without changing it', async () => {
      const key = freshKey();
      const created = recordOf(await store.upsert(key, fields(), 60, DEFAULTS), 'created');
      await store.get(key);
      expect(await store.get(key)).toMatchObject({ attempts: 0, generate: 1, closed: false, codeDigest: created.codeDigest });
      expect(await store.get(freshKey())).toBeNull();
    });

    it('takes a closed record once and leaves an open one in place', async () => {
      const key = freshKey();
      await store.upsert(key, fields(), 60, DEFAULTS);
      expect(await store.takeIfClosed(key)).toMatchObject({ closed: false });
      expect(await store.get(key)).not.toBeNull();
      await store.verify(key, RIGHT, { skipDelete: true });
      expect(await store.takeIfClosed(key)).toMatchObject({ closed: true });
      expect(await store.takeIfClosed(key)).toBeNull();
      expect(await store.get(key)).toBeNull();
    });

    it('deletes a record whatever its state and says whether there was one', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ maxAttempts: 1 }), 60, DEFAULTS);
      await store.verify(key, WRONG, { skipDelete: false });
      expect(await store.delete(key)).toBe(true);
      expect(await store.delete(key)).toBe(false);
      expect(await store.get(key)).toBeNull();
    });

    it('sets the address only when the record has none, without extending the ttl', async () => {
      const key = freshKey();
      const created = recordOf(await store.upsert(key, fields({ to: '' }), 20, DEFAULTS), 'created');
      const updated = recordOf(await store.setAddress(key, 'sealed-address'), 'updated');
      expect(updated).toMatchObject({ to: 'sealed-address', generate: 1, attempts: 0 });
      expect(updated.ttlSeconds).toBeLessThanOrEqual(created.ttlSeconds);
      expect(recordOf(await store.setAddress(key, 'another'), 'address_already_set').to).toBe('sealed-address');
      expect(await store.setAddress(freshKey(), 'x')).toEqual({ kind: 'not_found' });
    });

    it('counts a resend against max_generate, and refuses closed and locked records', async () => {
      const key = freshKey();
      const created = recordOf(await store.upsert(key, fields({ maxGenerate: 2 }), 20, DEFAULTS), 'created');
      const resent = recordOf(await store.resend(key), 'resend');
      expect(resent).toMatchObject({ generate: 2, code: created.code });
      expect(resent.ttlSeconds).toBeLessThanOrEqual(created.ttlSeconds);
      expect(recordOf(await store.resend(key), 'locked').generate).toBe(2);

      const outOfAttempts = freshKey();
      await store.upsert(outOfAttempts, fields({ maxAttempts: 1 }), 20, DEFAULTS);
      await store.verify(outOfAttempts, WRONG, { skipDelete: false });
      expect(recordOf(await store.resend(outOfAttempts), 'locked').generate).toBe(1);

      const closed = freshKey();
      await store.upsert(closed, fields(), 20, DEFAULTS);
      await store.verify(closed, RIGHT, { skipDelete: true });
      expect(recordOf(await store.resend(closed), 'closed').generate).toBe(1);
      expect(await store.resend(freshKey())).toEqual({ kind: 'not_found' });
    });

    it('refuses a resend of a record without an address before counting it, however often it is asked', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ to: '', maxGenerate: 2 }), 20, DEFAULTS);
      for (let i = 0; i < 3; i++) expect(recordOf(await store.resend(key), 'no_address').generate).toBe(1);
      // The send budget is intact: the address page's send and one resend still fit.
      await store.setAddress(key, 'sealed-address');
      expect(recordOf(await store.resend(key), 'resend').generate).toBe(2);
    });
  });

  describe('expiry', () => {
    it('forgets a record when its ttl runs out, and no step extends or revives it', async () => {
      const [plain, addressed, resent, attempted, regenerated] = [freshKey(), freshKey(), freshKey(), freshKey(), freshKey()];
      await store.upsert(plain, fields(), 1, DEFAULTS);
      await store.upsert(addressed, fields({ to: '' }), 1, DEFAULTS);
      await store.upsert(resent, fields(), 1, DEFAULTS);
      await store.upsert(attempted, fields(), 1, DEFAULTS);
      await store.upsert(regenerated, fields(), 1, DEFAULTS);
      // A regeneration restarts the ttl: this one must outlive the others.
      await store.upsert(regenerated, fields(), 60, DEFAULTS);
      await store.setAddress(addressed, 'later@example.com');
      await store.resend(resent);
      await store.verify(attempted, WRONG, { skipDelete: false });
      await sleep(1200);

      for (const key of [plain, addressed, resent, attempted]) {
        expect(await store.get(key)).toBeNull();
        expect(await store.verify(key, RIGHT, { skipDelete: true })).toEqual({ kind: 'not_found' });
        expect(await store.setAddress(key, 'x@example.com')).toEqual({ kind: 'not_found' });
        expect(await store.resend(key)).toEqual({ kind: 'not_found' });
        expect(await store.takeIfClosed(key)).toBeNull();
        expect(await store.delete(key)).toBe(false);
      }
      expect(await store.get(regenerated)).toMatchObject({ generate: 2 });
      // After expiry the same id starts over: a new record, not a regeneration.
      expect(recordOf(await store.upsert(attempted, fields(), 60, DEFAULTS), 'created')).toMatchObject({ attempts: 0, generate: 1 });
    });
  });

  describe('send counters (SMS pumping budgets)', () => {
    const counters = (tag: string, limits: number[]): { key: string; limit: number }[] => limits.map((limit, i) => ({ key: `sp:{${tag}}:c${i}`, limit }));

    it('counts a send against every counter, answering their values', async () => {
      const tag = freshKey().id;
      expect(await store.countSends(counters(tag, [3, 5]), 60_000)).toEqual({ kind: 'counted', counts: [1, 1] });
      expect(await store.countSends(counters(tag, [3, 5]), 60_000)).toEqual({ kind: 'counted', counts: [2, 2] });
    });

    it('counts all or none: a full counter refuses, names itself, and the others are not counted', async () => {
      const tag = freshKey().id;
      await store.countSends(counters(tag, [2, 10]), 60_000);
      await store.countSends(counters(tag, [2, 10]), 60_000);
      const over = await store.countSends(counters(tag, [2, 10]), 60_000);
      expect(over).toMatchObject({ kind: 'over', index: 0 });
      if (over.kind !== 'over') throw new Error('expected over');
      expect(over.retryAfterMs).toBeGreaterThan(0);
      expect(over.retryAfterMs).toBeLessThanOrEqual(60_000);
      // The second counter stayed at 2: counted alone it reaches 3.
      expect(await store.countSends([{ key: `sp:{${tag}}:c1`, limit: 10 }], 60_000)).toEqual({ kind: 'counted', counts: [3] });
    });

    it('never lets concurrent sends past a limit', async () => {
      const tag = freshKey().id;
      const results = await Promise.all(Array.from({ length: 30 }, () => store.countSends(counters(tag, [7]), 60_000)));
      expect(results.filter((r) => r.kind === 'counted')).toHaveLength(7);
    });

    it('starts a new window once the old one ends', async () => {
      const tag = freshKey().id;
      await store.countSends(counters(tag, [1]), 200);
      expect((await store.countSends(counters(tag, [1]), 200)).kind).toBe('over');
      await sleep(300);
      expect(await store.countSends(counters(tag, [1]), 200)).toEqual({ kind: 'counted', counts: [1] });
    });
  });
}
