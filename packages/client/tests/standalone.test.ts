import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Apps install `otpgateway-client` alone: the built client must load with none
 * of the server's dependencies (express, redis…) and nothing from the server's modules;
 * its one dependency is `jose` (result tokens), which itself has none.
 */
const BUILT = path.join(__dirname, '..', 'dist');
const BUILT_CLIENT = path.join(BUILT, 'client');

describe('the built client stands alone', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BUILT_CLIENT)) throw new Error(`${BUILT_CLIENT} is missing: build first (npm run build:client)`);
    dir = mkdtempSync(path.join(os.tmpdir(), 'otpgw-client-'));
    cpSync(BUILT_CLIENT, dir, { recursive: true, filter: (src) => !src.endsWith('.map') });
    // What `npm install otpgateway-client` puts beside it: its one dependency.
    cpSync(path.dirname(require.resolve('jose/package.json')), path.join(dir, 'node_modules', 'jose'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('its modules require only each other, node: built-ins and jose', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
    expect(files).toContain('index.js');
    const required = files.flatMap((f) => [...readFileSync(path.join(dir, f), 'utf8').matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    expect([...new Set(required.filter((r) => !r?.startsWith('./') && !r?.startsWith('node:')))]).toEqual(['jose']);
  });

  test('a copy of it in a folder with no node_modules anywhere above loads and builds a client', () => {
    const above = [];
    for (let d = dir; path.dirname(d) !== d; d = path.dirname(d)) above.push(path.join(path.dirname(d), 'node_modules'));
    expect(above.filter((d) => existsSync(d))).toEqual([]);
    expect(readdirSync(path.join(dir, 'node_modules'))).toEqual(['jose']);
    const script = "const c = require('./index.js'); new c.OTPGatewayClient({ baseUrl: 'http://x', namespace: 'n', secret: 's' }); console.log(Object.keys(c).sort().join(','))";
    const out = execFileSync(process.execPath, ['-e', script], { cwd: dir, env: { PATH: process.env.PATH ?? '' } }).toString();
    expect(out.trim()).toBe('OTPGatewayClient,OTPGatewayError,ResultTokenError,verifyResultToken');
  });

  test('its only file outside dist/client is the declaration of the core\'s wire types, which imports nothing', () => {
    expect(readdirSync(BUILT).sort()).toEqual(['client', 'otp']);
    const types = readFileSync(path.join(BUILT, 'otp', 'types.d.ts'), 'utf8');
    expect(types).toMatch(/export interface Otp \{/);
    expect(types).not.toMatch(/^import|from '/m);
  });
});
