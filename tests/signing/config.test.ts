import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { validate } from '../../src/config/load';
import { ConfigError } from '../../src/config-fields';
import { buildGateway } from '../../src/gateway';
import { createLogger } from '../../src/log/logger';
import { newSigningKeyNote } from '../../src/signing/new-key-note';
import { parsePrivateKey } from '../../src/signing/keys';
import { runCli } from '../cli/cli-process';
import { keyFolder } from '../helpers/signing-keys';

/** `[signing]` and the new `[auth.X]` keys through the one config schema: every bad value is an error naming its key. */
const keys = keyFolder();
afterAll(() => keys.remove());

const AUTH = { A: { namespace: 'nsA', secret: 'secret-of-tenant-A' } };

function problems(raw: Record<string, unknown>): string[] {
  try {
    validate({ auth: AUTH, ...raw });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('[signing] key_files', () => {
  it('accepts Ed25519 and P-256 private keys', () => {
    expect(problems({ signing: { key_files: [keys.privateKey('a.pem'), keys.privateKey('b.pem', 'p256')] } })).toEqual([]);
  });

  it('names the key (its index and file) and what is wrong with it: public only, missing, not a key, unsupported', () => {
    const rsa = keys.file('rsa.pem', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const p384 = keys.file('p384.pem', generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const files = [keys.privateKey('ok.pem'), keys.publicKey('public.pem'), '/nonexistent/key.pem', keys.file('text.pem', 'hello'), rsa, p384];
    const found = problems({ signing: { key_files: files } });
    expect(found).toEqual([
      `signing.key_files.1: ${JSON.stringify(files[1])} holds a public key only; expected the PRIVATE key (the JWKS publishes its public half)`,
      'signing.key_files.2: "/nonexistent/key.pem": file not found (expected a PEM private key, Ed25519 or P-256)',
      `signing.key_files.3: ${JSON.stringify(files[3])} holds no PEM private key ("-----BEGIN PRIVATE KEY-----")`,
      `signing.key_files.4: ${JSON.stringify(rsa)} holds a key of type rsa; expected Ed25519 or P-256 (ES256)`,
      `signing.key_files.5: ${JSON.stringify(p384)} holds a key of type ec (secp384r1); expected Ed25519 or P-256 (ES256)`,
    ]);
  });

  it('stops the command with exit code 2 and the key named', async () => {
    const bad = keys.publicKey('cli-public.pem');
    const config = keys.file('cli.toml', `[auth.MyApp]\nsecret = "a-secret-of-16-chars"\n[providers.log]\nenabled = true\n[signing]\nkey_files = [${JSON.stringify(bad)}]\n`);
    const run = await runCli({ args: ['--config', config], cwd: process.cwd() });
    expect(run.code).toBe(2);
    expect(run.stderr + run.stdout).toContain(`signing.key_files.0: ${JSON.stringify(bad)} holds a public key only`);
  });

  it('token_ttl is 10-86400 seconds', () => {
    expect(problems({ signing: { token_ttl: 5 } })[0]).toMatch(/^signing\.token_ttl: /);
  });
});

describe('[auth.X] redirect_uris, events_url, events_secret', () => {
  it('refuses a redirect_uri that is not an absolute http(s) URL or carries a #fragment, naming its index', () => {
    const found = problems({ auth: { A: { ...AUTH.A, redirect_uris: ['https://ok.example/cb', '/relative', 'ftp://x.example/', 'https://x.example/cb#frag'] } } });
    expect(found.map((p) => p.split(':')[0])).toEqual(['auth.A.redirect_uris.1', 'auth.A.redirect_uris.2', 'auth.A.redirect_uris.3']);
  });

  it('wants an events_secret of 16+ characters with an events_url', () => {
    expect(problems({ auth: { A: { ...AUTH.A, events_url: 'https://app.example/events' } } })).toEqual([
      'auth.A.events_secret: expected a secret of 16+ characters to sign the events sent to events_url',
    ]);
    expect(problems({ auth: { A: { ...AUTH.A, events_url: 'not a url', events_secret: 'x'.repeat(16) } } })[0]).toMatch(/^auth\.A\.events_url: /);
  });
});

describe('keys made by the gateway', () => {
  it('the embedded development defaults make an ephemeral Ed25519 key and say so in the log', async () => {
    const logs: string[] = [];
    const logger = createLogger({ destination: new Writable({ write: (c: Buffer, _e, done) => void (logs.push(c.toString()), done()) }) });
    const { config } = validate({ auth: AUTH, providers: { log: { enabled: true } } });
    const gw = await buildGateway({ config, baseDirs: [], embedded: true }, logger);
    await gw.close();
    expect(logs.join('')).toMatch(/EPHEMERAL Ed25519 key/);
    const plain = await buildGateway({ config, baseDirs: [] }, logger);
    await plain.close();
    expect(logs.join('').match(/EPHEMERAL/g)).toHaveLength(1);
  });

  it('--new-config\'s note holds a usable Ed25519 private key and the [signing] lines', () => {
    const note = newSigningKeyNote();
    expect(note).toMatch(/^# {3}\[signing\]$/m);
    const pem = note.slice(note.indexOf('-----BEGIN PRIVATE KEY-----'));
    const key = parsePrivateKey(pem);
    expect(typeof key === 'string' ? key : key.asymmetricKeyType).toBe('ed25519');
  });
});
