import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { basic, buildTestGateway, TENANTS, type RawConfig, type TestGateway } from '../helpers/gateway';

/** A message as `GET /api/outbox` answers it. */
export interface OutboxEntry {
  seq: number;
  namespace: string;
  id: string;
  to: string;
  channel: string;
  subject: string;
  body: string;
  otp: string;
  at: string;
}

/** A test gateway listening on a loopback port (long polls need a real socket). */
export interface ListeningGateway {
  gw: TestGateway;
  url: string;
  close(): Promise<void>;
}

/** Build a gateway with `[providers.outbox]` enabled (plus `config`) and listen on a free port. */
export async function startOutboxGateway(store: 'memory' | 'redis', config: RawConfig = {}): Promise<ListeningGateway> {
  const { outbox, ...providers } = config.providers ?? {};
  const gw = await buildTestGateway({
    store,
    config: {
      // These tests send dozens of codes to numbers of one range: the SMS pumping range limit is not what they test.
      rate_limit: { sends_per_range: 0 },
      ...config,
      providers: { ...providers, outbox: { enabled: true, channel_name: 'SMS', ...(outbox as object) } },
    },
  });
  const server = http.createServer(gw.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    gw,
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gw.close();
    },
  };
}

type Tenant = (typeof TENANTS)[keyof typeof TENANTS];

/** `PUT /api/otp/:id` as a tenant with form fields. */
export async function create(base: string, id: string, fields: Record<string, string>, tenant: Tenant = TENANTS.a): Promise<{ status: number; body: { data?: Record<string, unknown> } }> {
  const res = await fetch(`${base}/api/otp/${id}`, {
    method: 'PUT',
    headers: { authorization: basic(tenant), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown> } };
}

/** `GET /api/outbox?<query>` as a tenant. */
export async function readOutbox(base: string, query = '', tenant: Tenant = TENANTS.a): Promise<{ status: number; code?: string; data: OutboxEntry[] }> {
  const res = await fetch(`${base}/api/outbox${query ? `?${query}` : ''}`, { headers: { authorization: basic(tenant) } });
  const body = (await res.json()) as { code?: string; data?: OutboxEntry[] };
  return { status: res.status, code: body.code, data: body.data ?? [] };
}

/** `DELETE /api/outbox` as a tenant. */
export async function clearOutbox(base: string, tenant: Tenant = TENANTS.a): Promise<number> {
  const res = await fetch(`${base}/api/outbox`, { method: 'DELETE', headers: { authorization: basic(tenant) } });
  await res.arrayBuffer();
  return res.status;
}

/**
 * `promise`, or "still waiting" if it has not settled in `ms`: a wait that is
 * woken by the message answers in milliseconds, one that is not only at the end
 * of its `wait`, far later, so a generous bound tells the two apart.
 */
export function unlessStillWaiting<T>(promise: Promise<T>, ms = 15_000): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
