import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runtimeInfo } from '../../src/runtime';
import { freePort } from '../helpers/redis-server';
import { CLI_TEST_TIMEOUT_MS, startCli } from './cli-process';

jest.setTimeout(CLI_TEST_TIMEOUT_MS);

// The suite runs on a supported LTS (24) and on an end-of-life one (20): each run checks its own side.
describe('the startup warning about the Node.js release', () => {
  it('is logged, naming the release and its end of life, exactly when the node it runs on is not a supported LTS', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-runtime-'));
    try {
      const cli = await startCli({ cwd: dir, env: { OTP_GATEWAY_APP__ADDRESS: `127.0.0.1:${await freePort()}` } });
      const warning = cli.logs().find((l) => String(l.msg).startsWith('running on Node.js'));
      await cli.stop();
      const runtime = runtimeInfo();
      if (runtime.supported) expect(warning).toBeUndefined();
      else expect(warning).toMatchObject({ level: 40, node: process.version, msg: expect.stringMatching(/^running on Node\.js v\d+\.\d+\.\d+ \(.*(END OF LIFE|not LTS)/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
