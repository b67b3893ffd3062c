import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message the peer accepted, parsed with mailparser. */
export interface ReceivedMail {
  /** Envelope sender and recipients (MAIL FROM / RCPT TO). */
  from: string;
  to: string[];
  parsed: ParsedMail;
  raw: Buffer;
  /** The SASL method the client authenticated with, if any ("PLAIN", "LOGIN", "CRAM-MD5"). */
  authMethod?: string;
  /** Whether the session was encrypted (TLS or after STARTTLS). */
  secure: boolean;
}

/** How the SMTP peer behaves. */
export interface SmtpPeerOptions {
  /** Require these credentials (PLAIN, LOGIN and CRAM-MD5 offered). Without it, AUTH is disabled. */
  auth?: { username: string; password: string };
  /** `none`: plain text, STARTTLS not offered; `STARTTLS`: offered; `TLS`: implicit TLS from the first byte. */
  tls?: 'none' | 'STARTTLS' | 'TLS';
  /** Answer DATA with this SMTP error instead of accepting the message. */
  reject?: { code: number; message: string };
  /** Never answer DATA (timeout tests). */
  hang?: boolean;
  /** Answer DATA after this many milliseconds (pooling tests). */
  delayMs?: number;
}

/** A real `smtp-server` on a free loopback port that keeps every message it accepted. */
export interface SmtpPeer {
  port: number;
  messages: ReceivedMail[];
  /** TCP connections opened so far. */
  readonly connections: number;
  /** Resolve once `count` messages have been accepted. */
  waitForMessages(count: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

let cachedCert: { key: string; cert: string } | undefined;

/**
 * A self-signed certificate for 127.0.0.1/localhost, made once per test process.
 * Node cannot issue X.509 certificates itself, so the `openssl` CLI writes it into a temp folder.
 */
export function selfSignedCert(): { key: string; cert: string } {
  if (cachedCert) return cachedCert;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'otp-smtp-cert-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert],
      { stdio: 'ignore' },
    );
    cachedCert = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
    return cachedCert;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Start an SMTP peer; messages are parsed with mailparser as they arrive. */
export async function startSmtpPeer(options: SmtpPeerOptions = {}): Promise<SmtpPeer> {
  const tls = options.tls ?? 'none';
  const messages: ReceivedMail[] = [];
  const waiters: (() => void)[] = [];
  const disabled = [...(tls === 'none' ? ['STARTTLS'] : []), ...(options.auth ? [] : ['AUTH'])];
  let connections = 0;
  const server = new SMTPServer({
    ...(tls === 'none' ? {} : selfSignedCert()),
    secure: tls === 'TLS',
    disabledCommands: disabled,
    authOptional: !options.auth,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    disableReverseLookup: true,
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      const expected = options.auth;
      const ok =
        expected !== undefined &&
        auth.username === expected.username &&
        (auth.method === 'CRAM-MD5' ? auth.validatePassword(expected.password) : auth.password === expected.password);
      if (!ok) return callback(new Error('Invalid username or password'));
      callback(null, { user: { method: auth.method } });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (options.hang) return;
        if (options.reject) {
          const err = Object.assign(new Error(options.reject.message), { responseCode: options.reject.code });
          return callback(err);
        }
        const raw = Buffer.concat(chunks);
        const accept = (): void => {
          simpleParser(raw, (err: unknown, parsed: ParsedMail) => {
            if (err) return callback(err instanceof Error ? err : new Error(String(err)));
            const user = session.user as { method?: string } | undefined;
            messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              parsed,
              raw,
              authMethod: user?.method,
              secure: session.secure,
            });
            for (const wake of waiters.splice(0)) wake();
            callback();
          });
        };
        if (options.delayMs) setTimeout(accept, options.delayMs);
        else accept();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  return {
    port,
    messages,
    get connections() {
      return connections;
    },
    async waitForMessages(count) {
      while (messages.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return messages.slice(0, count);
    },
    close() {
      return new Promise<void>((resolve) => {
        // Drop hanging sessions at once instead of waiting for smtp-server's close timeout.
        for (const connection of server.connections as Set<{ close(): void }>) connection.close();
        server.close(() => resolve());
      });
    },
  };
}
