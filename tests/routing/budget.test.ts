import { createLogger } from '../../src/log/logger';
import { DeliveryFailure, type Channel, type Delivery } from '../../src/otp/channels';
import { routeChannel } from '../../src/routing/route-channel';

/**
 * The route's timeout is one budget: when it runs out during a try, no
 * further member is called. A timer can fire a fraction of a millisecond
 * before a second clock says the time is up; a CI run once "tried" the next
 * member with 0.07 ms left. Short timeouts, many times, make that window likely.
 */
const quiet = createLogger({ silent: true });

function member(id: string, deliver: Channel['deliver']): Channel {
  return {
    id,
    labels: { channelName: 'SMS', addressName: 'Mobile number', channelDescription: '', addressDescription: '' },
    otpLength: 6,
    maxAddressLength: 20,
    validateAddress: (to) => ({ ok: true, address: to }),
    deliver,
  };
}

const delivery: Delivery = {
  otp: {
    namespace: 'ns', id: 'budget', to: '+15550001111', channel_description: '', address_description: '', extra: {}, provider: 'sms', delivered_via: '',
    max_attempts: 5, attempts: 0, max_generate: 3, generate: 1, closed: false, ttl: 300, url: 'http://gw.test/otp/ns/budget', otp: '123456',
  },
  to: '+15550001111',
  otpUrl: 'http://gw.test/otp/ns/budget?otp=123456',
};

describe('a route timeout', () => {
  it('never calls the next member once the budget ran out during a try', async () => {
    let secondCalls = 0;
    const hanging = member('first', () => new Promise(() => undefined));
    const second = member('second', async () => {
      secondCalls += 1;
      return { via: 'second' };
    });
    const route = routeChannel({
      name: 'sms',
      members: [hanging, second],
      prefixes: new Map(),
      byId: new Map([['first', hanging], ['second', second]]),
      timeoutMs: 3,
      breakers: new Map(),
      logger: quiet,
    });
    const reasons: string[] = [];
    for (let i = 0; i < 150; i++) {
      const failure = await route.deliver(delivery).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(DeliveryFailure);
      if (failure instanceof DeliveryFailure) reasons.push(failure.message);
    }
    expect(secondCalls).toBe(0);
    expect(new Set(reasons)).toEqual(new Set(["route sms: every provider failed (first: the delivery through route sms timed out after 3 ms; not tried before the route's 3 ms timeout: second)"]));
  });
});
