import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { basic, buildTestGateway, TENANTS } from '../helpers/gateway';
import { startHttpPeer, type HttpPeer } from '../helpers/http-peer';
import { clearOutbox, create, readOutbox, startOutboxGateway, unlessStillWaiting, type ListeningGateway } from './outbox-helpers';
import request from 'supertest';

/** The same contract on both stores (outbox.md "Reading it"). */
describe.each(['memory', 'redis'] as const)('the outbox on the %s store', (store) => {
  let dir: string;
  let hook: HttpPeer;
  let gw: ListeningGateway;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-outbox-'));
    const template = path.join(dir, 'sms.txt');
    writeFileSync(template, 'Code {{ otp }} for {{ to }} ({{ namespace }}), valid {{ ttl_minutes }} min: {{ otp_url }} {{ extra.order }}');
    hook = await startHttpPeer({ status: 200, body: 'ok' });
    const shared = { subject: 'Your {{ namespace }} code', template };
    gw = await startOutboxGateway(store, {
      providers: { outbox: { ...shared, max_messages: 3 } },
      webhooks: { phone: { enabled: true, url: `${hook.url}/hook`, ...shared } },
    });
  });
  afterAll(async () => {
    await gw.close();
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await clearOutbox(gw.url);
    await clearOutbox(gw.url, TENANTS.b);
  });

  it('keeps exactly the subject and body a real provider (a webhook) is sent for the same template and OTP', async () => {
    const fields = { to: '+14155552671', otp: '424242', extra: '{"order":42}' };
    expect((await create(gw.url, 'same-render-1', { ...fields, provider: 'phone' })).status).toBe(200);
    const [sent] = await hook.waitForRequests(1);
    // The same OTP regenerated through the outbox: same variables, so the same rendering.
    expect((await create(gw.url, 'same-render-1', { ...fields, provider: 'outbox' })).status).toBe(200);
    const { data } = await readOutbox(gw.url, 'id=same-render-1');
    const payload = JSON.parse(sent?.text ?? '{}') as { subject: string; body: string };
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ namespace: 'nsA', id: 'same-render-1', to: '+14155552671', channel: 'SMS', otp: '424242', subject: payload.subject, body: payload.body });
    expect(payload.body).toBe('Code 424242 for +14155552671 (nsA), valid 5 min: http://gw.test/otp/nsA/same-render-1?action=check&otp=424242 42');
    expect(Object.keys(data[0] ?? {}).sort()).toEqual(['at', 'body', 'channel', 'id', 'namespace', 'otp', 'seq', 'subject', 'to']);
  });

  it('answers newest first and filters by to, id, since and limit; `to` as typed finds the normalised address', async () => {
    await create(gw.url, 'filter-1', { provider: 'outbox', to: '+14155550101' });
    await create(gw.url, 'filter-2', { provider: 'outbox', to: '+14155550102' });
    await create(gw.url, 'filter-3', { provider: 'outbox', to: '+14155550101' });
    const all = (await readOutbox(gw.url)).data;
    expect(all.map((m) => m.id)).toEqual(['filter-3', 'filter-2', 'filter-1']);
    const [newest, middle] = all;
    expect((await readOutbox(gw.url, `to=${encodeURIComponent('+1 (415) 555-0101')}`)).data.map((m) => m.id)).toEqual(['filter-3', 'filter-1']);
    expect((await readOutbox(gw.url, 'id=filter-2')).data.map((m) => m.id)).toEqual(['filter-2']);
    expect((await readOutbox(gw.url, `since=${middle?.seq}`)).data.map((m) => m.id)).toEqual(['filter-3']);
    expect((await readOutbox(gw.url, 'limit=1')).data).toEqual([newest]);
    const bad = await readOutbox(gw.url, 'limit=1001');
    expect([bad.status, bad.code]).toEqual([400, 'invalid_field']);
  });

  it('keeps at most max_messages per namespace: the cap drops the oldest', async () => {
    for (let i = 1; i <= 5; i++) await create(gw.url, `cap-otp-${i}`, { provider: 'outbox', to: `+1415555020${i}` });
    const { data } = await readOutbox(gw.url);
    expect(data.map((m) => m.id)).toEqual(['cap-otp-5', 'cap-otp-4', 'cap-otp-3']);
  });

  it('shows a namespace only its own outbox, and DELETE empties only its own', async () => {
    await create(gw.url, 'tenant-a-1', { provider: 'outbox', to: '+14155550301' });
    await create(gw.url, 'tenant-b-1', { provider: 'outbox', to: '+14155550302' }, TENANTS.b);
    expect((await readOutbox(gw.url, '', TENANTS.a)).data.map((m) => m.id)).toEqual(['tenant-a-1']);
    expect((await readOutbox(gw.url, '', TENANTS.b)).data.map((m) => m.id)).toEqual(['tenant-b-1']);
    // Not even by filtering on the other's id.
    expect((await readOutbox(gw.url, 'id=tenant-a-1', TENANTS.b)).data).toEqual([]);
    expect(await clearOutbox(gw.url, TENANTS.b)).toBe(200);
    expect((await readOutbox(gw.url, '', TENANTS.a)).data.map((m) => m.id)).toEqual(['tenant-a-1']);
    expect((await readOutbox(gw.url, '', TENANTS.b)).data).toEqual([]);
    const anonymous = await fetch(`${gw.url}/api/outbox`);
    expect(anonymous.status).toBe(401);
  });

  it('`wait` answers as soon as a matching message arrives (measured), not at the end of the wait', async () => {
    const started = Date.now();
    const waiting = unlessStillWaiting(readOutbox(gw.url, 'id=wait-arrives-1&wait=30'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A message for another id does not end the wait.
    await create(gw.url, 'wait-other-1', { provider: 'outbox', to: '+14155550401' });
    const sent = Date.now();
    await create(gw.url, 'wait-arrives-1', { provider: 'outbox', to: '+14155550402' });
    const answer = await waiting;
    const latency = Date.now() - sent;
    // Reported, not asserted: the create's own round trip is included.
    console.log(`outbox ${store}: wait answered ${latency} ms after the create was sent (waited ${Date.now() - started} ms in all)`);
    // Woken by the message, not answered at the end of its 30 s.
    if (answer === 'still waiting') throw new Error('the wait was not woken by the message');
    expect(answer.status).toBe(200);
    expect(answer.data.map((m) => m.id)).toEqual(['wait-arrives-1']);
  });

  it('`wait` times out cleanly: 200 with no messages once the time is up', async () => {
    const started = Date.now();
    const answer = await readOutbox(gw.url, 'id=never-arrives&wait=1');
    expect([answer.status, answer.data]).toEqual([200, []]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('1,000 concurrent waiters are all answered by one message', async () => {
    const to = '+14155550501';
    const waiters = Array.from({ length: 1000 }, () => readOutbox(gw.url, `to=${encodeURIComponent(to)}&wait=30`));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sent = Date.now();
    await create(gw.url, 'thousand-1', { provider: 'outbox', to });
    const all = await unlessStillWaiting(Promise.allSettled(waiters), 25_000);
    if (all === 'still waiting') throw new Error('the waiters were not all woken by the message');
    const answers = all;
    console.log(`outbox ${store}: 1,000 waiters all answered ${Date.now() - sent} ms after the create was sent`);
    // Every answer that is not the message, with its reason, so a failure says what happened.
    const wrong = answers.flatMap((a) => {
      if (a.status === 'rejected') return [String(a.reason)];
      return a.value.status === 200 && a.value.data[0]?.id === 'thousand-1' ? [] : [`${a.value.status} ${JSON.stringify(a.value.data)}`];
    });
    expect(wrong).toEqual([]);
  }, 90_000);
});

describe('without an outbox provider', () => {
  it('answers 404 on GET and DELETE /api/outbox', async () => {
    const gw = await buildTestGateway({ store: 'memory' });
    try {
      for (const method of ['get', 'delete'] as const) {
        const res = await request(gw.app)[method]('/api/outbox').set('Authorization', basic(TENANTS.a));
        expect([res.status, res.body.code]).toEqual([404, 'no_route']);
      }
    } finally {
      await gw.close();
    }
  });
});
