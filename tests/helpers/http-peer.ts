import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the peer received it, byte for byte. */
export interface RecordedRequest {
  method: string;
  /** Path with the query string, e.g. `/v1/apps/app-1/messages`. */
  path: string;
  /** Header names lower-cased (node's `IncomingMessage.headers`). */
  headers: http.IncomingHttpHeaders;
  /** The exact body bytes. */
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  /** Sequence number of the TCP connection it arrived on (pooling tests). */
  connection: number;
}

/** How the peer answers. `hang` never answers (timeout tests); `delayMs` answers late. */
export interface PeerReply {
  status?: number;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
}

/** A local HTTP server standing in for an upstream (Pinpoint, Kaleyra, a webhook receiver). */
export interface HttpPeer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** TCP connections opened so far. */
  readonly connections: number;
  /** Change the answer for the following requests. */
  reply(reply: PeerReply | ((req: RecordedRequest) => PeerReply)): void;
  /** Resolve once `count` requests have arrived. */
  waitForRequests(count: number): Promise<RecordedRequest[]>;
  /** Stop listening and drop every connection (hanging ones included). */
  close(): Promise<void>;
}

/** Start a recording HTTP peer on a free loopback port; it answers 200 `{}` unless told otherwise. */
export async function startHttpPeer(initial: PeerReply | ((req: RecordedRequest) => PeerReply) = {}): Promise<HttpPeer> {
  let answer = initial;
  const requests: RecordedRequest[] = [];
  const waiters: (() => void)[] = [];
  const sockets = new Map<Socket, number>();
  let connections = 0;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        text: body.toString('utf8'),
        connection: sockets.get(req.socket) ?? 0,
      };
      requests.push(recorded);
      for (const wake of waiters.splice(0)) wake();
      const reply = typeof answer === 'function' ? answer(recorded) : answer;
      if (reply.hang) return;
      const send = (): void => {
        const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        const type = typeof reply.body === 'string' ? 'text/plain' : 'application/json';
        res.writeHead(reply.status ?? 200, { 'Content-Type': type, ...reply.headers });
        res.end(payload);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.set(socket, connections);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get connections() {
      return connections;
    },
    reply(next) {
      answer = next;
    },
    async waitForRequests(count) {
      while (requests.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return requests.slice(0, count);
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
