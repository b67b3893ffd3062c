import { MemoryStore } from '../../src/store/memory-store';
import { fields, freshKey, recordOf, DEFAULTS } from './contract-fixtures';
import { runStoreContract } from './store-contract';

describe('the memory store', () => {
  runStoreContract(async () => new MemoryStore());

  describe('with a clock of its own', () => {
    let now = 1_000_000;
    let store: MemoryStore;
    beforeEach(() => {
      now = 1_000_000;
      store = new MemoryStore({ now: () => now });
    });
    afterEach(() => store.close());

    it('keeps a record until the last millisecond of its ttl and forgets it after', async () => {
      const key = freshKey();
      await store.upsert(key, fields(), 60, DEFAULTS);
      now += 59_999;
      expect(await store.get(key)).toMatchObject({ ttlSeconds: 1 });
      now += 1;
      expect(await store.get(key)).toBeNull();
      expect(await store.verify(key, 'anything', { skipDelete: false })).toEqual({ kind: 'not_found' });
    });

    it('reports the seconds left, rounded up, and restarts them on regeneration', async () => {
      const key = freshKey();
      await store.upsert(key, fields(), 300, DEFAULTS);
      now += 100_500;
      expect((await store.get(key))?.ttlSeconds).toBe(200);
      expect(recordOf(await store.upsert(key, fields(), 300, DEFAULTS), 'regenerated').ttlSeconds).toBe(300);
    });

    it('does not extend the ttl on verify, setAddress or resend', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ to: '', maxAttempts: 9, maxGenerate: 9 }), 10, DEFAULTS);
      now += 5_000;
      await store.verify(key, 'wrong', { skipDelete: false });
      await store.setAddress(key, 'someone@example.com');
      await store.resend(key);
      now += 5_000;
      expect(await store.get(key)).toBeNull();
    });

    it('refuses new records beyond maxPerNamespace in that namespace only, and makes room as records expire or are deleted', async () => {
      const capped = new MemoryStore({ now: () => now, maxPerNamespace: 2 });
      try {
        const [first, second] = [freshKey('nsA'), freshKey('nsA')];
        await capped.upsert(first, fields(), 1, DEFAULTS);
        await capped.upsert(second, fields(), 60, DEFAULTS);
        expect(await capped.upsert(freshKey('nsA'), fields(), 60, DEFAULTS)).toEqual({ kind: 'full', limit: 2 });
        // A regeneration is not a new record; another namespace has a cap of its own.
        recordOf(await capped.upsert(second, fields(), 60, DEFAULTS), 'regenerated');
        recordOf(await capped.upsert(freshKey('nsB'), fields(), 60, DEFAULTS), 'created');
        now += 1_000;
        const third = freshKey('nsA');
        recordOf(await capped.upsert(third, fields(), 60, DEFAULTS), 'created');
        expect((await capped.upsert(freshKey('nsA'), fields(), 60, DEFAULTS)).kind).toBe('full');
        await capped.delete(third);
        recordOf(await capped.upsert(freshKey('nsA'), fields(), 60, DEFAULTS), 'created');
      } finally {
        await capped.close();
      }
    });

    it('sweeps expired records so they do not hold memory', async () => {
      await store.upsert(freshKey(), fields(), 1, DEFAULTS);
      await store.upsert(freshKey(), fields(), 120, DEFAULTS);
      expect(store.size()).toBe(2);
      now += 1_000;
      expect(store.size()).toBe(1);
    });
  });
});
