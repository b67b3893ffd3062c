import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForHealth } from './health';
import { freePort, startBenchRedis, type BenchRedis } from './redis';

/**
 * `npm run bench`: in one run, a real redis-server, the raw node:http ceiling,
 * then the gateway (a child process, like autocannon's target should be) on
 * that Redis: create, verify (wrong code) and status. Prints req/s, p50/p99,
 * errors, non-2xx, the ratio to raw, and Redis bytes per stored OTP.
 *
 * Flags: --duration S (10), --connections N (50), --workers N (1), --otps N (10000),
 * --api-limit N (0: off; N > 0 sets [rate_limit] api_per_namespace = N, so the per-namespace limit runs on every call).
 * BENCH_GATEWAY_NODE_ARGS adds node flags to the gateway (e.g. "--cpu-prof --cpu-prof-dir=prof").
 */

interface Options {
  duration: number;
  connections: number;
  workers: number;
  otps: number;
  'api-limit': number;
}

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  expected: string;
}

const NAMESPACE = 'bench';
const SECRET = 'bench-secret-bench-secret';
const AUTH = `Basic ${Buffer.from(`${NAMESPACE}:${SECRET}`).toString('base64')}`;
const FORM = 'application/x-www-form-urlencoded';
const ROOT = path.resolve(__dirname, '..', '..');

function parseOptions(argv: string[]): Options {
  const options: Options = { duration: 10, connections: 50, workers: 1, otps: 10_000, 'api-limit': 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const name = (argv[i] ?? '').replace(/^--/, '') as keyof Options;
    const value = Number(argv[i + 1]);
    if (!(name in options) || !Number.isFinite(value)) throw new Error(`usage: run.js [--duration S] [--connections N] [--workers N] [--otps N] [--api-limit N]`);
    options[name] = value;
  }
  return options;
}

/** Spawn a node child and wait until `ready()` resolves. */
async function launch(args: string[], ready: (child: ChildProcess) => Promise<void>): Promise<ChildProcess> {
  const extra = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...extra, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await ready(child);
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function call(base: string, method: string, route: string, body: string): Promise<{ status: number; json: { data?: { otp?: string } } }> {
  const res = await fetch(`${base}${route}`, { method, headers: { authorization: AUTH, 'content-type': FORM }, body });
  return { status: res.status, json: (await res.json()) as { data?: { otp?: string } } };
}

async function measure(name: string, expected: string, options: Options, target: autocannon.Options): Promise<Row> {
  await autocannon({ ...target, connections: options.connections, duration: 1 }); // warm-up: JIT, connection pools
  const r = await autocannon({ ...target, connections: options.connections, duration: options.duration });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, expected };
}

async function benchRaw(options: Options): Promise<Row> {
  let port = 0;
  const child = await launch([path.join(__dirname, 'raw-server.js')], (c) =>
    new Promise((resolve) => c.stdout?.once('data', (d: Buffer) => ((port = Number(d.toString().trim())), resolve()))),
  );
  try {
    return await measure('raw node:http', 'all 2xx', options, { url: `http://127.0.0.1:${port}/` });
  } finally {
    await stop(child);
  }
}

async function benchGateway(options: Options, redis: BenchRedis, dir: string): Promise<{ rows: Row[]; bytesPerOtp: number }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = path.join(dir, 'bench.toml');
  writeFileSync(
    config,
    `[app]\naddress = "127.0.0.1:${port}"\nworkers = ${options.workers}\nsecret_key = "${'k'.repeat(40)}"\n` +
      `[store.redis]\nhost = "127.0.0.1"\nport = ${redis.port}\n` +
      `[auth.bench]\nnamespace = "${NAMESPACE}"\nsecret = "${SECRET}"\n` +
      `[providers.log]\nenabled = true\n` +
      `[rate_limit]\napi_per_namespace = ${options['api-limit']}\napi_window = "1m"\n`,
  );
  const child = await launch([path.join(ROOT, 'dist', 'src', 'cli.js'), '--config', config], (c) => {
    c.stdout?.resume(); // logs are not part of the measurement; drain them
    return waitForHealth(base, c);
  });
  try {
    // A record with a huge attempt budget for wrong-code verifies, and a closed one for status.
    const big = await call(base, 'PUT', '/api/otp/bench-verify', 'provider=log&ttl=86400&max_attempts=1000000000');
    const done = await call(base, 'PUT', '/api/otp/bench-status', 'provider=log&ttl=86400');
    const closed = await call(base, 'POST', '/api/otp/bench-status', `otp=${done.json.data?.otp ?? ''}&skip_delete=true`);
    if (big.status !== 200 || done.status !== 200 || closed.status !== 200) throw new Error('benchmark setup requests failed');
    const headers = { authorization: AUTH, 'content-type': FORM };
    const rows = [
      await measure('create (PUT /api/otp)', 'all 2xx', options, { url: `${base}/api/otp`, method: 'PUT', headers, body: 'provider=log' }),
      await measure('verify (wrong code)', 'all 400', options, { url: `${base}/api/otp/bench-verify`, method: 'POST', headers, body: 'otp=not-the-code' }),
      await measure('status (closed)', 'all 2xx', options, { url: `${base}/api/otp/bench-status/status`, method: 'POST', headers, body: '' }),
    ];
    await redis.command('FLUSHALL');
    const before = await redis.usedMemory();
    const fill = await autocannon({ url: `${base}/api/otp`, method: 'PUT', headers, body: 'provider=log', connections: 10, amount: options.otps });
    const after = await redis.usedMemory();
    // OTP records only: with --api-limit the rate limiter keeps a key of its own.
    const keys = Number((await redis.command(`EVAL "return #redis.call('KEYS','OTP:{*')" 0`)).replace(/\D/g, ''));
    if (fill.non2xx || keys !== options.otps) throw new Error(`memory fill: ${fill.non2xx} non-2xx, ${keys} keys for ${options.otps} creates`);
    return { rows, bytesPerOtp: (after - before) / keys };
  } finally {
    await stop(child);
  }
}

function table(rows: Row[], raw: Row): string {
  const lines = [
    '| scenario | req/s | p50 ms | p99 ms | errors | non-2xx | ratio to raw |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const ratio = r === raw ? '1.00' : (r.rps / raw.rps).toFixed(3);
    lines.push(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} (${r.expected}) | ${ratio} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const limit = options['api-limit'] > 0 ? `api_per_namespace = ${options['api-limit']}` : 'api_per_namespace off';
  console.log(`settings: ${options.connections} connections, ${options.duration} s per scenario, gateway workers = ${options.workers}, ${limit}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otpgateway-bench-'));
  const redis = await startBenchRedis();
  try {
    const raw = await benchRaw(options);
    const { rows, bytesPerOtp } = await benchGateway(options, redis, dir);
    console.log(table([raw, ...rows], raw));
    console.log(`Redis memory per stored OTP: ${bytesPerOtp.toFixed(0)} bytes (INFO used_memory delta over ${options.otps} creates)`);
    console.log(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
