import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Run any command that starts the gateway (an installed `otpgateway` bin, the
 * Docker image's ENTRYPOINT + CMD) as a child process: to its exit, or until it
 * logs that it listens. tests/cli/cli-process.ts does the same for dist/src/cli.js.
 */

/** A command line, its working directory and its whole environment. */
export interface ProcessOptions {
  command: string[];
  cwd: string;
  env: Record<string, string>;
}

/** A finished run. */
export interface ProcessExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A gateway process that is listening. */
export interface RunningServer {
  child: ChildProcess;
  /** Parsed JSON log lines written to stdout so far. */
  logs(): Record<string, unknown>[];
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

// A process still running after this long is a hung test, not a slow one (generous for a loaded machine).
const HARD_LIMIT_MS = 90_000;

/** The environment of this process without the test runner's own OTP_GATEWAY_* variables. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^otp_gateway_/i.test(k)) env[k] = v;
  return env;
}

function start(options: ProcessOptions): { child: ChildProcess; out: () => string; err: () => string; exit: Promise<number | null> } {
  const [file, ...args] = options.command;
  if (!file) throw new Error('empty command');
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), HARD_LIMIT_MS);
  const exit = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.once('error', (e) => {
      err += String(e);
      clearTimeout(timer);
      resolve(null);
    });
  });
  return { child, out: () => out, err: () => err, exit };
}

/** Run a command to its exit. */
export async function runProcess(options: ProcessOptions): Promise<ProcessExit> {
  const run = start(options);
  const code = await run.exit;
  return { code, stdout: run.out(), stderr: run.err() };
}

function parseLogs(stdout: string): Record<string, unknown>[] {
  // Complete lines only: a chunk may end in the middle of one.
  return stdout
    .slice(0, stdout.lastIndexOf('\n') + 1)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Start a gateway command and resolve once it logs "otpgateway listening on"; reject with its output if it exits first. */
export async function startServer(options: ProcessOptions): Promise<RunningServer> {
  const run = start(options);
  let exited = false;
  void run.exit.then(() => (exited = true));
  for (;;) {
    if (parseLogs(run.out()).some((l) => /^otpgateway listening on /.test(String(l.msg)))) break;
    if (exited) throw new Error(`${options.command.join(' ')} exited before listening:\n${run.out()}${run.err()}`);
    await Promise.race([new Promise((resolve) => run.child.stdout?.once('data', resolve)), run.exit]);
  }
  return {
    child: run.child,
    logs: () => parseLogs(run.out()),
    async stop() {
      if (!exited) run.child.kill('SIGTERM');
      return run.exit;
    },
  };
}
