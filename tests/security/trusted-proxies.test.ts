import { ConfigError } from '../../src/config-fields';
import { validate } from '../../src/config/load';
import { invalidProxyEntries } from '../../src/security/trusted-proxies';

describe('app.trusted_proxies', () => {
  it('accepts addresses, CIDRs of both families and the names Express knows', () => {
    expect(invalidProxyEntries(['10.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8', '::ffff:127.0.0.1', 'loopback', 'uniquelocal'])).toEqual([]);
  });

  it('names the entries that are not addresses', () => {
    expect(invalidProxyEntries(['proxy.internal', '10.0.0.0/33', '10.0.0.0/8/1', '300.1.1.1', '::1/129', '10.0.0.0/x'])).toEqual([
      'proxy.internal', '10.0.0.0/33', '10.0.0.0/8/1', '300.1.1.1', '::1/129', '10.0.0.0/x',
    ]);
  });

  it('makes a wrong entry a config error naming the key, instead of a crash at startup', () => {
    let caught: unknown;
    try {
      validate({ app: { trusted_proxies: ['10.0.0.0/8', 'proxy.internal'] }, auth: { A: { secret: 'a-secret-of-16-chars' } } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([expect.stringMatching(/^app\.trusted_proxies: .*proxy\.internal/)]);
  });
});
