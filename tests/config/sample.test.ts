import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { loadConfig } from '../../src/config/load';
import { problemsOf } from './config-files';
import { PROVIDER_KINDS } from '../../src/providers/kinds';

const SAMPLE = path.join(__dirname, '..', '..', 'config.sample.toml');

type Table = Record<string, unknown>;

function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Dotted keys the validated config has (defaults included) that the file does not spell out. */
function undocumentedKeys(validated: Table, written: Table, prefix = ''): string[] {
  const missing: string[] = [];
  for (const [key, value] of Object.entries(validated)) {
    const where = prefix ? `${prefix}.${key}` : key;
    if (!(key in written)) missing.push(where);
    else if (isTable(value) && isTable(written[key])) missing.push(...undocumentedKeys(value, written[key], where));
  }
  return missing;
}

describe('config.sample.toml', () => {
  // Its tenant secret is a placeholder: a deployment sets its own (here from the environment, as the sample advises).
  const loaded = loadConfig({ files: [SAMPLE], env: { OTP_GATEWAY_AUTH__MYAPP__SECRET: 'a-real-secret-of-16-chars' } });
  const written = parseToml(readFileSync(SAMPLE, 'utf8')) as Table;

  it('loads without errors or warnings once its secret is set', () => {
    expect(loaded.warnings).toEqual([]);
    expect(loaded.embedded).toBe(false);
  });

  it('never starts with its placeholder secret: a config error naming the key', () => {
    expect(problemsOf(() => loadConfig({ files: [SAMPLE], env: {} }))).toEqual([expect.stringMatching(/^auth\.myApp\.secret: this is a published placeholder, not a secret/)]);
  });

  it('spells out every key the schema knows, in every table', () => {
    expect(undocumentedKeys(loaded.config as unknown as Table, written)).toEqual([]);
  });

  it('has a table for every built-in provider kind and at least one webhook', () => {
    expect(Object.keys(written.providers as Table).sort()).toEqual(Object.keys(PROVIDER_KINDS).sort());
    expect(Object.keys(loaded.config.webhooks).length).toBeGreaterThan(0);
  });

  it('uses the Redis store and keeps the log provider off, as a production config should', () => {
    expect(loaded.config.store.backend).toBe('redis');
    expect(loaded.config.providers.log?.enabled).toBe(false);
  });
});
