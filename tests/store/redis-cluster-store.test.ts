import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { RedisStore } from '../../src/store/redis-store';
import type { OtpKey, StoreEvent } from '../../src/store/store';
import { redisCli, waitUntil } from '../helpers/redis-processes';
import { freePort } from '../helpers/redis-server';
import { startRedisCluster, type RedisClusterSetup } from '../helpers/redis-cluster';
import { fields, recordOf, RIGHT, sleep, WRONG, DEFAULTS } from './contract-fixtures';
import { testStoreOptions } from './redis-admin';
import { runStoreContract } from './store-contract';

// Starting three redis-servers and joining them into a cluster takes a few seconds.
jest.setTimeout(60_000);

const PREFIX = `cluster-${randomUUID().slice(0, 8)}`;

describe('the Redis store on a 3-master Redis Cluster', () => {
  let cluster: RedisClusterSetup;
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(() => cluster?.stop());

  async function connectClusterStore(keyPrefix = PREFIX, publishKey = ''): Promise<RedisStore> {
    const store = new RedisStore(testStoreOptions({ clusterNodes: cluster.nodes, keyPrefix, publishKey }));
    await store.connect();
    return store;
  }

  runStoreContract(() => connectClusterStore());

  describe('slots', () => {
    // A prefix of its own, so that only this block's keys are counted on the nodes.
    const prefix = `${PREFIX}-slots`;
    let store: RedisStore;
    beforeAll(async () => {
      store = await connectClusterStore(prefix);
    });
    afterAll(() => store.close());

    it('spreads the records of many ids over every master, each whole in the slot of its {namespace:id} tag, and runs every script on each', async () => {
      const keys: OtpKey[] = Array.from({ length: 60 }, (_, i) => ({ namespace: i % 2 ? 'nsA' : 'nsB', id: `spread-${i}-${randomUUID()}` }));
      await Promise.all(keys.map(async (key) => {
        recordOf(await store.upsert(key, fields({ to: '', maxAttempts: 5, maxGenerate: 5 }), 60, DEFAULTS), 'created');
        recordOf(await store.upsert(key, fields({ to: '', maxAttempts: 5, maxGenerate: 5 }), 60, DEFAULTS), 'regenerated');
        recordOf(await store.verify(key, WRONG, { skipDelete: false }), 'incorrect');
        recordOf(await store.setAddress(key, 'someone@example.com'), 'updated');
        recordOf(await store.resend(key), 'resend');
        expect(await store.get(key)).toMatchObject({ attempts: 1, generate: 3, to: 'someone@example.com' });
        recordOf(await store.verify(key, RIGHT, { skipDelete: true }), 'verified');
        expect(await store.takeIfClosed(key)).toMatchObject({ closed: true });
      }));
      // takeIfClosed deleted them: recreate for the placement check, and delete one through DEL.
      await Promise.all(keys.map((key) => store.upsert(key, fields(), 60, DEFAULTS)));
      expect(await store.delete(keys[0] as OtpKey)).toBe(true);

      const perNode = await Promise.all(cluster.ports.map((port) => keysOnNode(port, prefix)));
      expect(perNode.every((found) => found.length > 0)).toBe(true);
      expect(perNode.flat().sort()).toEqual(keys.slice(1).map((k) => store.redisKey(k)).sort());
      for (const key of keys.slice(0, 10)) {
        const redisKey = store.redisKey(key);
        expect(await redisCli(cluster.ports[0] as number, 'CLUSTER', 'KEYSLOT', redisKey)).toBe(await redisCli(cluster.ports[0] as number, 'CLUSTER', 'KEYSLOT', `${key.namespace}:${key.id}`));
      }
    });

    it('falls back to EVAL on nodes whose script cache is empty, and carries on', async () => {
      const keys: OtpKey[] = Array.from({ length: 12 }, (_, i) => ({ namespace: 'nsA', id: `flushed-${i}-${randomUUID()}` }));
      await Promise.all(keys.map((key) => store.upsert(key, fields(), 60, DEFAULTS)));
      // Like a node that joined after the start, or a primary promoted after a failover.
      for (const port of cluster.ports) expect(await redisCli(port, 'SCRIPT', 'FLUSH')).toBe('OK');
      for (const key of keys) expect(recordOf(await store.verify(key, WRONG, { skipDelete: false }), 'incorrect').attempts).toBe(1);
      for (const key of keys) expect(recordOf(await store.verify(key, RIGHT, { skipDelete: false }), 'verified').attempts).toBe(2);
    });

    it('pings every master for its health check, not just one', async () => {
      const pings = (): Promise<number[]> => Promise.all(cluster.ports.map(async (port) =>
        Number(/cmdstat_ping:calls=(\d+)/.exec(await redisCli(port, 'INFO', 'commandstats'))?.[1] ?? 0)));
      const before = await pings();
      await store.ping();
      const after = await pings();
      expect(after.map((n, i) => n - (before[i] as number))).toEqual([1, 1, 1]);
    });
  });

  it('publishes events that a subscriber on any node of the cluster receives', async () => {
    const channel = `events-${randomUUID()}`;
    const store = await connectClusterStore(PREFIX, channel);
    const subscriber = createClient({ socket: { host: '127.0.0.1', port: cluster.ports[2] as number } });
    await subscriber.connect();
    const received: StoreEvent[] = [];
    try {
      await subscriber.subscribe(channel, (message) => received.push(JSON.parse(message) as StoreEvent));
      const events: StoreEvent[] = Array.from({ length: 5 }, (_, i) => ({ type: 'check', namespace: 'nsA', id: `pub-${i}`, data: { attempt: i } }));
      for (const event of events) await store.publish(event);
      for (let i = 0; i < 100 && received.length < events.length; i++) await sleep(20);
      expect(received).toEqual(events);
    } finally {
      await subscriber.close();
      await store.close();
    }
  });

  it('starts while no cluster node answers, waits out nodes not yet joined (503 meanwhile), and connects once the cluster is up', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const store = new RedisStore(testStoreOptions({ clusterNodes: ports.map((port) => `127.0.0.1:${port}`), keyPrefix: `${PREFIX}-late`, timeoutMs: 500 }));
    let late: RedisClusterSetup | undefined;
    try {
      await store.connect();
      await expect(store.ping()).rejects.toMatchObject({ status: 503 });
      await expect(store.upsert({ namespace: 'nsA', id: 'late-000001' }, fields(), 60, DEFAULTS)).rejects.toMatchObject({ status: 503 });
      late = await startRedisCluster({
        ports,
        beforeJoin: async () => {
          // Let the store find the nodes up but without slots, as when a gateway starts beside a cluster being created.
          const topologyQueries = async (): Promise<number> => (await Promise.all(ports.map(async (port) =>
            Number(/cmdstat_cluster\|slots:calls=(\d+)/.exec(await redisCli(port, 'INFO', 'commandstats'))?.[1] ?? 0)))).reduce((a, b) => a + b);
          await waitUntil(async () => (await topologyQueries()) > 0, 5000, 'the store to query the unjoined nodes');
          await expect(store.ping()).rejects.toMatchObject({ status: 503 });
        },
      });
      await waitUntil(() => store.ping().then(() => true, () => false), 10_000, 'the store to connect to the late cluster');
      recordOf(await store.upsert({ namespace: 'nsA', id: 'late-000001' }, fields(), 60, DEFAULTS), 'created');
    } finally {
      await store.close();
      await late?.stop();
    }
  });

  async function keysOnNode(port: number, prefix: string): Promise<string[]> {
    const client = createClient({ socket: { host: '127.0.0.1', port } });
    await client.connect();
    try {
      const keys: string[] = [];
      for await (const page of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) keys.push(...page);
      return keys;
    } finally {
      await client.close();
    }
  }
});
