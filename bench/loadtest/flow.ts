import { randomInt, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LoadTestOptions } from './options';
import type { Recorder, Step } from './stats';

/** An answer of the gateway: status, the envelope's code and data. */
interface Answer {
  status: number;
  code: string;
  data: unknown;
}

/** A step answered something other than what a working gateway answers. */
class FlowError extends Error {
  constructor(readonly step: Step, readonly status: number | string, readonly code: string) {
    super(`${step}: ${status} ${code}`);
  }
}

/** How long the read step waits for the message (the create already sent it, so normally no wait at all). */
const READ_WAIT_SECONDS = 10;

/** One keep-alive connection pool for every virtual user, at most one socket per user (node:http: far less client CPU than fetch). */
export function connectionPool(options: LoadTestOptions): http.Agent {
  const settings = { keepAlive: true, maxSockets: options.users };
  return options.url.startsWith('https:') ? new https.Agent(settings) : new http.Agent(settings);
}

/** Runs one flow at a time for one virtual user. */
export class FlowRunner {
  private readonly auth: string;

  constructor(private readonly options: LoadTestOptions, private readonly recorder: Recorder, private readonly agent: http.Agent) {
    this.auth = `Basic ${Buffer.from(`${options.namespace}:${options.secret}`).toString('base64')}`;
  }

  /** One whole flow; its outcome is recorded (never thrown). */
  async run(): Promise<void> {
    const id = `lt-${randomUUID()}`;
    try {
      const created = await this.step('create', 'PUT', `/api/otp/${id}`, { provider: this.options.provider, to: this.address() });
      expect('create', created, created.status === 200);
      const read = await this.step('read', 'GET', `/api/outbox?id=${id}&limit=1&wait=${READ_WAIT_SECONDS}`);
      const code = firstCode(read.data);
      // An empty list after the wait: the message never reached the outbox.
      if (read.status !== 200 || code === undefined) throw new FlowError('read', read.status, read.status === 200 ? 'message_missing' : read.code);
      const wrong = await this.step('wrong', 'POST', `/api/otp/${id}`, { otp: wrongCode(code) });
      expect('wrong', wrong, wrong.status === 400 && wrong.code === 'incorrect_otp');
      const right = await this.step('right', 'POST', `/api/otp/${id}`, { otp: code, skip_delete: 'true' });
      expect('right', right, right.status === 200 && closed(right.data));
      const status = await this.step('status', 'POST', `/api/otp/${id}/status`);
      expect('status', status, status.status === 200 && closed(status.data));
      this.recorder.ok++;
    } catch (err) {
      if (err instanceof FlowError) this.recorder.failure(err.step, err.status, err.code);
      else this.recorder.failure('create', 'exception', err instanceof Error ? err.message : String(err));
    }
  }

  private async step(step: Step, method: string, path: string, form?: Record<string, string>): Promise<Answer> {
    const started = performance.now();
    let reply: { status: number; text: string };
    try {
      reply = await this.send(method, path, form ? new URLSearchParams(form).toString() : undefined);
    } catch (err) {
      throw new FlowError(step, 'network', err instanceof Error ? err.message : String(err));
    }
    this.recorder.latency(step, performance.now() - started);
    let body: { code?: unknown; data?: unknown } = {};
    try {
      body = JSON.parse(reply.text) as typeof body;
    } catch {
      throw new FlowError(step, reply.status, 'not_json');
    }
    return { status: reply.status, code: typeof body.code === 'string' ? body.code : '', data: body.data };
  }

  /** One request on the pool, bounded by a timeout longer than the outbox wait. */
  private send(method: string, path: string, body: string | undefined): Promise<{ status: number; text: string }> {
    const headers: http.OutgoingHttpHeaders = { authorization: this.auth };
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const client = this.options.url.startsWith('https:') ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(`${this.options.url}${path}`, { method, headers, agent: this.agent, timeout: (READ_WAIT_SECONDS + 20) * 1000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** A fresh address, so per-address send limits never refuse a flow. */
  private address(): string {
    if (this.options.address === 'email') return `lt-${randomUUID()}@example.com`;
    if (this.options.address === 'any') return `lt-${randomUUID()}`;
    // +1 212 2xx-xxxx: valid New York numbers, a million of them.
    return `+12122${String(randomInt(0, 10_000_000)).padStart(7, '0').slice(1)}`;
  }
}

function expect(step: Step, answer: Answer, ok: boolean): void {
  if (!ok) throw new FlowError(step, answer.status, answer.code || 'unexpected_answer');
}

function firstCode(data: unknown): string | undefined {
  if (!Array.isArray(data)) return undefined;
  const first: unknown = data[0];
  if (typeof first !== 'object' || first === null || !('otp' in first)) return undefined;
  return typeof first.otp === 'string' ? first.otp : undefined;
}

function closed(data: unknown): boolean {
  return typeof data === 'object' && data !== null && 'closed' in data && data.closed === true;
}

/** A code of the same length that is surely wrong: every digit shifted by one (a code without digits gets an "x"). */
export function wrongCode(code: string): string {
  const shifted = code.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
  return shifted === code ? `${code}x` : shifted;
}
