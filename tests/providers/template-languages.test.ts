import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { validate } from '../../src/config/load';
import { createLogger } from '../../src/log/logger';
import { buildProviders } from '../../src/providers/registry';
import { ConfigError } from '../../src/config-fields';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

/** The message the log provider "sent" for an OTP id. */
function sent(gw: TestGateway, id: string): string {
  const line = gw.logs.find((l) => l.includes('log provider: message') && l.includes(`/${id}?action=check`));
  return line ? String((JSON.parse(line) as { message: string }).message) : '';
}

describe('custom templates per language (sms.txt, sms.de.txt)', () => {
  let dir: string;
  let gw: TestGateway;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otp-template-langs-'));
    writeFileSync(path.join(dir, 'sms.txt'), 'DEFAULT {{ lang }} {{ t("code.resend") }} {{ otp_url }}');
    writeFileSync(path.join(dir, 'sms.de.txt'), 'DEUTSCH {{ otp_url }}');
    writeFileSync(path.join(dir, 'sms.pt-br.txt'), 'PORTUGUES {{ otp_url }}');
    writeFileSync(path.join(dir, 'sms.notes.txt'), 'not a language: ignored');
    gw = await buildTestGateway({
      store: 'memory',
      config: {
        providers: { log: { enabled: true, template: path.join(dir, 'sms.txt') } },
        auth: { B: { ...TENANTS.b, default_language: 'de' } },
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const create = (id: string, fields: Record<string, string>, tenant: { namespace: string; secret: string } = TENANTS.a): Promise<request.Response> =>
    request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(tenant)).type('form').send({ provider: 'log', to: 'x@example.com', ...fields });

  it('picks the file of the OTP\'s language, along its chain', async () => {
    await create('tpl-lang-1', { lang: 'de-AT' });
    expect(sent(gw, 'tpl-lang-1')).toMatch(/^DEUTSCH /);
    await create('tpl-lang-2', { lang: 'pt' });
    expect(sent(gw, 'tpl-lang-2')).toMatch(/^PORTUGUES /);
  });

  it('uses the default file, in the catalog of the language, when no file has it', async () => {
    await create('tpl-lang-3', { lang: 'fr' });
    expect(sent(gw, 'tpl-lang-3')).toMatch(/^DEFAULT fr Renvoyer /);
    await create('tpl-lang-4', {});
    expect(sent(gw, 'tpl-lang-4')).toMatch(/^DEFAULT en Resend /);
  });

  it('follows the namespace default when the OTP has no language', async () => {
    await create('tpl-lang-5', {}, TENANTS.b);
    expect(sent(gw, 'tpl-lang-5')).toMatch(/^DEUTSCH /);
  });

  it('stops the start with the file named when a language file does not compile', () => {
    writeFileSync(path.join(dir, 'broken.txt'), '{{ otp }}');
    writeFileSync(path.join(dir, 'broken.hi.txt'), '{{ otp ');
    const { config } = validate({ auth: { a: { secret: 'a-secret-of-16-chars' } }, providers: { log: { enabled: true, template: 'broken.txt' } } });
    let problems: string[] = [];
    try {
      buildProviders(config, { logger: createLogger({ silent: true }), baseDirs: [dir] });
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
    }
    expect(problems).toEqual([expect.stringMatching(/^providers\.log\.template: broken\.hi\.txt: expected variable end/)]);
  });
});
