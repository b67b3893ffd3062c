import { writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { RedisStore } from '../../src/store/redis-store';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { redisCli, spawnRedis, tempDir, type RedisProcess } from '../helpers/redis-processes';
import { freePort } from '../helpers/redis-server';
import { selfSignedCert } from '../helpers/smtp-peer';

const PASSWORD = 'tls-test-password';

/**
 * Debian's redis-server is built with TLS: a TLS-only server (no plain port)
 * with a self-signed certificate for 127.0.0.1 that the gateway trusts only
 * through `tls_ca_file`.
 */
describe('the Redis store over TLS', () => {
  let tmp: { dir: string; remove(): void };
  let server: RedisProcess;
  let caFile: string;
  let cli: string[];
  beforeAll(async () => {
    tmp = tempDir('tls');
    const { key, cert } = selfSignedCert();
    caFile = path.join(tmp.dir, 'ca.pem');
    writeFileSync(caFile, cert);
    writeFileSync(path.join(tmp.dir, 'key.pem'), key);
    const port = await freePort();
    cli = ['--tls', '--cacert', caFile, '-a', PASSWORD, '--no-auth-warning'];
    server = await spawnRedis(port, [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--tls-cert-file', caFile, '--tls-key-file', path.join(tmp.dir, 'key.pem'), '--tls-ca-cert-file', caFile,
      '--tls-auth-clients', 'no', '--requirepass', PASSWORD, '--dir', tmp.dir,
    ], cli);
  });
  afterAll(async () => {
    await server?.kill();
    tmp?.remove();
  });

  /** Create and verify one OTP through the API; returns the record's Redis key. */
  async function roundTrip(gw: TestGateway, id: string): Promise<string> {
    const auth = basic(TENANTS.a);
    const created = await request(gw.app).put(`/api/otp/${id}`).set('Authorization', auth).send({ provider: 'log', to: 'tls@example.com' }).expect(200);
    await request(gw.app).post(`/api/otp/${id}`).set('Authorization', auth).send({ otp: created.body.data.otp as string, skip_delete: true }).expect(200);
    await request(gw.app).get('/api/health').expect(200);
    return (gw.store as RedisStore).redisKey({ namespace: 'nsA', id });
  }

  it('connects with tls = true and a private CA in tls_ca_file', async () => {
    const gw = await buildTestGateway({
      store: 'redis',
      config: { store: { redis: { host: '127.0.0.1', port: server.port, password: PASSWORD, tls: true, tls_ca_file: caFile } } },
    });
    try {
      const key = await roundTrip(gw, 'tls-keys-000001');
      expect(await redisCli(server.port, ...cli, 'EXISTS', key)).toBe('1');
    } finally {
      await gw.close();
    }
  });

  it('connects with a rediss:// URL that carries the password and the database', async () => {
    const gw = await buildTestGateway({
      store: 'redis',
      config: { store: { redis: { url: `rediss://default:${PASSWORD}@127.0.0.1:${server.port}/3`, tls_ca_file: caFile } } },
    });
    try {
      const key = await roundTrip(gw, 'tls-url-000001');
      expect(await redisCli(server.port, ...cli, '-n', '3', 'EXISTS', key)).toBe('1');
      expect(await redisCli(server.port, ...cli, '-n', '0', 'EXISTS', key)).toBe('0');
    } finally {
      await gw.close();
    }
  });

  it('refuses a certificate the system CAs do not vouch for: starts, logs it, and answers 503', async () => {
    const gw = await buildTestGateway({
      store: 'redis',
      config: { store: { redis: { url: `rediss://default:${PASSWORD}@127.0.0.1:${server.port}`, timeout: '500ms' } } },
    });
    try {
      expect((await request(gw.app).get('/api/health')).status).toBe(503);
      expect(gw.logs.join('')).toMatch(/self-signed certificate/);
    } finally {
      await gw.close();
    }
  });
});
