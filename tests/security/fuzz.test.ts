import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';
import { prng, requestGenerator, type FuzzRequest } from './fuzz-requests';

/**
 * Thousands of generated malformed requests against a listening gateway (both
 * stores): none may answer 5xx, every /api answer is the JSON envelope, and the
 * server is healthy afterwards. Reproduce a failure with OTP_FUZZ_SEED=<seed>.
 */

const SEED = Number(process.env.OTP_FUZZ_SEED ?? 20261121);
const COUNT = { memory: 1500, redis: 1000 } as const;
// Generous: on a loaded machine thousands of requests can take minutes; a hang still fails.
const TEST_TIMEOUT_MS = 180_000;
const CONCURRENCY = 8;

interface Answer {
  status: number;
  type: string;
  body: string;
}

function send(agent: http.Agent, port: number, req: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body) headers['content-length'] = String(req.body.length);
    const outgoing = http.request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

/** What is wrong with an answer, or undefined when it is acceptable. */
function problem(req: FuzzRequest, answer: Answer): string | undefined {
  if (answer.status >= 500 || answer.status < 200) return `status ${answer.status}`;
  const api = /^\/api(\/|$|\?)/.test(req.path);
  if (req.method === 'HEAD' || answer.status === 302) return undefined;
  if (api) {
    if (!answer.type.startsWith('application/json')) return `API answer of type ${answer.type}`;
    let parsed: { status?: unknown; message?: unknown };
    try {
      parsed = JSON.parse(answer.body) as typeof parsed;
    } catch {
      return 'API answer that is not JSON';
    }
    if (answer.status >= 400 && !(parsed.status === 'error' && typeof parsed.message === 'string' && parsed.message.length > 10)) {
      return 'API error without the envelope and a sentence';
    }
  }
  if (/\bat [\w.<>]+ \(.*:\d+:\d+\)/.test(answer.body)) return 'stack trace in the answer';
  return undefined;
}

describe.each(['memory', 'redis'] as const)('fuzzing the gateway on the %s store', (store) => {
  let gw: TestGateway;
  let server: http.Server;
  let port: number;
  // A fresh connection per request: reusing a keep-alive socket the server has just closed
  // would report a reset that is the client's race, not the server's fault.
  const agent = new http.Agent({ keepAlive: false, maxSockets: CONCURRENCY });

  beforeAll(async () => {
    gw = await buildTestGateway({
      store,
      config: {
        app: { secret_key: 'fuzz-test-secret-key-0123456789abcdef-x' },
        // Limits would turn most requests into 429 before they reach the code under test.
        rate_limit: { pages_per_ip: 1_000_000_000 },
      },
    });
    server = http.createServer(gw.app).listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gw.close();
  });

  it(`answers ${COUNT[store]} generated malformed requests without a 5xx and stays healthy (seed ${SEED})`, async () => {
    const ids = ['fuzz-000001', 'fuzz-000002', 'fuzz-000003'];
    for (const id of ids) {
      const created = await send(agent, port, { method: 'PUT', path: `/api/otp/${id}`, headers: { authorization: basic(TENANTS.a), 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(id.endsWith('3') ? 'provider=log' : 'provider=log&to=someone&max_attempts=1000000') });
      expect(created.status).toBe(200);
    }
    const next = requestGenerator(prng(store === 'memory' ? SEED : SEED + 1), {
      namespaces: ['nsA', 'nsB'],
      ids,
      credentials: [basic(TENANTS.a), basic(TENANTS.b)],
      providers: ['log', 'nope', ''],
    });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let done = 0;
    const worker = async (): Promise<void> => {
      while (done < COUNT[store]) {
        done++;
        const req = next();
        const answer = await send(agent, port, req);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const wrong = problem(req, answer);
        if (wrong && failures.length < 20) {
          failures.push(`${wrong}: ${req.method} ${req.path.slice(0, 200)} ${JSON.stringify(req.headers)} ${req.body?.toString('utf8').slice(0, 200) ?? ''} → ${answer.body.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect(failures).toEqual([]);
    // The run exercised more than one kind of answer (it is not all 401s or all 404s).
    expect([...statuses.keys()].filter((s) => s >= 400).length).toBeGreaterThanOrEqual(5);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    // Nothing was logged as a server error.
    expect(gw.logs.filter((line) => /"level":(50|60)/.test(line))).toEqual([]);

    // Healthy afterwards: health, and a full create + verify.
    expect((await send(agent, port, { method: 'GET', path: '/api/health', headers: {} })).status).toBe(200);
    const created = await send(agent, port, { method: 'PUT', path: '/api/otp/after-fuzz-1', headers: { authorization: basic(TENANTS.b), 'content-type': 'application/json' }, body: Buffer.from('{"provider":"log","to":"x"}') });
    expect(created.status).toBe(200);
    const code = (JSON.parse(created.body) as { data: { otp: string } }).data.otp;
    const verified = await send(agent, port, { method: 'POST', path: '/api/otp/after-fuzz-1', headers: { authorization: basic(TENANTS.b), 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ otp: code })) });
    expect(verified.status).toBe(200);
  }, TEST_TIMEOUT_MS);
});
