import { startRedisCluster, type RedisClusterSetup } from '../helpers/redis-cluster';
import { TENANTS } from '../helpers/gateway';
import { create, readOutbox, startOutboxGateway, unlessStillWaiting, type ListeningGateway } from './outbox-helpers';

// Starting three redis-servers and joining them into a cluster takes a few seconds.
jest.setTimeout(60_000);

/** The outbox on a 3-master Redis Cluster: both keys of a namespace on one slot, waiters woken through the cluster's pub/sub. */
describe('the outbox on a Redis Cluster', () => {
  let cluster: RedisClusterSetup;
  let one: ListeningGateway;
  let two: ListeningGateway;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    const config = { store: { redis: { cluster_nodes: cluster.nodes, key_prefix: 'cluster-outbox' } } };
    one = await startOutboxGateway('redis', config);
    two = await startOutboxGateway('redis', config);
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await cluster?.stop();
  });

  it('keeps messages of every namespace and shows each only its own', async () => {
    await create(one.url, 'cluster-a-1', { provider: 'outbox', to: '+14155550701' });
    await create(one.url, 'cluster-b-1', { provider: 'outbox', to: '+14155550702' }, TENANTS.b);
    expect((await readOutbox(two.url, '', TENANTS.a)).data.map((m) => m.id)).toEqual(['cluster-a-1']);
    expect((await readOutbox(two.url, '', TENANTS.b)).data.map((m) => m.id)).toEqual(['cluster-b-1']);
  });

  it('wakes a wait on one instance when the other keeps the message', async () => {
    const waiting = unlessStillWaiting(readOutbox(two.url, 'id=cluster-wait-1&wait=30'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await create(one.url, 'cluster-wait-1', { provider: 'outbox', to: '+14155550703' });
    const answer = await waiting;
    if (answer === 'still waiting') throw new Error('the wait was not woken by the message');
    expect(answer.data.map((m) => m.id)).toEqual(['cluster-wait-1']);
  });
});
