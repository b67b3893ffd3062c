#!/usr/bin/env node
// `npm test`: build (the CLI tests run the built server), then the whole jest
// suite, then the closing line `N passed, M failed`.
// Extra arguments go to jest, e.g. `npm test -- tests/store`.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'otpgw-test-')), 'summary');
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', OTP_TEST_SUMMARY_FILE: summaryFile };
const run = (args) => spawnSync(process.execPath, args, { stdio: 'inherit', env });

const build = run([require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json']);
if (build.status !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
const jest = run([require.resolve('jest/bin/jest'), ...process.argv.slice(2)]);
const summary = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8') : '0 passed, 1 failed';
console.log(`\n${summary}`);
process.exit(jest.status ?? 1);
