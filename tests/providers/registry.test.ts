import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config-fields';
import { loadConfig, validate } from '../../src/config/load';
import { createLogger } from '../../src/log/logger';
import { buildProviders, type ProviderRegistry } from '../../src/providers/registry';

const logger = createLogger({ silent: true });

/** Validate raw provider tables (plus one tenant) and build the registry. */
function build(providers: Record<string, unknown>, webhooks: Record<string, unknown> = {}, baseDirs: string[] = [process.cwd()]): ProviderRegistry {
  const { config } = validate({ auth: { a: { secret: 'a-secret-of-16-chars' } }, providers, webhooks });
  return buildProviders(config, { logger, baseDirs });
}

/** The problems of the ConfigError that `fn` must throw. */
function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const KALEYRA = { enabled: true, sid: 'sid', api_key: 'key', sender: 'ACME' };
const PINPOINT = { enabled: true, application_id: 'app', region: 'us-east-1', access_key: 'AKID', secret_key: 'secret' };

describe('building providers at startup', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otp-registry-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds every enabled built-in kind and webhook, and lists their ids sorted', async () => {
    const registry = build(
      { smtp: { enabled: true }, pinpoint_sms: PINPOINT, kaleyra_sms: KALEYRA, kaleyra_whatsapp: { ...KALEYRA, template_name: 'otp' }, log: { enabled: false } },
      { voice: { enabled: true, url: 'http://127.0.0.1:1/hook' }, off: { enabled: false, url: 'http://127.0.0.1:1/x' } },
    );
    expect(registry.ids).toEqual(['kaleyra_sms', 'kaleyra_whatsapp', 'pinpoint_sms', 'smtp', 'voice']);
    expect(registry.get('kaleyra_whatsapp')?.provider.channelName).toBe('WhatsApp');
    expect(registry.get('pinpoint_sms')?.provider.addressName).toBe('Mobile number');
    await registry.close();
  });

  it('reports a template that does not compile as providers.ID.template, with line and column', () => {
    const file = path.join(dir, 'broken.html');
    writeFileSync(file, '<p>{% if %}{{ otp }}</p>');
    expect(problemsOf(() => build({ smtp: { enabled: true, template: file } }))).toEqual([
      'providers.smtp.template: line 1, column 10: unexpected token: %}',
    ]);
  });

  it('reports a subject that does not compile as providers.ID.subject', () => {
    expect(problemsOf(() => build({ kaleyra_sms: { ...KALEYRA, subject: 'Code {{ otp ' } }))).toEqual([
      'providers.kaleyra_sms.subject: expected variable end',
    ]);
  });

  it('reports an unknown filter at startup rather than at send time', () => {
    expect(problemsOf(() => build({}, { voice: { enabled: true, url: 'http://127.0.0.1:1/', subject: '{{ otp | shout }}' } }))).toEqual([
      'webhooks.voice.subject: filter not found: shout',
    ]);
  });

  it('reports a template file that does not exist as providers.ID.template', () => {
    const [problem] = problemsOf(() => build({ pinpoint_sms: { ...PINPOINT, template: 'no/such/sms.txt' } }, {}, [dir]));
    expect(problem).toMatch(/^providers\.pinpoint_sms\.template: template file "no\/such\/sms\.txt" not found \(looked in /);
  });

  it('reports keys that do not fit together under their own key, not under .template', () => {
    expect(problemsOf(() => build({ smtp: { enabled: true, auth_protocol: 'cram' } }))).toEqual([
      'providers.smtp.username: required when auth_protocol = "cram" (or set auth_protocol = "none")',
    ]);
    expect(problemsOf(() => build({ pinpoint_sms: { ...PINPOINT, secret_key: '' } }))).toEqual([
      'providers.pinpoint_sms.secret_key: required when access_key is set',
    ]);
  });

  it('reports every broken provider at once', () => {
    expect(problemsOf(() => build({ smtp: { enabled: true, auth_protocol: 'login', subject: '{{' }, kaleyra_sms: { ...KALEYRA, subject: '{%' } }))).toHaveLength(2);
  });

  it('checks required keys and value shapes of enabled tables only, naming each key', () => {
    expect(() => build({ kaleyra_sms: { enabled: false }, pinpoint_sms: { enabled: false, default_phone_code: '+91' } })).not.toThrow();
    expect(problemsOf(() => build({ kaleyra_sms: { enabled: true, sender: 'ACME' } })).sort()).toEqual([
      'providers.kaleyra_sms.api_key: required when enabled = true',
      'providers.kaleyra_sms.sid: required when enabled = true',
    ]);
    expect(problemsOf(() => build({ kaleyra_whatsapp: { ...KALEYRA } }))).toEqual([
      'providers.kaleyra_whatsapp.template_name: required when enabled = true',
    ]);
    expect(problemsOf(() => build({ pinpoint_sms: { ...PINPOINT, default_phone_code: 'India' } }))).toEqual([
      'providers.pinpoint_sms.default_phone_code: expected a country calling code such as "+91" or "", got "India"',
    ]);
    expect(problemsOf(() => build({ pinpoint_sms: { ...PINPOINT, sms_message_type: 'URGENT' } }))).toEqual([
      'providers.pinpoint_sms.sms_message_type: expected one of "TRANSACTIONAL", "PROMOTIONAL", got "URGENT"',
    ]);
    expect(problemsOf(() => build({ smtp: { enabled: true, tls_type: 'SSL' } }))).toEqual([
      'providers.smtp.tls_type: expected one of "none", "STARTTLS", "TLS", got "SSL"',
    ]);
  });
});

describe('the Go otpgateway v3 shape of the SMS, WhatsApp and webhook tables', () => {
  it('loads and builds unchanged, with request_timeout read as timeout and "+91" as the default phone code', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'otp-go-'));
    const file = path.join(dir, 'config.toml');
    // The Go sample's tables, enabled and with credentials filled in.
    writeFileSync(
      file,
      `[auth.MyApp]\nnamespace = "MyApp"\nsecret = "my-app-secret-of-16-chars"\n
[providers.kaleyra_sms]\nenabled = true\nsubject = ""\ntemplate = "static/sms.txt"\nsender = "ZRODHA"\nsid = "HX1"\napi_key = "k"\ndefault_phone_code = "+91"\nmax_conns = 10\nrequest_timeout = "7s"\n
[providers.kaleyra_whatsapp]\nenabled = true\nsubject = ""\ntemplate = ""\nsender = "ZRODHA"\nsid = "HX1"\napi_key = "k"\ndefault_phone_code = "+91"\ntemplate_name = "otp"\nmax_conns = 10\nrequest_timeout = "5s"\n
[providers.pinpoint_sms]\nenabled = true\nsubject = "Verification"\ntemplate = "static/sms.txt"\napplication_id = "app"\naccess_key = "AKID"\nsecret_key = "s"\nregion = "ap-south-1"\nsms_sender_id = ""\nsms_entity_id = ""\nsms_template_id = ""\nsms_message_type = "TRANSACTIONAL"\ndefault_phone_code = "+91"\nmax_conns = 10\ntimeout = "5s"\n
[webhooks.your_provider]\nenabled = true\nurl = "https://your-webhook-endpoint:8000"\nmax_conns = 10\nrequest_timeout = "3s"\nusername = ""\npassword = ""\nsubject = "{{ .Namespace }}: {{ .Channel }} verification"\ntemplate = ""\nchannel_name = "Phone call"\naddress_name = "Mobile number"\nmax_address_len = 12\nmax_otp_len = 6\n`,
    );
    try {
      const loaded = loadConfig({ files: [file], env: {} });
      expect(loaded.warnings).toEqual([]);
      expect(loaded.config.providers.kaleyra_sms).toMatchObject({ timeout: 7000, default_phone_code: '91' });
      expect(loaded.config.webhooks.your_provider).toMatchObject({ timeout: 3000 });
      const registry = buildProviders(loaded.config, { logger, baseDirs: loaded.baseDirs });
      expect(registry.ids).toEqual(['kaleyra_sms', 'kaleyra_whatsapp', 'pinpoint_sms', 'your_provider']);
      expect(registry.get('kaleyra_sms')?.provider.validateAddress('9876543210')).toEqual({ ok: true, address: '+919876543210' });
      const webhook = registry.get('your_provider');
      expect(webhook?.templates.base.template.render({ to: 't', namespace: 'MyApp', channel: 'Phone call', otp: '1', otp_url: 'u', ttl_seconds: 60, ttl_minutes: 1, extra: {} }).subject).toBe(
        'MyApp: Phone call verification',
      );
      await registry.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
