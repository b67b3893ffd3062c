import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../helpers/redis-server';
import { cleanEnv, runProcess } from '../helpers/server-process';
import { atGateway, example, readmeBlocks, REPO } from './readme-blocks';

/**
 * The README's Quick start as a new user follows it: in a fresh copy of the repository (no
 * node_modules, no dist), its first block word for word (`npm ci && npm start`), then in
 * "another terminal" its second block, examples/readme/quick-start.sh, which must verify.
 * The one thing that differs from a reader's machine is the port (OTP_GATEWAY_APP__ADDRESS).
 */

// npm ci of every dependency and a full tsc build: about a minute alone, much more on a shared machine.
jest.setTimeout(420_000);

// What a fresh clone has that matters here: no build output, no dependencies, no git metadata.
const NOT_COPIED = new Set(['.git', 'node_modules', 'dist', 'coverage']);

describe('the Quick start of the README, in a fresh copy of the repository', () => {
  let work: string;
  let server: ChildProcess | undefined;
  let output = '';
  let url: string;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'otpgw-quick-start-'));
    for (const entry of readdirSync(REPO)) {
      if (!NOT_COPIED.has(entry)) cpSync(path.join(REPO, entry), path.join(work, entry), { recursive: true, filter: (src) => !/[/\\](dist|node_modules)$/.test(src) });
    }
    const port = await freePort();
    url = `http://localhost:${port}`;
    const first = readmeBlocks().find((b) => b.text === 'npm ci && npm start\n');
    if (!first) throw new Error('the README has no `npm ci && npm start` block');
    server = spawn('sh', ['-c', first.text], {
      cwd: work,
      // Its own process group, so that npm and the node it starts stop together.
      detached: true,
      env: { ...cleanEnv(), OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${port}`, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', npm_config_prefer_offline: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (/"msg":"otpgateway listening on /.test(output)) resolve();
      };
      server?.stdout?.on('data', check);
      server?.once('exit', (code) => reject(new Error(`npm ci && npm start exited (${code}) before listening:\n${output}`)));
    });
  }, 420_000);
  afterAll(async () => {
    if (server?.pid && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('starts on the embedded development defaults and says so', () => {
    expect(output).toMatch(/EMBEDDED DEVELOPMENT DEFAULTS/);
  });

  it('verifies with the code read from the outbox, as the user reads it from their phone, using nothing but curl and node', async () => {
    const run = await runProcess({ command: ['bash', '-c', atGateway(example('quick-start.sh'), url)], cwd: os.tmpdir(), env: cleanEnv() });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'success', data: { namespace: 'dev', id: 'uniqueIDForJohnDoe', to: '+14155552671', closed: true, attempts: 1 } });
  });
});
