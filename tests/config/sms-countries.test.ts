import { validate } from '../../src/config/load';
import { problemsOf } from './config-files';

const AUTH = { myApp: { secret: 'a-secret-of-16-or-more-characters' } };

describe('sms_countries', () => {
  it('reads ISO codes in any case, without repeats, from a list or a comma-separated string (an environment variable)', () => {
    expect(validate({ app: { sms_countries: ['in', 'US', 'IN'] }, auth: AUTH }).config.app.sms_countries).toEqual(['IN', 'US']);
    expect(validate({ app: { sms_countries: 'IN, GB' }, auth: AUTH }).config.app.sms_countries).toEqual(['IN', 'GB']);
  });

  it('is absent on a namespace that has no list, and kept (even empty) on one that has', () => {
    const { config } = validate({ app: { sms_countries: ['IN'] }, auth: { ...AUTH, other: { secret: 'another-secret-of-16-chars', sms_countries: [] } } });
    expect(config.auth.myApp?.sms_countries).toBeUndefined();
    expect(config.auth.other?.sms_countries).toEqual([]);
  });

  it('refuses codes no phone number can have, naming the key and hinting at GB for UK', () => {
    expect(problemsOf(() => validate({ app: { sms_countries: ['UK', 'IN'] }, auth: { myApp: { ...AUTH.myApp, sms_countries: ['XX'] } } })).sort()).toEqual([
      'app.sms_countries: expected ISO 3166-1 alpha-2 country codes such as "IN" or "US" (the United Kingdom is "GB"), got "UK"',
      'auth.myApp.sms_countries: expected ISO 3166-1 alpha-2 country codes such as "IN" or "US", got "XX"',
    ]);
  });
});
