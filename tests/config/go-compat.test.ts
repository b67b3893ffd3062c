import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { createLogger } from '../../src/log/logger';
import { PROVIDER_KINDS } from '../../src/providers/kinds';
import { buildProviders } from '../../src/providers/registry';
import { configDir, problemsOf, type ConfigDir } from './config-files';

// The config.sample.toml of the Go otpgateway v3, byte for byte.
const GO_SAMPLE = path.join(__dirname, '..', 'fixtures', 'go-v3-config.sample.toml');

// Its tenants' secrets are published placeholders, which never start a server: a deployment sets its own.
const SECRETS = { OTP_GATEWAY_AUTH__MYAPP__SECRET: 'my-app-secret-of-16-chars', OTP_GATEWAY_AUTH__MYOTHERAPP__SECRET: 'other-app-secret-of-16-chars' };

describe('the Go otpgateway v3 config.sample.toml', () => {
  const loaded = loadConfig({ files: [GO_SAMPLE], env: SECRETS });
  const { config } = loaded;

  it('loads unchanged with the [app] values the Go server would use', () => {
    expect(config.app).toMatchObject({
      address: '0.0.0.0:9000',
      server_timeout: 5000,
      otp_ttl: 300,
      otp_max_attempts: 5,
      otp_max_generate: 3, // otp_max_resends
      root_url: 'http://localhost:9000',
      logo_url: '',
      favicon_url: '',
    });
  });

  it('selects the Redis store from [store.redis], with its string port and `user` key', () => {
    expect(config.store.backend).toBe('redis');
    expect(config.store.redis).toMatchObject({ host: 'localhost', port: 6379, username: '', password: '', publish_key: '' });
  });

  it('keeps both tenants', () => {
    expect(config.auth).toEqual({
      MyApp: expect.objectContaining({ namespace: 'MyApp', secret: SECRETS.OTP_GATEWAY_AUTH__MYAPP__SECRET }),
      MyOtherApp: expect.objectContaining({ namespace: 'MyOtherApp', secret: SECRETS.OTP_GATEWAY_AUTH__MYOTHERAPP__SECRET }),
    });
  });

  it('refuses its placeholder secrets as they are, naming each key', () => {
    expect(problemsOf(() => loadConfig({ files: [GO_SAMPLE], env: {} }))).toEqual([
      expect.stringMatching(/^auth\.MyApp\.secret: this is a published placeholder/),
      expect.stringMatching(/^auth\.MyOtherApp\.secret: this is a published placeholder/),
    ]);
  });

  it('reads [providers.smtp] with its Go subject, template path and connection settings', () => {
    expect(config.providers.smtp).toMatchObject({
      enabled: true,
      subject: '{{ .Namespace }}: {{ .Channel }} verification',
      template: 'static/smtp.tpl',
      from_email: 'OTP verification <yoursite@yoursite.com>',
      host: 'localhost',
      port: 25,
      auth_protocol: 'cram',
      username: 'smtp-user',
      password: 'smtp-password',
      max_conns: 10,
      timeout: 5000,
      tls_type: 'none',
      tls_skip_verify: false,
    });
  });

  it('reads [webhooks.your_provider], turning request_timeout into timeout', () => {
    expect(config.webhooks.your_provider).toMatchObject({
      enabled: false,
      url: 'https://your-webhook-endpoint:8000',
      max_conns: 10,
      timeout: 5000,
      channel_name: 'Phone call',
      address_name: 'Mobile number',
      max_address_len: 12,
      max_otp_len: 6,
    });
  });

  it('reads the disabled SMS and WhatsApp tables of the provider kinds this build has', () => {
    const providers = config.providers as Record<string, Record<string, unknown> | undefined>;
    const expected: Record<string, Record<string, unknown>> = {
      kaleyra_sms: { enabled: false, sender: 'ZRODHA', template: 'static/sms.txt', timeout: 5000, max_conns: 10 },
      kaleyra_whatsapp: { enabled: false, template_name: 'otp', timeout: 5000 },
      pinpoint_sms: { enabled: false, subject: 'Verification', sms_message_type: 'TRANSACTIONAL', timeout: 5000 },
    };
    for (const [id, values] of Object.entries(expected)) {
      if (id in PROVIDER_KINDS) expect(providers[id]).toMatchObject(values);
    }
  });

  it('warns about nothing but provider tables this build does not know', () => {
    const unknownKinds = ['kaleyra_sms', 'kaleyra_whatsapp', 'pinpoint_sms'].filter((id) => !(id in PROVIDER_KINDS));
    expect(loaded.warnings.sort()).toEqual(unknownKinds.map((id) => expect.stringMatching(new RegExp(`^providers\\.${id}: unknown provider`))));
  });

  it('builds its enabled providers, reading the Go-syntax static/smtp.tpl shipped with the gateway', () => {
    const registry = buildProviders(config, { logger: createLogger({ silent: true }), baseDirs: loaded.baseDirs });
    expect(registry.ids).toEqual(['smtp']);
    const smtp = registry.get('smtp');
    const message = smtp?.templates.base.template.render({
      to: 'jane@example.com',
      namespace: 'MyApp',
      channel: 'E-mail',
      otp: '204518',
      otp_url: 'http://localhost:9000/otp/MyApp/x1?action=check&otp=204518',
      ttl_seconds: 300,
      ttl_minutes: 5,
      extra: {},
    });
    expect(message?.subject).toBe('MyApp: E-mail verification');
    expect(message?.body).toContain('204518');
    expect(message?.body).toContain('jane@example.com');
    expect(message?.text).toContain('204518');
    return registry.close();
  });
});

describe('Go config keys that were renamed', () => {
  let tmp: ConfigDir;
  beforeEach(() => {
    tmp = configDir();
  });
  afterEach(() => tmp.remove());

  it('lose to their new names when a file has both', () => {
    const file = tmp.write(
      'both.toml',
      '[app]\notp_max_resends = 2\notp_max_generate = 4\n[store.redis]\nuser = "old"\nusername = "new"\n[auth.a]\nsecret = "a-secret-of-16-chars"\n',
    );
    const { config, warnings } = loadConfig({ files: [file], env: {} });
    expect(config.app.otp_max_generate).toBe(4);
    expect(config.store.redis.username).toBe('new');
    expect(warnings).toEqual([]);
  });

  it('can be overridden from the environment by their old names', () => {
    const { config } = loadConfig({ files: [GO_SAMPLE], env: { ...SECRETS, OTP_GATEWAY_APP__OTP_MAX_RESENDS: '7', OTP_GATEWAY_STORE__REDIS__USER: 'ops' } });
    expect(config.app.otp_max_generate).toBe(7);
    expect(config.store.redis.username).toBe('ops');
  });
});
