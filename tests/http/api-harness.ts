import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type RawConfig, type TestGateway } from '../helpers/gateway';

/** The fields of the public OTP object (api.md) other than `otp`, sorted. */
export const OTP_OBJECT_FIELDS = [
  'address_description', 'attempts', 'channel_description', 'closed', 'delivered_via', 'extra', 'generate', 'id',
  'max_attempts', 'max_generate', 'namespace', 'provider', 'to', 'ttl', 'url',
];

/** A request the local webhook receiver got. */
export interface ReceivedHook {
  path: string;
  authorization: string | undefined;
  body: { otp: Record<string, unknown> & { otp: string }; subject: string; body: string };
}

/**
 * A local HTTP server standing in for webhook endpoints: it records every
 * request and answers each path with the status set in `statusFor` (200 by default).
 */
export interface HookReceiver {
  url: string;
  received: ReceivedHook[];
  statusFor: Map<string, { status: number; body: string }>;
  close(): Promise<void>;
}

/** Start a webhook receiver on a free loopback port. */
export async function startHookReceiver(): Promise<HookReceiver> {
  const received: ReceivedHook[] = [];
  const statusFor = new Map<string, { status: number; body: string }>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const answer = statusFor.get(path) ?? { status: 200, body: 'ok' };
      res.writeHead(answer.status, { 'Content-Type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    statusFor,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A tenant-bound client over one listening server (so concurrent requests share it). */
export interface ApiClient {
  put(path: string, body?: string | object): request.Test;
  post(path: string, body?: string | object): request.Test;
  get(path: string): request.Test;
  delete(path: string): request.Test;
}

/** What an API test file works with. */
export interface ApiHarness {
  gw: TestGateway;
  hooks: HookReceiver;
  server: http.Server;
  /** Requests as namespace nsA (`as.a`) or nsB (`as.b`). */
  as: { a: ApiClient; b: ApiClient };
  /** Requests without credentials. */
  anonymous: request.Agent;
}

/**
 * Build a gateway on `store` with the log provider and two webhooks
 * (`hook_ok` → /ok, `hook_flaky` → /flaky) for the file, listening on one
 * loopback server, torn down after the file. Read the harness inside tests.
 */
export function useApi(store: 'memory' | 'redis', config: RawConfig = {}): ApiHarness {
  const harness = {} as ApiHarness;
  beforeAll(async () => {
    harness.hooks = await startHookReceiver();
    harness.gw = await buildTestGateway({
      store,
      config: {
        // These files test the API contract; the per-address send limit has tests of its own.
        rate_limit: { sends_per_address: 0 },
        ...config,
        webhooks: {
          hook_ok: { enabled: true, url: `${harness.hooks.url}/ok`, username: 'hook-user', password: 'hook-pass' },
          hook_flaky: { enabled: true, url: `${harness.hooks.url}/flaky` },
        },
      },
    });
    harness.server = http.createServer(harness.gw.app);
    await new Promise<void>((resolve) => harness.server.listen(0, '127.0.0.1', resolve));
    harness.as = { a: client(harness.server, basic(TENANTS.a)), b: client(harness.server, basic(TENANTS.b)) };
    harness.anonymous = request.agent(harness.server);
  });
  afterAll(async () => {
    await new Promise((resolve) => harness.server.close(resolve));
    await harness.gw.close();
    await harness.hooks.close();
  });
  return harness;
}

function client(server: http.Server, authorization: string): ApiClient {
  const withAuth = (test: request.Test, body?: string | object): request.Test => {
    const t = test.set('Authorization', authorization);
    return body === undefined ? t : t.send(body);
  };
  return {
    put: (path, body) => withAuth(request(server).put(path), body),
    post: (path, body) => withAuth(request(server).post(path), body),
    get: (path) => withAuth(request(server).get(path)),
    delete: (path) => withAuth(request(server).delete(path)),
  };
}

/** A fresh, valid id for a test, distinct per call. */
let counter = 0;
export function newId(label = 'user'): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}`;
}

/** Creates an OTP for a test and returns its id and code. */
export type CreateOtp = (fields?: Record<string, unknown>) => Promise<{ id: string; code: string }>;

/** The attempt-budget race, run by every store's API suite (memory, Redis, Redis Cluster). */
export function itSpendsTheAttemptBudgetExactlyOnce(api: ApiHarness, createOtp: CreateOtp): void {
  it('answers 60 concurrent wrong guesses against max_attempts 5 with exactly five 400s and fifty-five 429s', async () => {
    const { id, code } = await createOtp({ max_attempts: 5 });
    const statuses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => api.as.a.post(`/api/otp/${id}`, { otp: `wrong-${i}` }).then((res) => res.status)),
    );
    expect(statuses.filter((s) => s === 400).length).toBe(5);
    expect(statuses.filter((s) => s === 429).length).toBe(55);
    await api.as.a.post(`/api/otp/${id}`, { otp: code }).expect(429);
  });
}
