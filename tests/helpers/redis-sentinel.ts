import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './redis-server';
import { infoFields, redisCli, spawnRedis, tempDir, waitUntil, type RedisProcess } from './redis-processes';

/** A primary, one replica and three Sentinels (quorum 2) on loopback ports, started for a test file. */
export interface RedisSentinelSetup {
  /** The name the Sentinels monitor the primary under: the `sentinel_name` value. */
  name: string;
  /** "127.0.0.1:port" of every Sentinel: the `sentinels` value. */
  sentinels: string[];
  primaryPort: number;
  replicaPort: number;
  /** SIGKILL the primary (a crash: no shutdown, no last replication) and wait for it to exit. */
  killPrimary(): Promise<void>;
  /** The port of the primary the Sentinels answer for `name` right now. */
  currentPrimaryPort(): Promise<number>;
  /** Kill everything and remove the folder. */
  stop(): Promise<void>;
}

const NAME = 'otp-primary';

/**
 * Start the topology and wait until every Sentinel knows the replica and the
 * other two Sentinels, so that a failover can happen. Sentinels mark the
 * primary down after 1 s without answers and fail over within a few seconds.
 */
export async function startRedisSentinel(options: { sentinelPassword?: string } = {}): Promise<RedisSentinelSetup> {
  // With a password the Sentinels require AUTH from clients and from each other (`sentinel sentinel-pass`).
  const password = options.sentinelPassword;
  const auth = password ? ['-a', password, '--no-auth-warning'] : [];
  const askSentinel = (port: number, ...args: string[]): Promise<string> => redisCli(port, ...auth, ...args);
  const tmp = tempDir('sentinel');
  const processes: RedisProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    tmp.remove();
  };
  const server = async (extra: string[]): Promise<RedisProcess> => {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmp.dir,
      '--logfile', path.join(tmp.dir, `${port}.log`), '--repl-diskless-sync-delay', '0', ...extra];
    const proc = await spawnRedis(port, args);
    processes.push(proc);
    return proc;
  };
  try {
    const primary = await server([]);
    const replica = await server(['--replicaof', '127.0.0.1', String(primary.port)]);
    await waitUntil(async () => infoFields(await redisCli(replica.port, 'INFO', 'replication')).get('master_link_status') === 'up', 10_000, 'the replica to sync');
    const sentinelPorts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      // Sentinel rewrites its config file, so each gets one of its own.
      const conf = path.join(tmp.dir, `sentinel-${port}.conf`);
      writeFileSync(conf, [
        `port ${port}`, 'bind 127.0.0.1', `dir ${tmp.dir}`, `logfile ${path.join(tmp.dir, `sentinel-${port}.log`)}`,
        `sentinel monitor ${NAME} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${NAME} 1000`,
        `sentinel failover-timeout ${NAME} 3000`,
        `sentinel parallel-syncs ${NAME} 1`,
        ...(password ? [`requirepass ${password}`, `sentinel sentinel-pass ${password}`] : []),
        '',
      ].join('\n'));
      processes.push(await spawnRedis(port, [conf, '--sentinel'], auth));
      sentinelPorts.push(port);
    }
    for (const port of sentinelPorts) {
      await waitUntil(async () => {
        const fields = pairs(await askSentinel(port, 'SENTINEL', 'MASTER', NAME));
        return fields.get('num-slaves') === '1' && fields.get('num-other-sentinels') === '2';
      }, 20_000, `Sentinel ${port} to know the replica and the other Sentinels`);
    }
    const sentinel = sentinelPorts[0] as number;
    return {
      name: NAME,
      sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`),
      primaryPort: primary.port,
      replicaPort: replica.port,
      killPrimary: () => primary.kill('SIGKILL'),
      currentPrimaryPort: async () => Number((await askSentinel(sentinel, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', NAME)).split('\n')[1]),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `redis-cli` prints a flat reply one element a line: read it as name/value pairs. */
function pairs(text: string): Map<string, string> {
  const lines = text.split('\n').map((l) => l.trim());
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < lines.length; i += 2) map.set(lines[i] as string, lines[i + 1] as string);
  return map;
}
