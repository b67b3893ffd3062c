import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The built CLI (`npm test` builds first; alone: `npx tsc -p tsconfig.json`). */
export const CLI = path.join(__dirname, '..', '..', 'dist', 'src', 'cli.js');

/** How to run the CLI: arguments, extra environment and working directory. */
export interface CliOptions {
  args?: string[];
  /** The program to run, before `args` (default: node with the built CLI; the single executable alone). */
  command?: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** A finished CLI run. */
export interface CliExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A CLI process that is listening. */
export interface RunningCli {
  child: ChildProcess;
  /** `http://host:port` it listens on, from its "listening" log line. */
  url: string;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Parsed JSON log lines written to stdout so far. */
  logs(): Record<string, unknown>[];
  /** Resolve with the log line whose `msg` matches, once it is written. */
  waitForLog(pattern: RegExp): Promise<Record<string, unknown>>;
  /** Send a signal and resolve with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

// A run that is still going after this long is a hung test, not a slow one
// (generous: a CLI start takes ~0.5 s alone but much longer on a machine shared with other builds).
const HARD_LIMIT_MS = 90_000;

/** Per-test timeout for files that spawn the CLI (a bit above HARD_LIMIT_MS). */
export const CLI_TEST_TIMEOUT_MS = 100_000;

function spawnCli(options: CliOptions): ChildProcess {
  const [program, ...leading] = options.command ?? [process.execPath, CLI];
  if (!options.command && !existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.json)`);
  // The test runner's own OTP_GATEWAY_* variables must not leak into the server under test.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^otp_gateway_/i.test(k)) env[k] = v;
  return spawn(program as string, [...leading, ...(options.args ?? [])], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  return { stdout: () => out, stderr: () => err };
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function parseLogs(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Run the CLI to its exit (config errors, --help, --version). */
export async function runCli(options: CliOptions): Promise<CliExit> {
  const child = spawnCli(options);
  const output = collect(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), HARD_LIMIT_MS);
  const code = await exited(child);
  clearTimeout(timer);
  return { code, stdout: output.stdout(), stderr: output.stderr() };
}

/** Start the CLI and resolve once it listens; rejects with its output if it exits first. */
export async function startCli(options: CliOptions): Promise<RunningCli> {
  const child = spawnCli(options);
  const output = collect(child);
  const exit = exited(child);
  const timer = setTimeout(() => child.kill('SIGKILL'), HARD_LIMIT_MS);
  child.once('exit', () => clearTimeout(timer));

  const waitForLog = async (pattern: RegExp): Promise<Record<string, unknown>> => {
    for (;;) {
      const line = parseLogs(output.stdout()).find((l) => pattern.test(String(l.msg)));
      if (line) return line;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the CLI exited (${child.exitCode ?? child.signalCode}) before logging ${pattern}:\n${output.stdout()}${output.stderr()}`);
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          child.stdout?.off('data', wake);
          child.off('exit', wake);
          resolve();
        };
        child.stdout?.once('data', wake);
        child.once('exit', wake);
      });
    }
  };

  const listening = await waitForLog(/^otpgateway listening on /);
  const address = String(listening.address);
  const port = address.slice(address.lastIndexOf(':') + 1);
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    stdout: output.stdout,
    stderr: output.stderr,
    logs: () => parseLogs(output.stdout()),
    waitForLog,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exit;
    },
  };
}

/** Basic auth header value. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
