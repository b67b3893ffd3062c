import { loadConfig } from '../../src/config/load';
import { configDir, problemsOf, type ConfigDir } from './config-files';

const TENANT = '[auth.MyApp]\nnamespace = "MyApp"\nsecret = "file-secret-of-16-chars"\n';

describe('loading config files', () => {
  let tmp: ConfigDir;
  beforeEach(() => {
    tmp = configDir();
  });
  afterEach(() => tmp.remove());

  it('merges several files in order: later keys win, keys set only earlier survive', () => {
    const base = tmp.write('base.toml', `[app]\notp_ttl = 120\notp_max_attempts = 7\n${TENANT}`);
    const override = tmp.write('override.toml', '[app]\notp_ttl = 600\n[auth.MyApp]\nsecret = "override-secret-of-16-chars"\n');
    const { config, files } = loadConfig({ files: [base, override], env: {} });
    expect(config.app.otp_ttl).toBe(600);
    expect(config.app.otp_max_attempts).toBe(7);
    expect(config.auth.MyApp).toMatchObject({ namespace: 'MyApp', secret: 'override-secret-of-16-chars' });
    expect(files).toEqual([base, override]);
  });

  it('reads config.toml from the working directory when no file is named', () => {
    tmp.write('config.toml', `[app]\notp_ttl = 42\n${TENANT}`);
    const loaded = loadConfig({ files: [], env: {}, cwd: tmp.dir });
    expect(loaded.embedded).toBe(false);
    expect(loaded.config.app.otp_ttl).toBe(42);
  });

  it('falls back to the embedded development defaults when there is no config.toml', () => {
    const loaded = loadConfig({ files: [], env: {}, cwd: tmp.dir });
    expect(loaded.embedded).toBe(true);
    expect(loaded.files).toEqual([]);
    expect(loaded.config.store.backend).toBe('memory');
    expect(loaded.config.providers.log?.enabled).toBe(true);
    expect(loaded.config.auth.dev).toMatchObject({ namespace: 'dev', secret: 'dev-secret' });
    expect(loaded.config.app.address).toMatch(/^127\.0\.0\.1:/);
  });

  it('resolves relative --config paths against the working directory', () => {
    tmp.write('relative.toml', `[app]\notp_ttl = 77\n${TENANT}`);
    expect(loadConfig({ files: ['relative.toml'], env: {}, cwd: tmp.dir }).config.app.otp_ttl).toBe(77);
  });

  it('reads Go duration strings, seconds as numbers, and ports written as strings', () => {
    const file = tmp.write(
      'go.toml',
      `[app]\nserver_timeout = "1m30s"\notp_ttl = "5m"\n[store.redis]\nport = "6380"\ntimeout = "500ms"\n[providers.smtp]\ntimeout = 2\n${TENANT}`,
    );
    const { config } = loadConfig({ files: [file], env: {} });
    expect(config.app.server_timeout).toBe(90_000);
    expect(config.app.otp_ttl).toBe(300);
    expect(config.store.redis.port).toBe(6380);
    expect(config.store.redis.timeout).toBe(500);
    expect(config.providers.smtp?.timeout).toBe(2000);
  });

  it('chooses the Redis store when a [store.redis] table exists and no backend is named', () => {
    const withRedis = tmp.write('redis.toml', `[store.redis]\nhost = "redis.internal"\n${TENANT}`);
    const without = tmp.write('memory.toml', TENANT);
    expect(loadConfig({ files: [withRedis], env: {} }).config.store.backend).toBe('redis');
    expect(loadConfig({ files: [without], env: {} }).config.store.backend).toBe('memory');
  });

  it('returns a frozen config', () => {
    const { config } = loadConfig({ files: [tmp.write('c.toml', TENANT)], env: {} });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.app)).toBe(true);
  });

  it('reports unknown keys and tables as warnings naming the dotted key, not as errors', () => {
    const file = tmp.write('typo.toml', `[app]\notp_tll = 60\n[providers.nope]\nenabled = true\n[extras]\nx = 1\n${TENANT}colour = "red"\n`);
    const { config, warnings } = loadConfig({ files: [file], env: {} });
    expect(config.app.otp_ttl).toBe(300);
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^app\.otp_tll: unknown key/),
        expect.stringMatching(/^providers\.nope: unknown provider/),
        expect.stringMatching(/^extras: unknown table/),
        expect.stringMatching(/^auth\.MyApp\.colour: unknown key/),
      ]),
    );
    expect(warnings).toHaveLength(4);
  });
});

describe('environment overrides', () => {
  let tmp: ConfigDir;
  beforeEach(() => {
    tmp = configDir();
  });
  afterEach(() => tmp.remove());

  it('override file keys, matching each level case-insensitively', () => {
    const file = tmp.write('c.toml', `[app]\naddress = "127.0.0.1:9000"\n${TENANT}`);
    const env = {
      OTP_GATEWAY_APP__ADDRESS: '0.0.0.0:9100',
      otp_gateway_auth__myapp__secret: 'env-secret-of-16-chars',
      OTP_GATEWAY_Store__Redis__Password: 'pw',
    };
    const { config } = loadConfig({ files: [file], env });
    expect(config.app.address).toBe('0.0.0.0:9100');
    expect(config.auth.MyApp?.secret).toBe('env-secret-of-16-chars');
    expect(config.auth.myapp).toBeUndefined();
    expect(config.store.redis.password).toBe('pw');
  });

  it('read numbers and booleans as TOML scalars and keep any other text verbatim', () => {
    const file = tmp.write('c.toml', TENANT);
    const env = {
      OTP_GATEWAY_APP__OTP_TTL: '60',
      OTP_GATEWAY_APP__ENABLE_DEBUG_LOGS: 'true',
      OTP_GATEWAY_AUTH__MYAPP__SECRET: '0123456789012345',
      OTP_GATEWAY_STORE__REDIS__PASSWORD: '1.50',
      OTP_GATEWAY_STORE__REDIS__USERNAME: '12345',
    };
    const { config } = loadConfig({ files: [file], env });
    expect(config.app.otp_ttl).toBe(60);
    expect(config.app.enable_debug_logs).toBe(true);
    expect(config.auth.MyApp?.secret).toBe('0123456789012345');
    expect(config.store.redis.password).toBe('1.50');
    expect(config.store.redis.username).toBe('12345');
  });

  it('create tables that no file has, such as a new tenant', () => {
    const file = tmp.write('c.toml', TENANT);
    const { config } = loadConfig({ files: [file], env: { OTP_GATEWAY_AUTH__OTHER__SECRET: 'other-secret-of-16-chars' } });
    expect(config.auth.other).toMatchObject({ secret: 'other-secret-of-16-chars' });
    expect(config.auth.MyApp?.secret).toBe('file-secret-of-16-chars');
  });

  it('apply over the embedded defaults too', () => {
    const loaded = loadConfig({ files: [], env: { OTP_GATEWAY_APP__ADDRESS: '127.0.0.1:9555' }, cwd: tmp.dir });
    expect(loaded.embedded).toBe(true);
    expect(loaded.config.app.address).toBe('127.0.0.1:9555');
  });

  it('ignore variables without the OTP_GATEWAY_ prefix', () => {
    const { config } = loadConfig({ files: [tmp.write('c.toml', TENANT)], env: { APP__OTP_TTL: '9', OTPGATEWAY_APP__OTP_TTL: '9' } });
    expect(config.app.otp_ttl).toBe(300);
  });

  it('that set a bad value are named in the error next to the key', () => {
    const file = tmp.write('c.toml', TENANT);
    const problems = problemsOf(() => loadConfig({ files: [file], env: { OTP_GATEWAY_PROVIDERS__SMTP__PORT: 'abc' } }));
    expect(problems).toEqual(['providers.smtp.port: expected an integer 1-65535, got "abc" (set by the environment variable OTP_GATEWAY_PROVIDERS__SMTP__PORT)']);
  });
});

describe('a wrong config', () => {
  let tmp: ConfigDir;
  beforeEach(() => {
    tmp = configDir();
  });
  afterEach(() => tmp.remove());

  it('reports every problem at once, one line each, naming the dotted key and what is expected', () => {
    const file = tmp.write(
      'bad.toml',
      [
        '[app]',
        'address = "nowhere"',
        'otp_ttl = "abc"',
        'server_timeout = "5 sec"',
        '[store.redis]',
        'port = 70000',
        '[providers.smtp]',
        'enabled = true',
        'port = "abc"',
        'tls_type = "SSL"',
        'from_email = ""',
        '[auth.a]',
        'secret = ""',
        '[webhooks.calls]',
        'enabled = true',
      ].join('\n'),
    );
    const problems = problemsOf(() => loadConfig({ files: [file], env: {} }));
    expect(problems.sort()).toEqual(
      [
        'app.address: expected "host:port" with a port 0-65535, got "nowhere"',
        'app.otp_ttl: expected a whole number of seconds 1-86400 (or a duration such as "5m"), got "abc"',
        'app.server_timeout: expected a duration such as "5s", "500ms" or "1m", got "5 sec"',
        'auth.a.secret: expected a non-empty secret',
        'providers.smtp.from_email: required when enabled = true',
        'providers.smtp.port: expected an integer 1-65535, got "abc"',
        'providers.smtp.tls_type: expected one of "none", "STARTTLS", "TLS", got "SSL"',
        'store.redis.port: expected an integer 1-65535, got 70000',
        'webhooks.calls.url: required when enabled = true',
      ].sort(),
    );
  });

  it('says which table should have been a table', () => {
    const problems = problemsOf(() => loadConfig({ files: [tmp.write('c.toml', 'app = 5\n')], env: {} }));
    expect(problems).toEqual(['app: expected a table, got 5']);
  });

  it('with broken TOML names the file, line and column', () => {
    const file = tmp.write('broken.toml', '[app]\naddress = "0.0.0.0:9000\n');
    const problems = problemsOf(() => loadConfig({ files: [file], env: {}, cwd: tmp.dir }));
    expect(problems).toHaveLength(1);
    expect(problems).toEqual([
      'broken.toml: not valid TOML at line 2, column 11: the string that starts here is not closed: the line ends before its closing " ' +
        '(a "…" string ends on its own line; use """…""" for text over several lines)',
    ]);
  });

  it('that is missing is named, together with problems of the other files', () => {
    const broken = tmp.write('broken.toml', '[app\n');
    const problems = problemsOf(() => loadConfig({ files: ['missing.toml', broken], env: {}, cwd: tmp.dir }));
    expect(problems).toEqual(['missing.toml: file not found', expect.stringMatching(/^broken\.toml: not valid TOML at line 1/)]);
  });

  it('keeps the unknown-key warnings next to its problems (a misspelt key often explains a missing one)', () => {
    const file = tmp.write('c.toml', '[webhooks.calls]\nenabled = true\nurll = "https://example.com"\n');
    try {
      loadConfig({ files: [file], env: {} });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toMatchObject({ problems: ['webhooks.calls.url: required when enabled = true'], warnings: ['webhooks.calls.urll: unknown key, ignored (did you mean webhooks.calls.url?)'] });
    }
  });
});
