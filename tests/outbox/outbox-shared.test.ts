import { randomUUID } from 'node:crypto';
import { create, readOutbox, startOutboxGateway, unlessStillWaiting, type ListeningGateway } from './outbox-helpers';

/** Two gateway instances (each with its own Redis connections) on one Redis and one key prefix. */
describe('two gateway instances on one Redis', () => {
  let one: ListeningGateway;
  let two: ListeningGateway;
  beforeAll(async () => {
    const config = { store: { redis: { key_prefix: `shared-${randomUUID().slice(0, 8)}` } } };
    one = await startOutboxGateway('redis', config);
    two = await startOutboxGateway('redis', config);
  });
  afterAll(async () => {
    await one.close();
    await two.close();
  });

  it('share one outbox: a message kept through one is read through the other', async () => {
    await create(one.url, 'shared-read-1', { provider: 'outbox', to: '+14155550601' });
    const { data } = await readOutbox(two.url, 'id=shared-read-1');
    expect(data.map((m) => [m.id, m.to])).toEqual([['shared-read-1', '+14155550601']]);
  });

  it('wake each other\'s waiters: a wait on one ends when the other keeps the message', async () => {
    const waiting = unlessStillWaiting(readOutbox(two.url, 'id=shared-wait-1&wait=30'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const sent = Date.now();
    await create(one.url, 'shared-wait-1', { provider: 'outbox', to: '+14155550602' });
    const answer = await waiting;
    if (answer === 'still waiting') throw new Error('the wait was not woken by the message');
    console.log(`outbox redis: a wait on instance two answered ${Date.now() - sent} ms after a create on instance one`);
    expect(answer.data.map((m) => m.id)).toEqual(['shared-wait-1']);
  });
});
