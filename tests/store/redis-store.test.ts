import { randomUUID } from 'node:crypto';
import type { RedisStore } from '../../src/store/redis-store';
import type { OtpKey } from '../../src/store/store';
import { fields, freshKey, recordOf, RIGHT, sleep, WRONG, DEFAULTS } from './contract-fixtures';
import { connectAdmin, connectStore, keysUnder, type AdminClient } from './redis-admin';
import { runStoreContract } from './store-contract';

// One prefix for this file: other test files share the redis-server and never see these keys.
const PREFIX = `redis-store-${randomUUID().slice(0, 8)}`;

describe('the Redis store', () => {
  runStoreContract(() => connectStore(PREFIX));

  describe('on the wire', () => {
    let store: RedisStore;
    let admin: AdminClient;
    beforeAll(async () => {
      store = await connectStore(PREFIX);
      admin = await connectAdmin();
    });
    afterAll(async () => {
      await store.close();
      await admin.close();
    });

    const redisKey = (key: OtpKey): string => `${PREFIX}:{${key.namespace}:${key.id}}`;

    it('stores a record as one hash under {prefix}:{{namespace}:{id}} (a Redis Cluster hash tag)', async () => {
      const key = { namespace: 'nsA', id: `user.42@example:${randomUUID()}` };
      await store.upsert(key, fields(), 60, DEFAULTS);
      expect(store.redisKey(key)).toBe(redisKey(key));
      expect(await admin.type(redisKey(key))).toBe('hash');
      expect(await admin.exists(`${PREFIX}:{nsB:${key.id}}`)).toBe(0);
    });

    it('leaves every key it wrote with a TTL after a full workload', async () => {
      const [a, b, c, d] = [freshKey(), freshKey(), freshKey('nsB'), freshKey()];
      await store.upsert(a, fields({ maxAttempts: 9, maxGenerate: 9 }), 60, DEFAULTS);
      await store.upsert(a, fields({ maxAttempts: 9, maxGenerate: 9 }), 120, DEFAULTS);
      await store.verify(a, WRONG, { skipDelete: false });
      await store.resend(a);
      await store.verify(a, RIGHT, { skipDelete: true });
      await store.get(a);
      await store.takeIfClosed(a);
      await store.upsert(b, fields({ to: '' }), 60, DEFAULTS);
      await store.setAddress(b, 'later@example.com');
      await store.takeIfClosed(b);
      await store.upsert(c, fields(), 60, DEFAULTS);
      await store.verify(c, RIGHT, { skipDelete: true });
      await store.verify(c, RIGHT, { skipDelete: true });
      await store.upsert(d, fields(), 60, DEFAULTS);
      await store.delete(d);

      // The whole prefix: this workload plus whatever the contract suite left behind.
      const keys = await keysUnder(admin, PREFIX);
      expect(keys).toContain(redisKey(b));
      expect(keys).toContain(redisKey(c));
      const withoutTtl: string[] = [];
      for (const k of keys) if ((await admin.pTTL(k)) <= 0) withoutTtl.push(k);
      expect(withoutTtl).toEqual([]);
    });

    it('never recreates a deleted key', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ to: '' }), 60, DEFAULTS);
      await store.delete(key);
      await expectNoStepRecreates(key);
    });

    it('never recreates an expired key', async () => {
      const key = freshKey();
      await store.upsert(key, fields({ to: '' }), 60, DEFAULTS);
      // Let Redis expire it now rather than waiting a whole second.
      await admin.pExpire(redisKey(key), 1);
      await sleep(20);
      await expectNoStepRecreates(key);
    });

    it('never recreates a key deleted by a successful verification', async () => {
      const key = freshKey();
      await store.upsert(key, fields(), 60, DEFAULTS);
      recordOf(await store.verify(key, RIGHT, { skipDelete: false }), 'verified');
      await expectNoStepRecreates(key);
    });

    it('reloads its scripts after SCRIPT FLUSH (NOSCRIPT) and carries on', async () => {
      const key = freshKey();
      await store.upsert(key, fields(), 60, DEFAULTS);
      await admin.scriptFlush();
      expect(recordOf(await store.verify(key, WRONG, { skipDelete: false }), 'incorrect').attempts).toBe(1);
      await admin.scriptFlush();
      recordOf(await store.upsert(key, fields(), 60, DEFAULTS), 'regenerated');
      expect(recordOf(await store.verify(key, RIGHT, { skipDelete: false }), 'verified').attempts).toBe(2);
    });

    async function expectNoStepRecreates(key: OtpKey): Promise<void> {
      expect(await store.verify(key, RIGHT, { skipDelete: true })).toEqual({ kind: 'not_found' });
      expect(await store.verify(key, WRONG, { skipDelete: false })).toEqual({ kind: 'not_found' });
      expect(await store.resend(key)).toEqual({ kind: 'not_found' });
      expect(await store.setAddress(key, 'someone@example.com')).toEqual({ kind: 'not_found' });
      expect(await store.takeIfClosed(key)).toBeNull();
      expect(await store.get(key)).toBeNull();
      expect(await store.delete(key)).toBe(false);
      expect(await admin.exists(redisKey(key))).toBe(0);
    }
  });
});
