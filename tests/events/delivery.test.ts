import { createEventWebhooks, type EventDeliverySettings } from '../../src/events/webhooks';
import { createLogger } from '../../src/log/logger';
import type { Otp } from '../../src/otp/types';
import { startEventReceiver, type EventReceiver } from '../helpers/event-receiver';

/** The delivery queue itself, with short backoffs: retries run out, a full queue drops the oldest; both are counted. */
const quiet = createLogger({ silent: true });

function otp(id: string): Otp {
  return {
    namespace: 'ns', id, to: 'x@example.com', channel_description: '', address_description: '', extra: {}, provider: 'log', delivered_via: 'log',
    max_attempts: 5, attempts: 0, max_generate: 3, generate: 1, closed: false, ttl: 300, url: `http://gw.test/otp/ns/${id}`,
  };
}

describe('event delivery', () => {
  let receiver: EventReceiver;
  beforeEach(async () => {
    receiver = await startEventReceiver();
  });
  afterEach(() => receiver.close());

  /** Send `ids` as otp.created events to the receiver, wait until each was delivered or dropped, and answer the drops. */
  async function deliver(ids: string[], settings: Partial<EventDeliverySettings>): Promise<string[]> {
    const drops: string[] = [];
    const hooks = createEventWebhooks({
      targets: new Map([['ns', { url: receiver.url, secret: 'sixteen-chars-secret' }]]),
      logger: quiet,
      onDropped: (namespace, reason) => drops.push(`${namespace}:${reason}`),
      settings,
    });
    for (const id of ids) hooks.listener({ type: 'otp.created', otp: otp(id) });
    await hooks.idle();
    hooks.close();
    return drops;
  }

  it('tries an event 1 + 3 times against a receiver that keeps answering 500, then drops it and counts it as failed', async () => {
    receiver.answer = () => 500;
    const drops = await deliver(['one-otp'], { backoffMs: 10 });
    expect(receiver.received).toHaveLength(4);
    expect(drops).toEqual(['ns:failed']);
  });

  it('drops the oldest waiting event when the queue is full, and counts it', async () => {
    // 500 rather than a hanging receiver: which events reached it must not depend on the
    // receiver reading a body inside a short timeout (a loaded CI machine once missed otp-4).
    receiver.answer = () => 500;
    const drops = await deliver(Array.from({ length: 5 }, (_, i) => `otp-${i}`), { maxWaiting: 2, concurrency: 1, retries: 0 });
    // All five were queued at once (the first starts only after this tick): three pushed out, two sent and refused.
    expect(drops.filter((d) => d === 'ns:queue_full')).toHaveLength(3);
    expect(drops.filter((d) => d === 'ns:failed')).toHaveLength(2);
    expect(receiver.received.map((r) => r.body.id)).toEqual(['otp-3', 'otp-4']);
  });

  it('gives up on an attempt the receiver never answers after timeoutMs, and counts the event as failed', async () => {
    receiver.answer = () => 'hang';
    const drops = await deliver(['slow-otp'], { timeoutMs: 200, retries: 1, backoffMs: 10 });
    expect(drops).toEqual(['ns:failed']);
  });
});
