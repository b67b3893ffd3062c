import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../helpers/server-process';

/**
 * The npm route: `npm pack` (its prepack builds) and a global install of the
 * tarball into a temp prefix, then the `otpgateway` bin and `otpgateway/client`
 * used from there, as a user would after `npm install -g ./otpgateway-*.tgz`.
 */

const REPO = path.join(__dirname, '..', '..');
const PACKAGE = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
// Not copied into the packing checkout: build output, dependencies (linked instead) and what is never shipped.
const NOT_COPIED = new Set(['.git', 'node_modules', 'dist', 'coverage', 'tests', 'docs', 'bench', 'examples']);

// pack (a full tsc build) + install take ~25 s alone, much more on a shared machine.
jest.setTimeout(180_000);

function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
  return result;
}

describe('npm pack and a global install of the tarball', () => {
  let work: string;
  let files: string[];
  let prefix: string;
  let installed: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'otpgw-pack-'));
    // Pack from a copy of the checkout, so that prepack's build writes its own dist/, never this one
    // (other test files run the built CLI at the same time).
    const checkout = path.join(work, 'checkout');
    mkdirSync(checkout);
    for (const entry of readdirSync(REPO)) {
      if (!NOT_COPIED.has(entry)) cpSync(path.join(REPO, entry), path.join(checkout, entry), { recursive: true });
    }
    symlinkSync(path.join(REPO, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
    const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', work], checkout).stdout) as { filename: string; files: { path: string }[] }[];
    const tarball = path.join(work, packed[0]?.filename ?? '');
    files = (packed[0]?.files ?? []).map((f) => f.path);

    prefix = path.join(work, 'prefix');
    npm(['install', '-g', '--omit=optional', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund'], work);
    installed = path.join(prefix, 'lib', 'node_modules', PACKAGE.name);
  }, 300_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const bin = (): string => path.join(prefix, 'bin', 'otpgateway');
  const env = (): Record<string, string> => ({ PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`, HOME: work });

  test('the tarball holds the compiled server, its assets and the docs, and no TypeScript sources, tests or benchmarks', () => {
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'config.sample.toml',
      'dist/src/cli.js', 'dist/src/client/index.js', 'dist/src/client/index.d.ts',
      'views/otp.njk', 'static/otp.js', 'templates/email.html',
    ]));
    expect(files.filter((f) => /(^|\/)(tests|bench|src)\//.test(f) && !f.startsWith('dist/src/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    // The client's declarations, and the core's wire types they import (a file that imports nothing).
    expect(files.filter((f) => f.endsWith('.d.ts') && !f.startsWith('dist/src/client/'))).toEqual(['dist/src/otp/types.d.ts']);
  });

  test('`otpgateway --version` prints the package version and `--help` the usage, from the global bin', async () => {
    const version = await runProcess({ command: [bin(), '--version'], cwd: work, env: env() });
    expect(version).toMatchObject({ code: 0 });
    expect(version.stdout).toMatch(new RegExp(`^otpgateway ${PACKAGE.version}\nNode\\.js v\\d+\\.\\d+\\.\\d+ \\(`));
    const help = await runProcess({ command: [bin(), '--help'], cwd: work, env: env() });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: otpgateway \[--config FILE\]/m);
  });

  test('`otpgateway --new-config` works from the installed package (it reads the shipped config.sample.toml)', async () => {
    const printed = await runProcess({ command: [bin(), '--new-config'], cwd: work, env: env() });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^\[providers\.smtp\]$/m);
    expect(printed.stdout).toMatch(/^secret_key = "[\w-]{43}"$/m);
  });

  test('an app next to the installed package loads `otpgateway/client` by require and by import, and nothing else of the package', async () => {
    const app = path.join(work, 'app');
    mkdirSync(path.join(app, 'node_modules'), { recursive: true });
    symlinkSync(installed, path.join(app, 'node_modules', PACKAGE.name), 'dir');
    const script = [
      "const { OTPGatewayClient, OTPGatewayError } = require('otpgateway/client');",
      "const root = require('otpgateway');",
      "new OTPGatewayClient({ baseUrl: 'http://127.0.0.1:9', namespace: 'n', secret: 's' });",
      "let deep = 'exported';",
      "try { require('otpgateway/dist/src/cli.js'); } catch (e) { deep = e.code; }",
      'console.log(typeof OTPGatewayClient, typeof OTPGatewayError, root.OTPGatewayClient === OTPGatewayClient, deep);',
    ].join('\n');
    const cjs = await runProcess({ command: [process.execPath, '-e', script], cwd: app, env: env() });
    expect(cjs).toMatchObject({ code: 0, stdout: 'function function true ERR_PACKAGE_PATH_NOT_EXPORTED\n' });

    writeFileSync(path.join(app, 'esm.mjs'), "import { OTPGatewayClient } from 'otpgateway/client';\nconsole.log(typeof OTPGatewayClient);\n");
    const esm = await runProcess({ command: [process.execPath, 'esm.mjs'], cwd: app, env: env() });
    expect(esm).toMatchObject({ code: 0, stdout: 'function\n' });
  });

  // skipLibCheck keeps this fast; a declaration that failed to resolve would turn the client into `any`,
  // and the @ts-expect-error line below would then be reported as unused.
  test('the shipped declarations type an app that imports `otpgateway/client` (TypeScript, node16 resolution)', () => {
    const app = path.join(work, 'typed-app');
    mkdirSync(path.join(app, 'node_modules'), { recursive: true });
    symlinkSync(installed, path.join(app, 'node_modules', PACKAGE.name), 'dir');
    writeFileSync(path.join(app, 'app.ts'), [
      "import { OTPGatewayClient, OTPGatewayError, type Otp } from 'otpgateway/client';",
      "const client = new OTPGatewayClient({ baseUrl: 'http://gw:9000', namespace: 'n', secret: 's' });",
      "export async function check(id: string, code: string): Promise<Otp | number> {",
      '  try { return await client.verify(id, code); } catch (e) { return e instanceof OTPGatewayError ? e.status : -1; }',
      '}',
      "// @ts-expect-error: `provider` is required",
      "void client.create('an-id-1', { to: 'x@example.com' });",
    ].join('\n'));
    const tsc = require.resolve('typescript/bin/tsc');
    const typeRoots = path.join(REPO, 'node_modules', '@types');
    const result = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
      '--target', 'es2022', '--types', 'node', '--typeRoots', typeRoots, '--skipLibCheck', 'app.ts'], { cwd: app, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
    expect(existsSync(path.join(installed, 'dist', 'src', 'client', 'index.d.ts'))).toBe(true);
  });
});
