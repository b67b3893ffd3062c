import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prettyLine } from '../../src/log/pretty';
import { CLI, CLI_TEST_TIMEOUT_MS } from '../cli/cli-process';
import { freePort } from '../helpers/redis-server';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

describe('pretty logs', () => {
  it('turn a pino JSON line into time, level, message and key=value fields', () => {
    const line = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2, 3, 4, 5, 678), msg: 'redis error', reqId: 'abc', err: 'connect refused', n: 3 });
    expect(prettyLine(line)).toBe('03:04:05.678 WARN  redis error  reqId=abc err="connect refused" n=3\n');
  });

  it('keep a line that is not JSON as it is', () => {
    expect(prettyLine('plain text\n')).toBe('plain text\n');
  });

  it('are what the CLI writes with --pretty-logs, and JSON is what it writes without', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-pretty-'));
    try {
      const run = async (args: string[]): Promise<string> => {
        const port = await freePort();
        const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${port}` } });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', () => out.includes('otpgateway listening on') && resolve());
          child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
        });
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
        return out;
      };
      const pretty = await run(['--pretty-logs']);
      expect(pretty).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  otpgateway listening on 127\.0\.0\.1:\d+ {2}address=/m);
      expect(pretty).not.toMatch(/^\{/m);
      const json = await run([]);
      expect(json.split('\n').filter(Boolean).every((l) => l.startsWith('{'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
