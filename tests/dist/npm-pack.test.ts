import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runProcess } from '../helpers/server-process';

/**
 * The npm route, for both packages of the workspace: `npm pack` (their prepack builds) of the server
 * (the root package) with a global install of its tarball into a temp prefix, then the `otpgateway`
 * bin used from there; and of the client (packages/client), installed alone into an app.
 */

const REPO = path.join(__dirname, '..', '..');
const PACKAGE = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
const CLIENT = JSON.parse(readFileSync(path.join(REPO, 'packages', 'client', 'package.json'), 'utf8')) as { name: string; version: string };
// Not copied into the packing checkout: build output, dependencies (linked instead) and what is never shipped.
const NOT_COPIED = new Set(['.git', 'node_modules', 'dist', 'coverage', 'tests', 'docs', 'bench', 'examples']);

/** What `npm pack --json` says about one tarball. */
interface Packed {
  tarball: string;
  files: string[];
}

function pack(dir: string, destination: string): Packed {
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', destination], dir).stdout) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(destination, packed[0]?.filename ?? ''), files: (packed[0]?.files ?? []).map((f) => f.path) };
}

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

let work: string;
let server: Packed;
let client: Packed;

beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'otpgw-pack-'));
  // Pack from a copy of the checkout, so that prepack's builds write their own dist/, never this one
  // (other test files run the built CLI and client at the same time).
  const checkout = path.join(work, 'checkout');
  mkdirSync(checkout);
  for (const entry of readdirSync(REPO)) {
    if (!NOT_COPIED.has(entry)) {
      cpSync(path.join(REPO, entry), path.join(checkout, entry), { recursive: true, filter: (src) => !/[/\\](dist|node_modules)$/.test(src) });
    }
  }
  symlinkSync(path.join(REPO, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
  server = pack(checkout, work);
  client = pack(path.join(checkout, 'packages', 'client'), work);
}, 300_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack of the server and a global install of the tarball', () => {
  let prefix: string;
  let installed: string;
  const files = (): string[] => server.files;

  beforeAll(() => {
    prefix = path.join(work, 'prefix');
    npm(['install', '-g', '--omit=optional', '--prefix', prefix, server.tarball, '--prefer-offline', '--no-audit', '--no-fund'], work);
    installed = path.join(prefix, 'lib', 'node_modules', PACKAGE.name);
  }, 300_000);

  const bin = (): string => path.join(prefix, 'bin', 'otpgateway');
  const env = (): Record<string, string> => ({ PATH: `${path.join(prefix, 'bin')}:${process.env.PATH ?? ''}`, HOME: work });

  test('the tarball holds the compiled server, its assets and the docs, and no client, TypeScript sources, tests or benchmarks', () => {
    expect(files()).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'config.sample.toml',
      'dist/src/cli.js', 'views/otp.njk', 'static/otp.js', 'templates/email.html', 'locales/en.json', 'locales/ar.json', 'locales/pt-BR.json',
    ]));
    expect(files().filter((f) => /(^|\/)(tests|bench|src|packages)\//.test(f) && !f.startsWith('dist/src/'))).toEqual([]);
    expect(files().filter((f) => f.endsWith('.ts'))).toEqual([]);
    // The client is a package of its own (otpgateway-client).
    expect(files().filter((f) => f.includes('client/'))).toEqual([]);
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

  test('exports nothing to import: `require(\'otpgateway\')` is refused', async () => {
    const app = path.join(work, 'server-app');
    mkdirSync(path.join(app, 'node_modules'), { recursive: true });
    symlinkSync(installed, path.join(app, 'node_modules', PACKAGE.name), 'dir');
    const script = "try { require('otpgateway'); console.log('loaded'); } catch (e) { console.log(e.code); }";
    expect(await runProcess({ command: [process.execPath, '-e', script], cwd: app, env: env() })).toMatchObject({ code: 0, stdout: 'ERR_PACKAGE_PATH_NOT_EXPORTED\n' });
  });
});

describe('npm pack of the client and an install of it alone into an app', () => {
  let app: string;
  let installOutput: string;
  const env = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: work });

  beforeAll(() => {
    app = path.join(work, 'app');
    mkdirSync(app);
    writeFileSync(path.join(app, 'package.json'), '{"name":"an-app","version":"1.0.0","private":true}\n');
    installOutput = npm(['install', client.tarball, '--prefer-offline', '--no-audit', '--no-fund'], app).stdout;
  }, 300_000);

  test('the tarball holds the compiled client, its declarations and the core\'s wire types, nothing of the server', () => {
    expect(client.files.sort()).toEqual([
      'README.md',
      'dist/client/client.d.ts', 'dist/client/client.js', 'dist/client/errors.d.ts', 'dist/client/errors.js',
      'dist/client/index.d.ts', 'dist/client/index.js', 'dist/client/transport.d.ts', 'dist/client/transport.js',
      'dist/client/types.d.ts', 'dist/client/types.js',
      'dist/client/verify-token.d.ts', 'dist/client/verify-token.js',
      // The OTP wire types, from the core's src/otp/types.ts (a file that imports nothing).
      'dist/otp/types.d.ts',
      'package.json',
    ]);
  });

  test('installs as one package with one dependency, jose (result tokens), which has none', () => {
    expect(installOutput).toMatch(/added 2 packages/);
    expect(readdirSync(path.join(app, 'node_modules')).filter((d) => !d.startsWith('.')).sort()).toEqual(['jose', CLIENT.name].sort());
    const manifest = JSON.parse(readFileSync(path.join(app, 'node_modules', CLIENT.name, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(manifest.dependencies as object)).toEqual(['jose']);
    expect(manifest.peerDependencies).toBeUndefined();
  });

  test('an app loads it by require and by import', async () => {
    const script = [
      `const { OTPGatewayClient, OTPGatewayError } = require('${CLIENT.name}');`,
      "new OTPGatewayClient({ baseUrl: 'http://127.0.0.1:9', namespace: 'n', secret: 's' });",
      'console.log(typeof OTPGatewayClient, typeof OTPGatewayError);',
    ].join('\n');
    expect(await runProcess({ command: [process.execPath, '-e', script], cwd: app, env: env() })).toMatchObject({ code: 0, stdout: 'function function\n' });
    writeFileSync(path.join(app, 'esm.mjs'), `import { OTPGatewayClient } from '${CLIENT.name}';\nconsole.log(typeof OTPGatewayClient);\n`);
    expect(await runProcess({ command: [process.execPath, 'esm.mjs'], cwd: app, env: env() })).toMatchObject({ code: 0, stdout: 'function\n' });
  });

  // skipLibCheck keeps this fast; a declaration that failed to resolve would turn the client into `any`,
  // and the @ts-expect-error line below would then be reported as unused.
  test('its declarations type an app that imports it (TypeScript, node16 resolution), wire types included', () => {
    writeFileSync(path.join(app, 'app.ts'), [
      `import { OTPGatewayClient, OTPGatewayError, type Otp, type CreatedOtp } from '${CLIENT.name}';`,
      "const client = new OTPGatewayClient({ baseUrl: 'http://gw:9000', namespace: 'n', secret: 's' });",
      'export async function check(id: string, code: string): Promise<Otp | number> {',
      '  try { return await client.verify(id, code); } catch (e) { return e instanceof OTPGatewayError ? e.status : -1; }',
      '}',
      "export const code = (created: CreatedOtp): string => created.otp + created.max_attempts.toFixed();",
      '// @ts-expect-error: `provider` is required',
      "void client.create('an-id-1', { to: 'x@example.com' });",
    ].join('\n'));
    const tsc = require.resolve('typescript/bin/tsc');
    const typeRoots = path.join(REPO, 'node_modules', '@types');
    const result = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16',
      '--target', 'es2022', '--types', 'node', '--typeRoots', typeRoots, '--skipLibCheck', 'app.ts'], { cwd: app, encoding: 'utf8' });
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });
});
