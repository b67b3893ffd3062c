import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One event request as the receiver got it. */
export interface ReceivedEvent {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { type: string; namespace: string; id: string; at: string; data: Record<string, unknown> };
}

/** A local stand-in for a namespace's events_url: records requests and answers as `answer` says. */
export interface EventReceiver {
  url: string;
  received: ReceivedEvent[];
  /** The status of the nth request (0-based); `'hang'` never answers. Default: 200. */
  answer: (n: number) => number | 'hang';
  /** Resolves once `count` requests arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Start an event receiver on a free loopback port. */
export async function startEventReceiver(): Promise<EventReceiver> {
  const received: ReceivedEvent[] = [];
  const hanging = new Set<http.ServerResponse>();
  const receiver = { answer: (() => 200) as EventReceiver['answer'] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const n = received.length;
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as ReceivedEvent['body'] });
      const status = receiver.answer(n);
      if (status === 'hang') hanging.add(res);
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/otp-events`,
    received,
    get answer() {
      return receiver.answer;
    },
    set answer(f) {
      receiver.answer = f;
    },
    async waitFor(count, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`expected ${count} events, got ${received.length}: ${received.map((r) => r.body.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
