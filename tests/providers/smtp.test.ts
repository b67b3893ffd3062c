import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTestGateway, type TestGateway } from '../helpers/gateway';
import { startSmtpPeer, type SmtpPeer, type SmtpPeerOptions } from '../helpers/smtp-peer';
import { createOtp, logLines, storedOtp } from './api';

const FROM = 'Acme verification <otp@acme.test>';

/** Run `fn` with an SMTP peer and a gateway whose smtp provider points at it. */
async function withSmtp(
  peerOptions: SmtpPeerOptions,
  smtp: Record<string, unknown>,
  fn: (peer: SmtpPeer, gw: TestGateway) => Promise<void>,
): Promise<void> {
  const peer = await startSmtpPeer(peerOptions);
  const gw = await buildTestGateway({
    store: 'memory',
    config: { providers: { smtp: { enabled: true, host: '127.0.0.1', port: peer.port, from_email: FROM, timeout: '10s', ...smtp } } },
  });
  try {
    await fn(peer, gw);
  } finally {
    await gw.close();
    await peer.close();
  }
}

describe('smtp, delivering to a real smtp-server', () => {
  it('sends an HTML mail with the code, the one-click link and the validity, plus a plain-text alternative', async () => {
    await withSmtp({}, {}, async (peer, gw) => {
      const res = await createOtp(gw, 'mail-send-1', { provider: 'smtp', to: 'john@example.com' });
      expect(res.status).toBe(200);
      const code = res.body.data?.otp as string;
      const link = `http://gw.test/otp/nsA/mail-send-1?action=check&otp=${code}`;
      const [mail] = await peer.waitForMessages(1);
      if (!mail) throw new Error('no mail');
      expect(mail.from).toBe('otp@acme.test');
      expect(mail.to).toEqual(['john@example.com']);
      expect(mail.secure).toBe(false);
      expect(mail.parsed.from?.text).toBe('"Acme verification" <otp@acme.test>');
      expect(mail.parsed.subject).toBe('nsA: E-mail verification');
      const html = String(mail.parsed.html);
      expect(html).toContain(`>${code}</p>`);
      expect(html).toContain(`href="${link.replace('&', '&amp;')}"`);
      expect(html).toContain('valid for 5 minutes');
      const text = mail.parsed.text ?? '';
      expect(text).toContain(code);
      expect(text).toContain(link);
      expect(text).toContain('valid for 5 minutes');
      expect(text).not.toMatch(/<[a-z]/i);
    });
  });

  it('normalises the address (lower-case domain) and refuses ones that are not e-mail addresses', async () => {
    await withSmtp({}, {}, async (peer, gw) => {
      const ok = await createOtp(gw, 'mail-norm-1', { provider: 'smtp', to: '  John.Doe@Example.COM ' });
      expect(ok.body.data?.to).toBe('John.Doe@example.com');
      expect((await storedOtp(gw, 'mail-norm-1')).to).toBe('John.Doe@example.com');
      expect((await peer.waitForMessages(1))[0]?.to).toEqual(['John.Doe@example.com']);
      for (const bad of ['john@example', 'john example@x.com', 'john@@example.com', '<john@example.com>', 'a@b.c']) {
        const res = await createOtp(gw, 'mail-bad-1', { provider: 'smtp', to: bad });
        expect({ bad, status: res.status, message: res.body.message }).toEqual({
          bad,
          status: 400,
          message: 'Invalid `to` address: it is not a valid e-mail address (expected name@example.com).',
        });
      }
      expect(peer.messages).toHaveLength(1);
    });
  });

  it.each([
    ['login', 'LOGIN'],
    ['plain', 'PLAIN'],
    ['cram', 'CRAM-MD5'],
  ])('authenticates with auth_protocol = "%s" (SASL %s)', async (protocol, method) => {
    const auth = { username: 'mailer', password: 's3cret-pw' };
    await withSmtp({ auth }, { auth_protocol: protocol, username: auth.username, password: auth.password }, async (peer, gw) => {
      const res = await createOtp(gw, 'mail-auth-1', { provider: 'smtp', to: 'john@example.com' });
      expect(res.status).toBe(200);
      expect((await peer.waitForMessages(1))[0]?.authMethod).toBe(method);
    });
  });

  it('answers 502 when the server refuses the credentials, logging why', async () => {
    const auth = { username: 'mailer', password: 's3cret-pw' };
    await withSmtp({ auth }, { auth_protocol: 'login', username: 'mailer', password: 'wrong' }, async (peer, gw) => {
      const res = await createOtp(gw, 'mail-auth-2', { provider: 'smtp', to: 'john@example.com' });
      expect(res.status).toBe(502);
      expect(res.text).not.toContain('Invalid username or password');
      const failure = logLines(gw, 'delivery failed').find((l) => l.provider === 'smtp');
      expect(failure?.err).toContain('Invalid username or password');
      expect(peer.messages).toHaveLength(0);
    });
  });

  it('answers 502 when the server requires authentication and auth_protocol = "none"', async () => {
    const auth = { username: 'mailer', password: 's3cret-pw' };
    await withSmtp({ auth }, { auth_protocol: 'none' }, async (peer, gw) => {
      const res = await createOtp(gw, 'mail-auth-3', { provider: 'smtp', to: 'john@example.com' });
      expect(res.status).toBe(502);
      expect(peer.messages).toHaveLength(0);
    });
  });

  it('upgrades with STARTTLS when tls_type = "STARTTLS" (self-signed peer, tls_skip_verify = true)', async () => {
    await withSmtp({ tls: 'STARTTLS' }, { tls_type: 'STARTTLS', tls_skip_verify: true }, async (peer, gw) => {
      expect((await createOtp(gw, 'mail-tls-1', { provider: 'smtp', to: 'john@example.com' })).status).toBe(200);
      expect((await peer.waitForMessages(1))[0]?.secure).toBe(true);
    });
  });

  it('speaks TLS from the first byte when tls_type = "TLS"', async () => {
    const auth = { username: 'mailer', password: 'pw' };
    await withSmtp({ tls: 'TLS', auth }, { tls_type: 'TLS', tls_skip_verify: true, auth_protocol: 'plain', username: 'mailer', password: 'pw' }, async (peer, gw) => {
      expect((await createOtp(gw, 'mail-tls-2', { provider: 'smtp', to: 'john@example.com' })).status).toBe(200);
      const [mail] = await peer.waitForMessages(1);
      expect(mail?.secure).toBe(true);
      expect(mail?.authMethod).toBe('PLAIN');
    });
  });

  it('refuses a self-signed certificate unless tls_skip_verify = true', async () => {
    await withSmtp({ tls: 'STARTTLS' }, { tls_type: 'STARTTLS' }, async (peer, gw) => {
      expect((await createOtp(gw, 'mail-tls-3', { provider: 'smtp', to: 'john@example.com' })).status).toBe(502);
      expect(logLines(gw, 'delivery failed').some((l) => /certificate/i.test(String(l.err)))).toBe(true);
      expect(peer.messages).toHaveLength(0);
    });
  });

  it('with tls_type = "STARTTLS" never falls back to plain text when the server does not offer it', async () => {
    await withSmtp({ tls: 'none' }, { tls_type: 'STARTTLS', tls_skip_verify: true }, async (peer, gw) => {
      expect((await createOtp(gw, 'mail-tls-4', { provider: 'smtp', to: 'john@example.com' })).status).toBe(502);
      expect(peer.messages).toHaveLength(0);
    });
  });

  it('with tls_type = "none" and no password stays in plain text even when the server offers STARTTLS', async () => {
    await withSmtp({ tls: 'STARTTLS' }, { tls_type: 'none' }, async (peer, gw) => {
      expect((await createOtp(gw, 'mail-tls-5', { provider: 'smtp', to: 'john@example.com' })).status).toBe(200);
      expect((await peer.waitForMessages(1))[0]?.secure).toBe(false);
      expect(gw.logs.join('')).not.toMatch(/in clear/);
    });
  });

  it.each(['login', 'plain'])('with tls_type = "none" and auth_protocol = "%s" sends the password only after STARTTLS when the server offers it, and warns at start', async (protocol) => {
    const auth = { username: 'mailer', password: 'pw-in-clear?' };
    await withSmtp({ tls: 'STARTTLS', auth }, { tls_type: 'none', tls_skip_verify: true, auth_protocol: protocol, ...auth }, async (peer, gw) => {
      expect((await createOtp(gw, 'mail-tls-6', { provider: 'smtp', to: 'john@example.com' })).status).toBe(200);
      const [mail] = await peer.waitForMessages(1);
      expect(mail).toMatchObject({ secure: true, authMethod: protocol.toUpperCase() });
      const [warning] = gw.logs.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => /tls_type = "none"/.test(l.msg));
      expect(warning?.level).toBe(40);
      expect(warning?.msg).toMatch(/in clear when it does not .*Set tls_type = "STARTTLS"/);
    });
  });

  it('with opportunistic_tls = false sends the password in clear as told, and warns at start that it does', async () => {
    const auth = { username: 'mailer', password: 'pw' };
    await withSmtp({ tls: 'STARTTLS', auth }, { tls_type: 'none', auth_protocol: 'plain', opportunistic_tls: false, ...auth }, async (peer, gw) => {
      expect((await createOtp(gw, 'mail-tls-7', { provider: 'smtp', to: 'john@example.com' })).status).toBe(200);
      expect((await peer.waitForMessages(1))[0]).toMatchObject({ secure: false, authMethod: 'PLAIN' });
      expect(gw.logs.join('')).toMatch(/opportunistic_tls = false: the password is sent in clear/);
    });
  });

  it('answers 502 for an SMTP 5xx, with the server reason in the log and not in the answer', async () => {
    await withSmtp({ reject: { code: 550, message: 'mailbox-secret-detail unavailable' } }, {}, async (_peer, gw) => {
      const res = await createOtp(gw, 'mail-5xx-1', { provider: 'smtp', to: 'john@example.com' });
      expect(res.status).toBe(502);
      expect(res.body).toEqual({ status: 'error', code: 'delivery_failed', message: expect.stringMatching(/^Error sending OTP: the provider \w+ did not accept the message\./) });
      expect(res.text).not.toContain('mailbox-secret-detail');
      const failure = logLines(gw, 'delivery failed').find((l) => String(l.err).includes('mailbox-secret-detail'));
      expect(failure?.err).toContain('550');
    });
  });

  it('answers 502 when the server stops answering, within a 1s timeout', async () => {
    await withSmtp({ hang: true }, { timeout: '1s' }, async (_peer, gw) => {
      const res = await createOtp(gw, 'mail-hang-1', { provider: 'smtp', to: 'john@example.com' });
      expect(res.status).toBe(502);
      expect(logLines(gw, 'delivery failed').some((l) => String(l.err).includes('smtp 127.0.0.1'))).toBe(true);
    });
  });

  it('keeps at most max_conns pooled connections however many mails are in flight', async () => {
    await withSmtp({ delayMs: 100 }, { max_conns: 2 }, async (peer, gw) => {
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) => createOtp(gw, `mail-pool-${i}`, { provider: 'smtp', to: `user${i}@example.com` })),
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(peer.messages).toHaveLength(6);
      expect(peer.connections).toBeLessThanOrEqual(2);
    });
  });

  it('uses a custom template file and subject, Go-style placeholders included', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'otp-tpl-'));
    const file = path.join(dir, 'mail.html');
    writeFileSync(file, '<p>Hi {{ .To }}, your {{ .Namespace }} code is <b>{{ .OTP }}</b>.</p><p><a href="{{ .OTPURL }}">Verify</a></p>');
    try {
      await withSmtp({}, { subject: '{{ .OTP }} is your {{ .Channel }} code', template: file }, async (peer, gw) => {
        const res = await createOtp(gw, 'mail-tpl-1', { provider: 'smtp', to: 'john@example.com' });
        const code = res.body.data?.otp as string;
        const [mail] = await peer.waitForMessages(1);
        expect(mail?.parsed.subject).toBe(`${code} is your E-mail code`);
        expect(String(mail?.parsed.html)).toContain(`<p>Hi john@example.com, your nsA code is <b>${code}</b>.</p>`);
        expect(mail?.parsed.text).toContain(`Verify (http://gw.test/otp/nsA/mail-tpl-1?action=check&otp=${code})`);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
