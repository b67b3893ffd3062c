import { createServer } from 'node:net';
import request from 'supertest';
import { basic, buildTestGateway, type RawConfig, type TestGateway } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer, type PeerReply, type RecordedRequest } from '../helpers/http-peer';

// The provider tests' reader of parsed log lines serves the route tests too.
export { logLines } from '../providers/api';

/** A `[webhooks.NAME]` table posting to `url`: a route member whose stand-in counts what it is sent. */
export function webhookTable(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { enabled: true, url, channel_name: 'SMS', max_address_len: 20, timeout: '5s', ...extra };
}

/** Start `count` recording stand-ins that answer 200 unless told otherwise. */
export async function startPeers(count: number, reply: PeerReply | ((req: RecordedRequest) => PeerReply) = { status: 200, body: { ok: true } }): Promise<HttpPeer[]> {
  return Promise.all(Array.from({ length: count }, () => startHttpPeer(reply)));
}

/** A loopback URL where nothing listens (connection refused). */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

/** A gateway whose `[webhooks.*]` and `[routes.*]` are these tables (plus any other table). */
export function routeGateway(webhooks: Record<string, unknown>, routes: Record<string, unknown>, extra: RawConfig = {}): Promise<TestGateway> {
  return buildTestGateway({ store: 'memory', config: { webhooks, routes, ...extra } });
}

/** `PUT /api/otp/:id` as tenant nsA with JSON fields. */
export async function create(gw: TestGateway, id: string, fields: Record<string, unknown>): Promise<{ status: number; body: { code?: string; data?: Record<string, unknown> } }> {
  const res = await request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic({ namespace: 'nsA', secret: 'secret-of-tenant-A' })).send(fields);
  return { status: res.status, body: res.body as { code?: string; data?: Record<string, unknown> } };
}

