import { execFile } from 'node:child_process';
import path from 'node:path';
import { freePort } from './redis-server';
import { infoFields, redisCli, spawnRedis, tempDir, waitUntil, type RedisProcess } from './redis-processes';

/** A real Redis Cluster of masters on loopback ports, started for a test file. */
export interface RedisClusterSetup {
  /** "127.0.0.1:port" of every master: the `cluster_nodes` value. */
  nodes: string[];
  ports: number[];
  /** Kill every node and remove their folder. */
  stop(): Promise<void>;
}

/** Options of startRedisCluster. */
export interface RedisClusterOptions {
  /** How many masters (default 3). */
  masters?: number;
  /** The nodes' ports, for a client configured before the cluster exists; free ones by default. */
  ports?: number[];
  /** Run once the nodes are up but before they are joined (their slots still unassigned). */
  beforeJoin?: () => Promise<void>;
}

/**
 * Start cluster-enabled redis-servers (no persistence, no replicas), join
 * them with `redis-cli --cluster create … --cluster-yes` and wait until every
 * node reports `cluster_state:ok`.
 */
export async function startRedisCluster({ masters = 3, ports = [], beforeJoin }: RedisClusterOptions = {}): Promise<RedisClusterSetup> {
  const tmp = tempDir('cluster');
  const processes: RedisProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    tmp.remove();
  };
  try {
    for (let i = 0; i < masters; i++) {
      const [port, busPort] = [ports[i] ?? (await freePort()), await freePort()];
      processes.push(
        await spawnRedis(port, [
          '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
          // The bus port is chosen too: port + 10000 (the default) may be taken or above 65535.
          '--cluster-enabled', 'yes', '--cluster-port', String(busPort),
          '--cluster-config-file', path.join(tmp.dir, `nodes-${port}.conf`), '--cluster-node-timeout', '2000',
          '--dir', tmp.dir, '--logfile', path.join(tmp.dir, `${port}.log`),
        ]),
      );
    }
    const nodes = processes.map((p) => `127.0.0.1:${p.port}`);
    await beforeJoin?.();
    await new Promise<void>((resolve, reject) => {
      execFile('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 20_000 }, (err, _out, stderr) =>
        err ? reject(new Error(`redis-cli --cluster create failed: ${stderr || err.message}`)) : resolve(),
      );
    });
    for (const p of processes) {
      await waitUntil(async () => infoFields(await redisCli(p.port, 'CLUSTER', 'INFO')).get('cluster_state') === 'ok', 10_000, `cluster_state:ok on port ${p.port}`);
    }
    return { nodes, ports: processes.map((p) => p.port), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
