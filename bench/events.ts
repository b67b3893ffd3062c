import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForHealth } from './health';
import { freePort } from './redis';

/**
 * `npm run bench:events`: create throughput (PUT /api/otp, memory store) of a
 * gateway without event webhooks, then of one whose namespace's events_url
 * never answers, in one run on one machine. Event delivery must not slow the
 * API (results.md): the two numbers should be close.
 *
 * The two scenarios alternate for --rounds rounds (on a shared machine the load
 * drifts); each row is one measurement, and the summary compares the means.
 *
 * Flags: --duration S (10), --connections N (50), --rounds N (2).
 */

const NAMESPACE = 'bench';
const SECRET = 'bench-secret-bench-secret';
const HEADERS = { authorization: `Basic ${Buffer.from(`${NAMESPACE}:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' };
const ROOT = path.resolve(__dirname, '..', '..');

interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function option(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`usage: events.js [--duration S] [--connections N]`);
  return value;
}

async function benchCreate(name: string, dir: string, eventsUrl: string, duration: number, connections: number): Promise<Row> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const config = path.join(dir, `${name.replace(/\W+/g, '-')}.toml`);
  const events = eventsUrl ? `events_url = "${eventsUrl}"\nevents_secret = "bench-events-secret-0123"\n` : '';
  writeFileSync(
    config,
    `[app]\naddress = "127.0.0.1:${port}"\nmax_otps_per_namespace = 100000000\n` +
      `[store]\nbackend = "memory"\n` +
      `[auth.bench]\nnamespace = "${NAMESPACE}"\nsecret = "${SECRET}"\n${events}` +
      `[providers.log]\nenabled = true\n` +
      `[rate_limit]\napi_per_namespace = 0\nsends_per_address = 0\n`,
  );
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'cli.js'), '--config', config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout?.resume();
  try {
    await waitForHealth(base, child);
    // No `to`: one otp.created event per create, and no message in the log.
    const target = { url: `${base}/api/otp`, method: 'PUT', headers: HEADERS, body: 'provider=log' };
    await autocannon({ ...target, connections, duration: 1 }); // warm-up
    const r = await autocannon({ ...target, connections, duration });
    return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const duration = option(argv, 'duration', 10);
  const connections = option(argv, 'connections', 50);
  const rounds = option(argv, 'rounds', 2);
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`settings: ${connections} connections, ${duration} s per scenario, memory store, create without address`);
  // An events endpoint that accepts every connection and never answers.
  const hanging = new Set<ServerResponse>();
  const sink = createServer((_req, res) => {
    hanging.add(res);
    res.on('close', () => hanging.delete(res));
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/otp-events`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otpgateway-bench-events-'));
  try {
    const rows: Row[] = [];
    for (let round = 0; round < rounds; round++) {
      rows.push(await benchCreate('create, no events_url', dir, '', duration, connections));
      rows.push(await benchCreate('create, events_url hangs', dir, sinkUrl, duration, connections));
    }
    console.log('| scenario | req/s | p50 ms | p99 ms | errors | non-2xx |\n|---|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} |`);
    const mean = (name: string): number => {
      const of = rows.filter((r) => r.name === name);
      return of.reduce((sum, r) => sum + r.rps, 0) / of.length;
    };
    const [without, withHang] = [mean('create, no events_url'), mean('create, events_url hangs')];
    console.log(`mean req/s: no events_url ${Math.round(without)}, events_url hangs ${Math.round(withHang)}; ratio ${(withHang / without).toFixed(3)}`);
    console.log(`requests the events endpoint holds unanswered at the end: ${hanging.size}`);
    console.log(`load after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    for (const res of hanging) res.destroy();
    sink.closeAllConnections();
    sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
