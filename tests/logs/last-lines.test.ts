import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, CLI_TEST_TIMEOUT_MS, startCli, type RunningCli } from '../cli/cli-process';
import { freePort } from '../helpers/redis-server';

/**
 * The CLI batches its log lines (up to 4 KiB or 200 ms late). Whatever ends the
 * process — a fatal error, SIGTERM, SIGINT — the lines written before must reach
 * stdout: here the line of a request made just before the end.
 */

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

const CRASH = path.join(__dirname, '..', 'fixtures', 'crash-on-sigusr2.js');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-last-lines-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The gateway on its development defaults, with the crash trigger preloaded. */
async function start(): Promise<RunningCli> {
  const port = await freePort();
  return startCli({ command: [process.execPath, '-r', CRASH, CLI], cwd: dir, env: { OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${port}` } });
}

/** A request that logs one line (a 401 logs at info) and the request id of that line. */
async function loggedRequest(cli: RunningCli): Promise<string> {
  const res = await fetch(`${cli.url}/api/providers`);
  expect(res.status).toBe(401);
  return res.headers.get('x-request-id') ?? '';
}

describe('the last log lines', () => {
  it('reach stdout when a fatal error kills the process right after a request, followed by a fatal line naming the error', async () => {
    const cli = await start();
    const reqId = await loggedRequest(cli);
    const code = await cli.stop('SIGUSR2');
    expect(code).toBe(1);
    const logs = cli.logs();
    expect(logs.find((l) => l.reqId === reqId)).toMatchObject({ route: 'providers', status: 401, code: 'unauthorized' });
    const fatal = logs.find((l) => l.level === 60);
    expect(fatal?.msg).toBe('fatal error, exiting: a bug nobody caught');
    expect(fatal).toMatchObject({ origin: 'uncaughtException', err: { message: 'a bug nobody caught' } });
    expect(logs.indexOf(fatal ?? {})).toBeGreaterThan(logs.findIndex((l) => l.reqId === reqId));
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('reach stdout when %s stops the process right after a request', async (signal) => {
    const cli = await start();
    const reqId = await loggedRequest(cli);
    expect(await cli.stop(signal)).toBe(0);
    const logs = cli.logs();
    expect(logs.find((l) => l.reqId === reqId)).toMatchObject({ status: 401 });
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: finishing in-flight requests', 'stopped']));
  });
});
