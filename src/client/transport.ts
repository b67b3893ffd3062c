import { OTPGatewayError } from './errors';

/** One authenticated JSON call: method, path under the base URL, optional JSON body. */
export interface Call {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
}

/** Where and as whom calls are made. */
export interface Endpoint {
  baseUrl: string;
  authorization: string;
  timeoutMs: number;
}

/**
 * Make one call and return the envelope's `data`. Anything else becomes an
 * OTPGatewayError: a non-2xx answer with the envelope's message; no complete
 * answer (network, timeout) with status 0; an answer that is not the envelope
 * with its HTTP status and code `bad_response`.
 */
export async function call(endpoint: Endpoint, request: Call): Promise<unknown> {
  const url = endpoint.baseUrl + request.path;
  try {
    // One signal for connect, headers and body: the limit is for the whole exchange.
    const response = await fetch(url, {
      method: request.method,
      headers: {
        authorization: endpoint.authorization,
        accept: 'application/json',
        ...(request.body ? { 'content-type': 'application/json' } : {}),
      },
      body: request.body ? JSON.stringify(request.body) : undefined,
      signal: AbortSignal.timeout(endpoint.timeoutMs),
    });
    const text = await response.text();
    return unwrap(response, parseEnvelope(text), request);
  } catch (err) {
    throw toClientError(err, { url, timeoutMs: endpoint.timeoutMs, method: request.method });
  }
}

/** The parts of the envelope this client reads (README "API reference"). */
interface Envelope {
  status: unknown;
  message?: unknown;
  code?: unknown;
  data?: unknown;
}

function parseEnvelope(text: string): Envelope | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && 'status' in parsed ? (parsed as Envelope) : undefined;
  } catch {
    return undefined;
  }
}

function unwrap(response: Response, envelope: Envelope | undefined, request: Call): unknown {
  if (!envelope) {
    throw new OTPGatewayError({
      status: response.status,
      code: 'bad_response',
      message: `${request.method} ${request.path} answered HTTP ${response.status} without the gateway's JSON envelope: is the base URL the gateway's?`,
    });
  }
  if (response.ok && envelope.status === 'success') return envelope.data;
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  throw new OTPGatewayError({
    status: response.status,
    message: typeof envelope.message === 'string' && envelope.message ? envelope.message : `The gateway answered HTTP ${response.status}.`,
    code: typeof envelope.code === 'string' ? envelope.code : undefined,
    data: envelope.data,
    retryAfter: Number.isFinite(retryAfter) ? retryAfter : undefined,
  });
}

function toClientError(err: unknown, context: { url: string; timeoutMs: number; method: string }): OTPGatewayError {
  if (err instanceof OTPGatewayError) return err;
  const where = `${context.method} ${context.url}`;
  // Duck-typed, not instanceof Error: fetch's errors come from Node's own realm, which differs from the caller's under jest or vm.
  const { name, cause } = fields(err);
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new OTPGatewayError({ status: 0, code: 'timeout', message: `${where} got no complete answer within ${context.timeoutMs} ms.`, cause: err });
  }
  // fetch reports "fetch failed" and keeps the useful reason (ECONNREFUSED, ENOTFOUND…) in `cause`.
  const reason = fields(cause).message ?? fields(err).message ?? String(err);
  return new OTPGatewayError({ status: 0, code: 'network', message: `${where} failed before the gateway answered: ${reason}.`, cause: err });
}

function fields(value: unknown): { name?: string; message?: string; cause?: unknown } {
  if (typeof value !== 'object' || value === null) return {};
  const { name, message, cause } = value as Record<string, unknown>;
  return { name: typeof name === 'string' ? name : undefined, message: typeof message === 'string' ? message : undefined, cause };
}
