import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Building blocks of the multi-process Redis topologies (redis-cluster.ts,
 * redis-sentinel.ts): start a redis-server, ask it something through
 * redis-cli, wait for a condition, kill it.
 */

/** One redis-server (or Sentinel) process on a loopback port. */
export interface RedisProcess {
  port: number;
  /** Send `signal` (default SIGTERM) and wait for the exit; nothing if it already exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A temporary folder for configs, cluster state and logs; `remove()` deletes it. */
export function tempDir(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `otp-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Start `redis-server` with `args` (which must make it listen on `port`) and wait until it answers PING;
 * `cli` are the redis-cli options that PING needs (e.g. `--tls --cacert ca.pem` for a TLS-only server).
 */
export async function spawnRedis(port: number, args: string[], cli: string[] = []): Promise<RedisProcess> {
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: RedisProcess = {
    port,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
  try {
    await waitUntil(async () => (await redisCli(port, ...cli, 'PING').catch(() => '')) === 'PONG', 5000, `redis-server on port ${port} to start`);
  } catch (err) {
    await proc.kill('SIGKILL');
    throw err;
  }
  return proc;
}

/** Run one command through `redis-cli` against a loopback port; resolves with its trimmed output. */
export function redisCli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 }, (err, stdout) =>
      err ? reject(err) : resolve(stdout.trim()),
    );
  });
}

/** Poll `check` every 50 ms until it holds; fail naming `what` after `timeoutMs`. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Parse `redis-cli` output of `INFO`-style "key:value" lines into a map. */
export function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}
