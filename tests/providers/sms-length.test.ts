import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { validate } from '../../src/config/load';
import { createLogger } from '../../src/log/logger';
import { buildProviders, type ProviderRegistry } from '../../src/providers/registry';
import { measureSmsTemplates, warnLongSmsTemplates } from '../../src/providers/sms-length';

const PINPOINT = { enabled: true, application_id: 'app', region: 'us-east-1', access_key: 'AKID', secret_key: 'secret' };
const SAMPLE = { namespace: 'AcmeShop', ttlSeconds: 300, rootUrl: 'http://localhost:9000' };

function build(providers: Record<string, unknown>, baseDirs: string[] = [process.cwd()]): ProviderRegistry {
  const { config } = validate({ auth: { a: { secret: 'a-secret-of-16-chars' } }, providers });
  return buildProviders(config, { logger: createLogger({ silent: true }), baseDirs });
}

/** Warnings logged by the check, as JSON lines. */
function warnings(registry: ProviderRegistry): Record<string, unknown>[] {
  const lines: string[] = [];
  const logger = createLogger({ destination: new Writable({ write: (chunk: Buffer, _e, done) => void (lines.push(chunk.toString()), done()) }) });
  warnLongSmsTemplates(registry, SAMPLE, logger);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the SMS length check at start', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otp-sms-length-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts the Hindi SMS template as UCS-2, and every built-in SMS fits one segment', async () => {
    const registry = build({ pinpoint_sms: PINPOINT, smtp: { enabled: true } });
    const sizes = measureSmsTemplates(registry, SAMPLE);
    expect(sizes.map((s) => s.lang).sort()).toEqual(['ar', 'de', 'en', 'es', 'fr', 'hi', 'pt-BR']);
    expect(sizes.find((s) => s.lang === 'hi')).toMatchObject({ provider: 'pinpoint_sms', template: 'built-in', encoding: 'UCS-2', segments: 1 });
    expect(sizes.find((s) => s.lang === 'ar')).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(sizes.find((s) => s.lang === 'en')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(sizes.filter((s) => s.segments > 1)).toEqual([]);
    expect(warnings(registry)).toEqual([]);
    await registry.close();
  });

  it('warns, naming the template and the language, when a message would take more than one segment', async () => {
    writeFileSync(path.join(dir, 'sms.txt'), '{{ otp }} is your {{ namespace }} code.');
    writeFileSync(path.join(dir, 'sms.hi.txt'), `{{ otp }} ${'आपका सत्यापन कोड है। '.repeat(4)}`);
    const registry = build({ pinpoint_sms: { ...PINPOINT, template: 'sms.txt' } }, [dir]);
    expect(warnings(registry)).toEqual([
      expect.objectContaining({
        level: 40,
        provider: 'pinpoint_sms',
        template: 'sms.hi.txt',
        lang: 'hi',
        encoding: 'UCS-2',
        segments: 2,
        msg: expect.stringMatching(/^providers\.pinpoint_sms: the SMS template "sms\.hi\.txt" in "hi" takes 2 segments \(\d+ UCS-2 characters; one segment holds 70\)$/),
      }),
    ]);
    await registry.close();
  });
});
