import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load';
import { newConfigText } from '../../src/config/new-config';

function load(text: string): ReturnType<typeof loadConfig> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-new-config-'));
  const file = path.join(dir, 'config.toml');
  writeFileSync(file, text);
  return loadConfig({ files: [file], env: {}, cwd: dir });
}

describe('otpgateway --new-config', () => {
  it('prints the complete sample config, which loads without a warning, with a fresh secret_key and namespace secret', () => {
    const text = newConfigText();
    const { config, warnings } = load(text);
    expect(warnings).toEqual([]);
    expect(config.app.secret_key.length).toBeGreaterThanOrEqual(32);
    const tenants = Object.values(config.auth);
    expect(tenants.length).toBeGreaterThan(0);
    for (const tenant of tenants) {
      expect(tenant.secret.length).toBeGreaterThanOrEqual(32);
      expect(tenant.secret).not.toMatch(/change/);
    }
    expect(config.app.secret_key).not.toBe(tenants[0]?.secret);
    // Every documented table is there: it is the sample, not a stub.
    expect(text).toContain('[rate_limit]');
    expect(text).toContain('[providers.pinpoint_sms]');
    // The provider's own secret_key (AWS) is left alone.
    expect(config.providers.pinpoint_sms?.secret_key).toBe('');
  });

  it('writes the namespace the README\'s examples use (namespaces are case-sensitive: MyApp would answer them 401)', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const used = new Set([...readme.matchAll(/curl -u (\w+):/g), ...readme.matchAll(/namespace: '(\w+)'/g)].map((m) => m[1]));
    used.delete('dev');
    expect([...used]).toEqual(['myApp']);
    expect(Object.values(load(newConfigText()).config.auth).map((t) => t.namespace)).toEqual(['myApp']);
    expect(newConfigText({ sample: '[app]\n' })).toMatch(/^\[auth\.myApp\]\nnamespace = "myApp"$/m);
  });

  it('generates different secrets every time', () => {
    const a = load(newConfigText()).config;
    const b = load(newConfigText()).config;
    expect(a.app.secret_key).not.toBe(b.app.secret_key);
    expect(Object.values(a.auth)[0]?.secret).not.toBe(Object.values(b.auth)[0]?.secret);
  });

  it('adds the secrets to a sample that lacks them, and falls back to a minimal config that loads when there is no sample', () => {
    const bare = load(newConfigText({ sample: '[app]\naddress = "127.0.0.1:9000"\n\n[store]\nbackend = "memory"\n\n[providers.log]\nenabled = true\n' })).config;
    expect(bare.app.secret_key.length).toBeGreaterThanOrEqual(32);
    expect(Object.values(bare.auth)[0]?.secret.length).toBeGreaterThanOrEqual(32);
    const minimal = load(newConfigText({ sample: '' })).config;
    expect(minimal.app.secret_key.length).toBeGreaterThanOrEqual(32);
    expect(minimal.rate_limit.sends_per_address).toBe(10);
  });
});
