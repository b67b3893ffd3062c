import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { TENANTS } from '../helpers/gateway';
import { startOutboxGateway, type ListeningGateway } from '../outbox/outbox-helpers';

/** The built load test (`npm test` builds first; alone: `npx tsc -p tsconfig.json`). */
const LOADTEST = path.join(__dirname, '..', '..', 'dist', 'bench', 'loadtest', 'cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the load test as `npm run loadtest` does, asynchronously (the gateway under test lives in this process). */
function loadtest(args: string[]): Promise<Run> {
  if (!existsSync(LOADTEST)) throw new Error(`${LOADTEST} is missing: build first (npx tsc -p tsconfig.json)`);
  return new Promise((resolve) => {
    execFile(process.execPath, [LOADTEST, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err && typeof err.code === 'number' ? err.code : err ? null : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

interface JsonReport {
  flows: { ok: number; failed: number; perSecond: number };
  steps: Record<string, { count: number; p50: number; p95: number; p99: number }>;
  errors: Record<string, number>;
}

describe('npm run loadtest', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-loadtest-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('against a working gateway', () => {
    let gw: ListeningGateway;
    beforeAll(async () => {
      gw = await startOutboxGateway('memory');
    });
    afterAll(async () => {
      await gw.close();
    });

    it('runs the full flow for 5 s, prints the table, writes --json and exits 0', async () => {
      const json = path.join(dir, 'ok.json');
      const { namespace, secret } = TENANTS.a;
      const run = await loadtest(['--url', gw.url, '--namespace', namespace, '--secret', secret, '--users', '10', '--duration', '5s', '--json', json]);
      expect(run.stderr).toMatch(/flows ok \d+/); // progress while it ran
      expect(run.stdout).toMatch(/flows: \d+ ok, 0 failed, [\d.]+ flows\/s/);
      expect(run.stdout).toMatch(/^create\s+\d+/m);
      expect(run.stdout).toContain('errors: none');
      const report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
      expect(report.flows.failed).toBe(0);
      expect(report.flows.ok).toBeGreaterThan(0);
      expect(Object.keys(report.steps)).toEqual(['create', 'read', 'wrong', 'right', 'status']);
      expect(report.steps.status?.count).toBe(report.flows.ok);
      expect(run.code).toBe(0);
    }, 60_000);
  });

  describe('against a gateway that refuses right codes (a test double)', () => {
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      // Answers create and the outbox like the gateway, and every verification like a wrong code.
      server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const reply = (status: number, body: object): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          const id = /^\/api\/otp\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '';
          if (req.method === 'PUT') return reply(200, { status: 'success', data: { id, closed: false } });
          if (req.method === 'GET' && req.url?.startsWith('/api/outbox')) return reply(200, { status: 'success', data: [{ seq: 1, id: 'x', otp: '123456' }] });
          reply(400, { status: 'error', code: 'incorrect_otp', message: 'Incorrect OTP.' });
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('exits non-zero and counts the refused right codes by step, status and code', async () => {
      const json = path.join(dir, 'refused.json');
      const run = await loadtest(['--url', url, '--users', '4', '--duration', '2s', '--json', json, '--progress', '0']);
      expect(run.code).toBe(1);
      const report = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
      expect(report.flows.ok).toBe(0);
      expect(report.flows.failed).toBeGreaterThan(0);
      expect(Object.keys(report.errors)).toEqual(['right 400 incorrect_otp']);
      expect(run.stdout).toMatch(/right 400 incorrect_otp: \d+/);
    }, 60_000);
  });
});
