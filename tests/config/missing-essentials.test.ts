import { validate } from '../../src/config/load';
import { missingEssentials } from '../../src/config/missing-essentials';

describe('missingEssentials', () => {
  test('an empty config lacks a namespace and a provider, each named with how to add it', () => {
    const missing = missingEssentials(validate({}).config);
    expect(missing).toEqual([
      expect.stringMatching(/^NO NAMESPACE IS CONFIGURED: every API call will answer 401\. Add an \[auth\.NAME\] table/),
      expect.stringMatching(/^NO PROVIDER IS ENABLED: every create will answer 400.*enabled = true/),
    ]);
  });

  test('a provider table that is present but not enabled does not count', () => {
    const { config } = validate({ auth: { a: { secret: 'a-secret-of-16-chars' } }, providers: { log: { enabled: false } } });
    expect(missingEssentials(config)).toEqual([expect.stringMatching(/^NO PROVIDER IS ENABLED/)]);
  });

  test('a namespace and an enabled webhook are enough', () => {
    const { config } = validate({ auth: { a: { secret: 'a-secret-of-16-chars' } }, webhooks: { calls: { enabled: true, url: 'http://127.0.0.1:9/x' } } });
    expect(missingEssentials(config)).toEqual([]);
  });
});
