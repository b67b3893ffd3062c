import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

/**
 * A throwaway redis-server for the benchmark (no persistence, loopback only).
 * Deliberately separate from tests/helpers: the benchmark ships on its own.
 */
export interface BenchRedis {
  port: number;
  /** Send one inline command and return the raw reply text. */
  command(line: string): Promise<string>;
  /** `used_memory` from INFO memory, in bytes. */
  usedMemory(): Promise<number>;
  stop(): Promise<void>;
}

/** Ask the OS for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Start redis-server on a free port and wait for it to answer PING. */
export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const command = (line: string): Promise<string> => send(port, line);
  const deadline = Date.now() + 5000;
  while (!(await command('PING').catch(() => '')).startsWith('+PONG')) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not start (is redis-server installed?)`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    command,
    async usedMemory() {
      const info = await command('INFO memory');
      const m = /used_memory:(\d+)/.exec(info);
      if (!m) throw new Error('INFO memory has no used_memory line');
      return Number(m[1]);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** One inline command on a fresh connection; the reply is complete when the socket has been idle briefly. */
function send(port: number, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(2000);
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (d) => {
      reply += d.toString();
      if (isComplete(reply)) {
        socket.destroy();
        resolve(reply);
      }
    });
    socket.on('error', reject);
    socket.on('timeout', () => {
      socket.destroy();
      reject(new Error(`redis did not answer ${line}`));
    });
  });
}

/** A simple-string/integer/error reply ends at its first CRLF; a bulk string when its announced length has arrived. */
function isComplete(reply: string): boolean {
  if (!reply.startsWith('$')) return reply.includes('\r\n');
  const header = reply.indexOf('\r\n');
  if (header < 0) return false;
  const length = Number(reply.slice(1, header));
  return length < 0 || Buffer.byteLength(reply) >= header + 2 + length + 2;
}
