import { ConfigError } from '../../src/config-fields';
import { buildTestGateway } from '../helpers/gateway';
import { webhookTable } from './route-harness';

const KALEYRA = { enabled: true, sid: 'HX1', api_key: 'k', sender: 'ACME', endpoint: 'http://127.0.0.1:9' };
const SMTP = { enabled: true, host: '127.0.0.1', port: 2525, from_email: 'otp@example.com', auth_protocol: 'none' };

/** The config problems a gateway with these tables refuses to start with. */
async function problems(config: Record<string, Record<string, unknown>>): Promise<string[]> {
  try {
    const gw = await buildTestGateway({ store: 'memory', config });
    await gw.close();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a config error');
}

describe('[routes.NAME] config errors, each naming its key', () => {
  it('refuses a route named like a built-in provider or a webhook, naming both', async () => {
    expect(await problems({ webhooks: { sms: webhookTable('http://127.0.0.1:9/x') }, routes: { sms: { providers: ['sms'] }, log: { providers: ['sms'] } } })).toEqual([
      'routes.sms: "sms" is also the name of [webhooks.sms]; choose another route name',
      'routes.log: "log" is also the id of the built-in provider [providers.log]; choose another route name',
    ]);
  });

  it('refuses unknown, disabled and nested members', async () => {
    const found = await problems({
      providers: { kaleyra_sms: { ...KALEYRA, enabled: false } },
      routes: { sms: { providers: ['kaleyra_sms', 'twillio_sms'], prefixes: { '+91': ['other'] } }, other: { providers: ['log'] } },
    });
    expect(found).toEqual([
      'routes.sms.providers: "kaleyra_sms" is disabled: set enabled = true in its table, or remove it from the route',
      'routes.sms.providers: "twillio_sms" is not a provider or webhook of this gateway (enabled: log)',
      'routes.sms.prefixes.+91: "other" is a route: a route lists providers and webhooks, not other routes',
    ]);
  });

  it('refuses members that take different kinds of address, naming the route and the odd provider', async () => {
    expect(await problems({ providers: { kaleyra_sms: KALEYRA, smtp: SMTP }, routes: { otp: { providers: ['kaleyra_sms', 'smtp'] } } })).toEqual([
      'routes.otp.providers: "smtp" takes e-mail addresses, but "kaleyra_sms" takes phone numbers: every provider of a route must take the same kind of address',
    ]);
  });

  it('refuses an empty provider list, malformed prefixes and a bad breaker, through the schema', async () => {
    const found = await problems({ routes: { sms: { providers: [], timeout: 'soon', prefixes: { '91': ['log'], '+44': [] }, breaker: { failures: 0, cooldown: '1m', extra: 1 } } } });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^routes\.sms\.providers: expected the providers to try/),
        expect.stringMatching(/^routes\.sms\.timeout: expected a duration/),
        expect.stringMatching(/^routes\.sms\.prefixes\.91: expected an E\.164 prefix such as "\+91"/),
        expect.stringMatching(/^routes\.sms\.prefixes\.\+44: expected at least one provider/),
        expect.stringMatching(/^routes\.sms\.breaker\.failures: expected an integer 1-/),
      ]),
    );
  });
});
