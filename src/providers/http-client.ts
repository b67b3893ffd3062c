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

// Upstream answers are short (a status and an id); a runaway body is cut off rather than buffered.
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Build a client with pooled keep-alive connections, at most `maxConns` per
 * upstream. `timeoutMs` bounds each whole exchange: waiting for a pooled
 * socket, connecting, sending and reading the full answer.
 */
export function createHttpClient(options: { maxConns: number; timeoutMs: number }): HttpClient {
  const agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: options.maxConns }),
    https: new https.Agent({ keepAlive: true, maxSockets: options.maxConns }),
  };
  return {
    request(req: OutboundRequest): Promise<{ status: number; body: string }> {
      const target = new URL(req.url);
      const secure = target.protocol === 'https:';
      const signal = AbortSignal.timeout(options.timeoutMs);
      return new Promise((resolve, reject) => {
        const fail = (err: Error): void =>
          reject(signal.aborted ? new Error(`no answer within ${options.timeoutMs} ms`) : err);
        const outgoing = (secure ? https : http).request(
          target,
          {
            method: req.method,
            headers: { 'Content-Length': String(Buffer.byteLength(req.body)), ...req.headers },
            agent: secure ? agents.https : agents.http,
            signal,
          },
          (res) => {
            const chunks: Buffer[] = [];
            let size = 0;
            res.on('data', (c: Buffer) => {
              size += c.length;
              if (size <= MAX_RESPONSE_BYTES) chunks.push(c);
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', fail);
            res.on('aborted', () => fail(new Error('the upstream closed the connection mid-answer')));
          },
        );
        outgoing.on('error', fail);
        outgoing.end(req.body);
      });
    },
    close(): void {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/**
 * Throw when an upstream answered outside 2xx, keeping a short excerpt of its
 * reason for the log (OtpService cuts the code out of it before logging).
 */
export function assertSuccess(what: string, response: { status: number; body: string }): void {
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${what} answered HTTP ${response.status}: ${response.body.slice(0, 500)}`);
  }
}
