import type { TestGateway } from '../helpers/gateway';
import { create, routeGateway, startPeers, webhookTable } from './route-harness';

describe('a route under concurrent load', () => {
  it('answers 50 concurrent creates with 200 or a deliberate 502, never a hang or a 500, when its first provider fails half the time', async () => {
    let firstCount = 0;
    let secondCount = 0;
    // The first fails every other request (500 or a reset connection); the second fails one in ten, so some creates fail on both.
    const peers = await startPeers(2);
    peers[0]?.reply(() => (++firstCount % 2 === 0 ? { status: 500, body: 'flaky' } : { status: 200, body: {}, delayMs: firstCount % 5 }));
    peers[1]?.reply(() => (++secondCount % 10 === 0 ? { status: 503, body: 'busy' } : { status: 200, body: {} }));
    let gw: TestGateway | undefined;
    try {
      gw = await routeGateway(
        { first: webhookTable(`${peers[0]?.url}/a`, { max_conns: 5 }), second: webhookTable(`${peers[1]?.url}/b`, { max_conns: 5 }) },
        { sms: { providers: ['first', 'second'], timeout: '5s', breaker: { failures: 3, cooldown: '100ms' } } },
      );
      const started = performance.now();
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => create(gw as TestGateway, `load-route-${i}`, { provider: 'sms', to: `+9198765${String(43210 + i)}` })));
      const ms = Math.round(performance.now() - started);
      const statuses = answers.map((a) => a.status);
      expect(statuses.every((s) => s === 200 || s === 502)).toBe(true);
      for (const a of answers.filter((x) => x.status === 502)) expect(a.body.code).toBe('delivery_failed');
      const ok = statuses.filter((s) => s === 200).length;
      expect(ok).toBeGreaterThan(25);
      // Every 200 names the member that took it.
      for (const a of answers.filter((x) => x.status === 200)) expect(['first', 'second']).toContain(a.body.data?.delivered_via);
      process.stdout.write(`50 concurrent creates through a flaky route: ${ok} × 200, ${50 - ok} × 502, tries ${firstCount} + ${secondCount}, ${ms} ms\n`);
    } finally {
      await gw?.close();
      await Promise.all(peers.map((p) => p.close()));
    }
  });
});
