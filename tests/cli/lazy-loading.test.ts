import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CLI } from './cli-process';

const DIST = path.dirname(CLI);
const SDKS_AND_METADATA = ['libphonenumber-js/max', '@aws-sdk/client-pinpoint', '@aws-sdk/client-pinpoint-sms-voice-v2'];

/** Run `script` in a fresh node that records the name of every module it requires; its exit code, output and those names. */
function run(script: string): { status: number | null; stdout: string; loaded: string[] } {
  const tracker = `
    const Module = require('node:module');
    const seen = new Set();
    const load = Module._load;
    Module._load = function (request, ...rest) { seen.add(request); return load.call(this, request, ...rest); };
    process.on('exit', () => require('node:fs').writeSync(2, '\\nLOADED ' + JSON.stringify([...seen]) + '\\n'));
  `;
  const result = spawnSync(process.execPath, ['-e', `${tracker}\n${script}`], { encoding: 'utf8', cwd: DIST });
  const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  if (!line) throw new Error(`no module list: ${result.stderr}`);
  return { status: result.status, stdout: result.stdout, loaded: JSON.parse(line.slice('LOADED '.length)) as string[] };
}

/** A script that builds a gateway (memory store) with these provider tables, then closes it. */
function buildWith(providers: Record<string, unknown>): string {
  const raw = { auth: { a: { namespace: 'nsA', secret: 'secret-of-tenant-A' } }, providers };
  return `
    const { validate } = require('./config/load');
    const { buildGateway } = require('./gateway');
    const { createLogger } = require('./log/logger');
    const { config } = validate(${JSON.stringify(raw)});
    buildGateway({ config, baseDirs: [process.cwd()] }, createLogger({ debug: false, destination: { write() {} } })).then((gw) => gw.close());
  `;
}

describe('what the CLI and the gateway load', () => {
  it.each(['--version', '--help'])('answers %s alone without loading the gateway, its config schema, the AWS SDKs or the phone metadata', (flag) => {
    const { status, stdout, loaded } = run(`process.argv = [process.argv[0], ${JSON.stringify(CLI)}, ${JSON.stringify(flag)}]; require(${JSON.stringify(CLI)});`);
    expect(status).toBe(0);
    expect(stdout).toMatch(flag === '--version' ? /^otpgateway \d+\.\d+\.\d+\nNode\.js v/ : /^otpgateway \d+\.\d+\.\d+: self-hosted OTP gateway\n/);
    expect(['express', 'redis', 'pino', 'zod', 'nodemailer', ...SDKS_AND_METADATA].filter((m) => loaded.includes(m))).toEqual([]);
  });

  it('loads no AWS SDK and no phone metadata for a gateway without AWS or phone providers', () => {
    const { status, loaded } = run(buildWith({ log: { enabled: true }, kaleyra_sms: { enabled: false } }));
    expect(status).toBe(0);
    expect(SDKS_AND_METADATA.filter((m) => loaded.includes(m))).toEqual([]);
  });

  it('loads the End User Messaging SDK and the phone metadata once aws_sms is enabled, and only that SDK', () => {
    const { status, loaded } = run(buildWith({ aws_sms: { enabled: true, region: 'eu-west-1', access_key: 'AKID', secret_key: 's', default_phone_code: '+44' } }));
    expect(status).toBe(0);
    expect(SDKS_AND_METADATA.filter((m) => loaded.includes(m))).toEqual(['libphonenumber-js/max', '@aws-sdk/client-pinpoint-sms-voice-v2']);
  });
});
