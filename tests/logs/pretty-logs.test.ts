import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prettyLine } from '../../src/log/pretty';
import { CLI, CLI_TEST_TIMEOUT_MS, runCli } from '../cli/cli-process';
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

  describe('from the CLI', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-pretty-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Start the CLI with `args` (on a terminal: under `script`, which gives it a pseudo-terminal), stop it once it listens, and return its stdout. */
    const run = async (args: string[], options: { terminal?: boolean } = {}): Promise<string> => {
      const port = await freePort();
      const command = [process.execPath, CLI, ...args];
      const [program, ...rest] = options.terminal ? ['script', '-qec', command.map((a) => `'${a}'`).join(' '), '/dev/null'] : command;
      const child = spawn(program as string, rest, { cwd: dir, detached: true, env: { ...process.env, OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${port}` } });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => out.includes('otpgateway listening on') && resolve());
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      process.kill(-(child.pid as number), 'SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      return out.replace(/\r\n/g, '\n');
    };
    const PRETTY_LISTENING = /^\d\d:\d\d:\d\d\.\d{3} INFO  otpgateway listening on 127\.0\.0\.1:\d+ {2}address=/m;
    const allJson = (out: string): boolean => out.split('\n').filter(Boolean).every((l) => l.startsWith('{'));

    it('are pretty lines when stdout is a terminal, and JSON lines when it is a pipe', async () => {
      const pretty = await run([], { terminal: true });
      expect(pretty).toMatch(PRETTY_LISTENING);
      expect(pretty).not.toMatch(/^\{/m);
      const json = await run([]);
      expect(json).toContain('otpgateway listening on');
      expect(allJson(json)).toBe(true);
    });

    it('follow --log-format json|pretty whatever stdout is, and --pretty-logs is --log-format pretty', async () => {
      expect(await run(['--log-format', 'pretty'])).toMatch(PRETTY_LISTENING);
      expect(await run(['--pretty-logs'])).toMatch(PRETTY_LISTENING);
      const json = await run(['--log-format=json'], { terminal: true });
      expect(json).toContain('otpgateway listening on');
      expect(allJson(json)).toBe(true);
    });

    it('refuse a --log-format other than json or pretty with a usage error (exit 2)', async () => {
      const run = await runCli({ args: ['--log-format', 'xml'], cwd: dir });
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toBe('--log-format needs json or pretty, not "xml".\n');
    });
  });
});
