import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { validate } from '../src/config/load';
import { buildGateway } from '../src/gateway';
import { createLogger } from '../src/log/logger';
import { startBenchRedis } from './redis';

/**
 * Redis memory per in-flight OTP with the outbox on: `INFO memory` before and
 * after N creates with `provider=outbox` (each a record plus a kept message),
 * against the same N creates with the outbox off (the record alone).
 *   npm run build && node dist/bench/outbox-memory.js [N]
 */
const N = Number(process.argv[2] ?? 10_000);
const SECRET = 'bench-secret-bench-secret';

async function measure(withOutbox: boolean): Promise<{ perOtp: number; listBytes: number }> {
  const redis = await startBenchRedis();
  try {
    // The same creates either way (an E.164 address, so the record holds the same sealed `to`); only the provider differs.
    const providers = withOutbox ? { outbox: { enabled: true, max_messages: N, channel_name: 'SMS' } } : { log: { enabled: true } };
    const { config } = validate({
      app: { root_url: 'http://localhost:9000', secret_key: 'k'.repeat(40) },
      store: { backend: 'redis', redis: { host: '127.0.0.1', port: redis.port, key_prefix: 'otpgw' } },
      auth: { bench: { secret: SECRET } },
      providers,
    });
    const gateway = await buildGateway({ config, baseDirs: [process.cwd()] }, createLogger({ silent: true }));
    const server = http.createServer(gateway.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const auth = `Basic ${Buffer.from(`bench:${SECRET}`).toString('base64')}`;
    const before = await redis.usedMemory();
    // A bounded pool: 50 creates in flight at a time.
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < N) {
        const i = next++;
        const to = `+12122${String(100000 + i)}`;
        const body = new URLSearchParams({ provider: withOutbox ? 'outbox' : 'log', to }).toString();
        const res = await fetch(`${base}/api/otp/mem-${String(i).padStart(8, '0')}`, { method: 'PUT', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body });
        if (res.status !== 200) throw new Error(`create answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    const after = await redis.usedMemory();
    const usage = withOutbox ? await redis.command('MEMORY USAGE otpgw:outbox:{bench} SAMPLES 0') : ':0';
    server.closeAllConnections();
    server.close();
    await gateway.close();
    return { perOtp: (after - before) / N, listBytes: Number(/:(\d+)/.exec(usage)?.[1] ?? 0) / N };
  } finally {
    await redis.stop();
  }
}

async function main(): Promise<void> {
  const without = await measure(false);
  const withOutbox = await measure(true);
  console.log(`${N} in-flight OTPs, app.secret_key set`);
  console.log(`record only (log provider):           ${without.perOtp.toFixed(0)} bytes per OTP`);
  console.log(`record + outbox message (outbox on): ${withOutbox.perOtp.toFixed(0)} bytes per OTP`);
  console.log(`  of which the outbox list (MEMORY USAGE / N): ${withOutbox.listBytes.toFixed(0)} bytes per message`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
