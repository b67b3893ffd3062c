import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { OTP_OBJECT_FIELDS } from '../http/api-harness';
import { EXAMPLES, example, readmeBlocks, REPO, type CodeBlock } from './readme-blocks';

/**
 * Every code block of the README is run by a test. A runnable block is a file of examples/readme/,
 * shown in the README word for word and run by tests/readme/*.test.ts. Any other block is listed
 * below with the test that runs its commands or checks what it shows; a new block that is neither
 * fails here until it gets one.
 */
const CHECKED_ELSEWHERE: { starts: string; by: string; how: string }[] = [
  { starts: 'npm ci && npm start\n', by: 'tests/readme/quick-start.test.ts', how: 'runs it word for word in a fresh copy of the repository' },
  { starts: 'npm test\n', by: '.ci/run', how: 'CI runs exactly `npm ci && npm test`' },
  { starts: 'npm ci && npm run build:binary', by: 'tests/cli/binary.test.ts', how: 'builds with scripts/build-binary.js, then runs the executable alone: --new-config, --config' },
  { starts: 'docker build -t otpgateway .', by: 'tests/dist/runtime-image.test.ts', how: 'rebuilds the runtime stage from the Dockerfile and runs --new-config and --config in it' },
  { starts: 'docker run -d -p 9000:9000 \\', by: 'tests/dist/runtime-image.test.ts', how: 'runs the image configured by the environment alone' },
  { starts: 'docker compose build', by: 'tests/dist/runtime-image.test.ts', how: 'the image the Compose file runs' },
  { starts: 'npm ci && npm pack', by: 'tests/dist/npm-pack.test.ts', how: 'packs, installs the tarball globally, runs --version and --new-config' },
  { starts: 'npm start                            # terminal 1', by: 'tests/e2e/support.ts', how: 'starts examples/host-app/server.js with its variables for the browser tests' },
  { starts: '{ "status": "success", "data": … }', by: 'tests/http/api-pipeline.test.ts', how: 'the envelope (a shape, not JSON)' },
  { starts: '{\n  "namespace": "myApp"', by: 'tests/readme/code-blocks.test.ts', how: 'the OTP object: the fields of a real create response (below)' },
  { starts: 'node dist/src/cli.js --config config.toml', by: 'tests/cli/config-errors.test.ts', how: 'a synopsis of the flags (`--version | --help`); tests/logs/pretty-logs.test.ts runs --pretty-logs' },
  { starts: 'config error: providers.smtp.port', by: 'tests/readme/integration.test.ts', how: 'the output of a config with these two mistakes, produced by the CLI' },
  { starts: 'POST <url>\n', by: 'tests/providers/webhook.test.ts', how: 'the request a webhook receives: method, headers, body' },
  { starts: 'cli.ts            argv/env', by: 'README.md', how: 'the Architecture diagram: a picture, not code' },
  { starts: 'npm run loadtest -- --url', by: 'tests/loadtest/loadtest.test.ts', how: 'runs the built load test with these flags (shorter, fewer users) against a test gateway, and against a double that refuses right codes' },
  { starts: 'otpgateway 0.1.0\nNode.js v', by: 'tests/cli/binary.test.ts', how: 'the executable\'s --version output, checked line by line' },
  { starts: "const { verifyResultToken, ResultTokenError } = require('otpgateway-client');", by: 'packages/client/tests/verify-token.test.ts', how: 'verifyResultToken with these options against a real gateway, and each check a ResultTokenError names' },
  { starts: "const crypto = require('node:crypto');\n\n/** True when the event is signed", by: 'tests/events/webhooks.test.ts', how: 'checks every event\'s X-OTPGateway-Signature the same way (HMAC of t.body, timing-safe, recent t)' },
];

describe('the code blocks of the README', () => {
  const blocks = readmeBlocks();
  const files = readdirSync(EXAMPLES).filter((f) => f !== 'README.md').sort();
  const fileOf = (block: CodeBlock): string | undefined => files.find((f) => example(f) === block.text);
  const listed = (block: CodeBlock): (typeof CHECKED_ELSEWHERE)[number] | undefined => CHECKED_ELSEWHERE.find((c) => block.text.startsWith(c.starts));

  test('each is a file of examples/readme/ or listed with the test that runs or checks it', () => {
    const unaccounted = blocks.filter((b) => !fileOf(b) && !listed(b)).map((b) => `README.md:${b.line}: ${b.text.split('\n')[0]}`);
    expect(unaccounted).toEqual([]);
  });

  test('every file of examples/readme/ is shown in the README, once and word for word', () => {
    expect(files.map((f) => [f, blocks.filter((b) => b.text === example(f)).length])).toEqual(files.map((f) => [f, 1]));
  });

  test('every listed block is still in the README, and its test exists', () => {
    expect(CHECKED_ELSEWHERE.filter((c) => !blocks.some((b) => b.text.startsWith(c.starts))).map((c) => c.starts)).toEqual([]);
    expect(CHECKED_ELSEWHERE.filter((c) => !existsSync(path.join(REPO, c.by))).map((c) => c.by)).toEqual([]);
  });

  test('the OTP object shown is JSON with exactly the fields of a create response', () => {
    const block = blocks.find((b) => b.text.startsWith('{\n  "namespace": "myApp"'));
    const shown = JSON.parse(block?.text ?? '') as Record<string, unknown>;
    expect(Object.keys(shown).sort()).toEqual([...OTP_OBJECT_FIELDS, 'otp'].sort());
  });
});
