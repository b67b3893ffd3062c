import request from 'supertest';
import { clientKey } from '../../src/security/client-key';
import { buildTestGateway, type TestGateway } from '../helpers/gateway';

describe('the subject of the per-client page limit', () => {
  it('is an IPv4 address as it is, also when it arrives IPv4-mapped', () => {
    expect(clientKey('203.0.113.9')).toBe('203.0.113.9');
    expect(clientKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    const forms = ['2001:db8:1:2::1', '2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:0DB8:0001:0002:0:0:0:9', '2001:db8:1:2::1%eth0'];
    expect(new Set(forms.map(clientKey))).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(clientKey('2001:db8:1:3::1')).not.toBe(clientKey('2001:db8:1:2::1'));
  });

  it('is the text itself when it is not an address', () => {
    expect(clientKey('unknown')).toBe('unknown');
  });
});

describe.each(['memory', 'redis'] as const)('the page limit for IPv6 clients, on the %s store', (store) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({
      store,
      config: { rate_limit: { pages_per_ip: 3, pages_window: '10m' }, app: { trusted_proxies: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] } },
    });
  });
  afterAll(() => gw.close());

  const page = (ip: string): Promise<number> => request(gw.app).get('/otp/nsA/ipv6-000001').set('X-Forwarded-For', ip).then((r) => r.status);

  it('gives a whole /64 one budget, so a new address from the same block gets no fresh one', async () => {
    expect([await page('2001:db8:aa:1::1'), await page('2001:db8:aa:1::2'), await page('2001:db8:aa:1:ffff::3')]).toEqual([404, 404, 404]);
    expect(await page('2001:db8:aa:1::4')).toBe(429);
    expect(await page('2001:db8:aa:1:1234:5678:9abc:def0')).toBe(429);
    // The next /64 is another customer.
    expect(await page('2001:db8:aa:2::1')).toBe(404);
  });

  it('counts an IPv4 client the same whether it arrives as IPv4 or IPv4-mapped IPv6', async () => {
    expect([await page('198.51.100.7'), await page('::ffff:198.51.100.7'), await page('198.51.100.7')]).toEqual([404, 404, 404]);
    expect(await page('::ffff:198.51.100.7')).toBe(429);
    expect(await page('198.51.100.8')).toBe(404);
  });
});
