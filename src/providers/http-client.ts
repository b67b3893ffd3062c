import http from 'node:http';
import https from 'node:https';

/** A minimal outbound HTTP client with its own connection cap and timeout (listmonk style). */
export interface HttpClient {
  /** Send a request; resolves with status and body, rejects on network error or timeout. */
  request(options: OutboundRequest): Promise<{ status: number; body: string }>;
  close(): void;
}

/** One outbound request. */
export interface OutboundRequest {
  method: 'POST' | 'GET';
  url: string;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Build a client with pooled keep-alive connections, at most `maxConns`, each request bounded by `timeoutMs`. */
export function createHttpClient(options: { maxConns: number; timeoutMs: number }): HttpClient {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: options.maxConns }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: options.maxConns }),
  };
  return {
    request(req: OutboundRequest): Promise<{ status: number; body: string }> {
      const target = new URL(req.url);
      const transport = target.protocol === 'https:' ? https : http;
      const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
      return new Promise((resolve, reject) => {
        const outgoing = transport.request(
          target,
          {
            method: req.method,
            headers: { 'Content-Length': String(Buffer.byteLength(req.body)), ...req.headers },
            agent,
            // Bounds the whole exchange, queueing for a pooled socket included.
            signal: AbortSignal.timeout(options.timeoutMs),
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
          },
        );
        outgoing.on('error', (err: Error) =>
          reject(err.name === 'AbortError' || err.name === 'TimeoutError' ? new Error(`timed out after ${options.timeoutMs} ms`) : err),
        );
        outgoing.end(req.body);
      });
    },
    close(): void {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

/** Throw when an upstream answered outside 2xx, keeping a short excerpt of its reason for the log. */
export function assertSuccess(what: string, response: { status: number; body: string }): void {
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${what} answered HTTP ${response.status}: ${response.body.slice(0, 300)}`);
  }
}
