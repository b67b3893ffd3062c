import { validate } from '../../src/config/load';
import { configSchema } from '../../src/config/schema';
import { nearestKey, tableKeys } from '../../src/config/unknown-keys';

describe('a misspelt config key', () => {
  test('is ignored with a warning that suggests the nearest known key of its table', () => {
    const { config, warnings } = validate({
      app: { otp_tll: 30 },
      store: { redis: { prot: 6380 } },
      auth: { shop: { secret: 'a-secret-of-16-chars', alowed_origins: [] } },
      providers: { smtp: { hots: 'mail.example' }, smpt: { enabled: true } },
      webhooks: { calls: { urll: 'https://calls.example' } },
      rate_limt: {},
    });
    expect(config.app.otp_ttl).toBe(300);
    expect(warnings).toEqual(expect.arrayContaining([
      'app.otp_tll: unknown key, ignored (did you mean app.otp_ttl?)',
      'store.redis.prot: unknown key, ignored (did you mean store.redis.port?)',
      'auth.shop.alowed_origins: unknown key, ignored (did you mean auth.shop.allowed_origins?)',
      'providers.smtp.hots: unknown key, ignored (did you mean providers.smtp.host?)',
      expect.stringMatching(/^providers\.smpt: unknown provider, ignored \(did you mean providers\.smtp\? built-in providers: smtp, /),
      'webhooks.calls.urll: unknown key, ignored (did you mean webhooks.calls.url?)',
      'rate_limt: unknown table, ignored (did you mean rate_limit?)',
    ]));
  });

  test('that is nothing like a known key gets no suggestion', () => {
    expect(validate({ app: { colour: 'blue' } }).warnings).toEqual(['app.colour: unknown key, ignored']);
  });

  test('is matched whatever its case, and only within a small edit distance', () => {
    expect(nearestKey('OTP_TTL', ['otp_ttl', 'otp_max_attempts'])).toBe('otp_ttl');
    expect(nearestKey('otp_max_attemps', ['otp_ttl', 'otp_max_attempts'])).toBe('otp_max_attempts');
    expect(nearestKey('ttl', ['otp_ttl'])).toBeUndefined();
  });

  test('is looked up among the keys of its own table, through tables of tables', () => {
    expect(tableKeys(configSchema, ['store', 'redis'])).toEqual(expect.arrayContaining(['host', 'port', 'key_prefix']));
    expect(tableKeys(configSchema, ['auth', 'anyName'])).toEqual(expect.arrayContaining(['namespace', 'secret', 'allowed_origins']));
    expect(tableKeys(configSchema, ['app', 'otp_ttl'])).toEqual([]);
  });
});
