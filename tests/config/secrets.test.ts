import { loadConfig } from '../../src/config/load';
import { configDir, problemsOf, type ConfigDir } from './config-files';

describe('namespace secrets', () => {
  let tmp: ConfigDir;
  beforeEach(() => {
    tmp = configDir();
  });
  afterEach(() => tmp.remove());

  it('are refused below 16 characters, naming the key and the variable that set it, without echoing the secret', () => {
    const file = tmp.write('c.toml', '[auth.shop]\nsecret = "secret-A"\n[auth.ok]\nsecret = "sixteen-chars-ok"\n');
    expect(problemsOf(() => loadConfig({ files: [file], env: {} }))).toEqual([
      'auth.shop.secret: expected at least 16 characters, got 8 (generate one with `otpgateway --new-config` or `openssl rand -hex 24`)',
    ]);
    const problems = problemsOf(() => loadConfig({ files: [file], env: { OTP_GATEWAY_AUTH__OK__SECRET: 'short-one' } }));
    expect(problems).toHaveLength(2);
    expect(problems[1]).toMatch(/^auth\.ok\.secret: expected at least 16 characters, got 9 .*\(set by the environment variable OTP_GATEWAY_AUTH__OK__SECRET\)$/);
    expect(problems.join('\n')).not.toMatch(/secret-A|short-one/);
  });

  it('are refused when they are a published placeholder, whatever their length', () => {
    for (const secret of ['change-this-to-a-long-random-secret', 'myOtherSecretToken', 'dev-secret']) {
      const file = tmp.write('c.toml', `[auth.shop]\nsecret = "${secret}"\n`);
      expect(problemsOf(() => loadConfig({ files: [file], env: {} }))).toEqual([expect.stringMatching(/^auth\.shop\.secret: this is a published placeholder/)]);
    }
  });

  it('are reported together with every other problem of the file', () => {
    const file = tmp.write('c.toml', '[app]\notp_ttl = "soon"\n[auth.shop]\nsecret = "short"\n');
    expect(problemsOf(() => loadConfig({ files: [file], env: {} }))).toEqual([expect.stringMatching(/^app\.otp_ttl: /), expect.stringMatching(/^auth\.shop\.secret: /)]);
  });

  it('keep the embedded development defaults working, and only them, with their published "dev-secret"', () => {
    expect(loadConfig({ files: [], env: {}, cwd: tmp.dir }).config.auth.dev?.secret).toBe('dev-secret');
    expect(problemsOf(() => loadConfig({ files: [], env: { OTP_GATEWAY_AUTH__DEV__SECRET: 'too-short' }, cwd: tmp.dir }))).toEqual([
      expect.stringMatching(/^auth\.dev\.secret: expected at least 16 characters/),
    ]);
  });
});
