import { newId, OTP_OBJECT_FIELDS, useApi } from './api-harness';

const MISSING = { status: 'error', code: 'not_found', message: 'The OTP does not exist or has expired.' };

describe.each(['memory', 'redis'] as const)('creating OTPs through /api on the %s store', (store) => {
  const api = useApi(store);

  describe('bodies and defaults', () => {
    it('creates an OTP from a form body with every field set', async () => {
      const id = newId();
      const form = new URLSearchParams({
        provider: 'log', to: ' john@example.com ', channel_description: 'Check your mail', address_description: 'Your work e-mail',
        otp: 'Penny-0.17', ttl: '120', max_attempts: '7', max_generate: '4', extra: '{"yes":true,"n":[1,2]}',
      }).toString();
      const res = await api.as.a.put(`/api/otp/${id}`, form).expect(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.body.status).toBe('success');
      expect(Object.keys(res.body.data).sort()).toEqual([...OTP_OBJECT_FIELDS, 'otp'].sort());
      expect(res.body.data).toMatchObject({
        namespace: 'nsA', id, to: 'john@example.com', channel_description: 'Check your mail', address_description: 'Your work e-mail',
        extra: { yes: true, n: [1, 2] }, provider: 'log', otp: 'Penny-0.17', max_attempts: 7, attempts: 0, max_generate: 4,
        generate: 1, closed: false, url: `http://gw.test/otp/nsA/${id}`,
      });
      expect(res.body.data.ttl).toBeGreaterThan(0);
      expect(res.body.data.ttl).toBeLessThanOrEqual(120);
    });

    it('creates an OTP from a JSON body, where numbers may be numbers and extra any JSON value', async () => {
      for (const extra of [{ plan: 'pro' }, [1, 'two'], 42, 'text', true]) {
        const res = await api.as.a.put(`/api/otp/${newId()}`, { provider: 'log', to: 'j@example.com', ttl: 60, max_attempts: 2, max_generate: '9', extra }).expect(200);
        expect(res.body.data).toMatchObject({ extra, max_attempts: 2, max_generate: 9, generate: 1, attempts: 0 });
        expect(res.body.data.ttl).toBeLessThanOrEqual(60);
      }
    });

    it('fills in the app defaults and a random six-digit code, and accepts an empty address for the UI to ask', async () => {
      const res = await api.as.a.put(`/api/otp/${newId()}`, 'provider=log').expect(200);
      expect(res.body.data).toMatchObject({ to: '', extra: {}, channel_description: '', address_description: '', max_attempts: 5, max_generate: 3 });
      expect(res.body.data.otp).toMatch(/^\d{6}$/);
      expect(res.body.data.ttl).toBeGreaterThan(290);
      expect(res.body.data.ttl).toBeLessThanOrEqual(300);
    });

    it('treats null in a JSON body as an absent field', async () => {
      const body = { provider: 'log', to: null, otp: null, ttl: null, max_attempts: null, max_generate: null, channel_description: null, extra: null };
      const res = await api.as.a.put(`/api/otp/${newId()}`, body).expect(200);
      expect(res.body.data).toMatchObject({ to: '', channel_description: '', extra: {}, max_attempts: 5, max_generate: 3 });
      expect(res.body.data.otp).toMatch(/^\d{6}$/);
      expect(res.body.data.ttl).toBeGreaterThan(290);
    });

    it('generates a random 32-character alphanumeric id for PUT /api/otp', async () => {
      const first = await api.as.a.put('/api/otp', 'provider=log&to=a@example.com').expect(200);
      const second = await api.as.a.put('/api/otp', { provider: 'log' }).expect(200);
      for (const res of [first, second]) {
        expect(res.body.data.id).toMatch(/^[A-Za-z0-9]{32}$/);
        expect(res.body.data.url).toBe(`http://gw.test/otp/nsA/${res.body.data.id}`);
      }
      expect(first.body.data.id).not.toBe(second.body.data.id);
      await api.as.a.post(`/api/otp/${first.body.data.id}`, { otp: first.body.data.otp }).expect(200);
    });

    it('accepts ids of 6 and of 128 characters from the whole allowed alphabet', async () => {
      for (const id of ['abc-_9', 'Az09-_.:@x', `${'a'.repeat(60)}user.42:mail@example.com-${'Z'.repeat(40)}`.slice(0, 128)]) {
        const res = await api.as.a.put(`/api/otp/${encodeURIComponent(id)}`, 'provider=log').expect(200);
        expect(res.body.data.id).toBe(id);
        await api.as.a.post(`/api/otp/${encodeURIComponent(id)}`, { otp: res.body.data.otp }).expect(200);
      }
    });

    it.each([
      ['5 characters', 'abcde'],
      ['129 characters', 'a'.repeat(129)],
      ['a space', 'abc%20def'],
      ['a dollar sign', 'abc$def'],
      ['a non-ASCII letter', encodeURIComponent('abcdéf')],
      ['an encoded slash', 'abc%2Fdef'],
      ['broken percent-encoding', 'abc%zzdef'],
    ])('refuses an id with %s on every route', async (_name, id) => {
      for (const res of [
        await api.as.a.put(`/api/otp/${id}`, 'provider=log'),
        await api.as.a.post(`/api/otp/${id}`, 'otp=123456'),
        await api.as.a.post(`/api/otp/${id}/status`),
        await api.as.a.delete(`/api/otp/${id}/status`),
        await api.as.a.delete(`/api/otp/${id}`),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ status: 'error', code: 'invalid_id', message: expect.stringMatching(/^Invalid `id`|percent-encoding/) });
      }
    });
  });

  describe('invalid fields', () => {
    const long = (n: number): string => 'x'.repeat(n);
    it.each([
      ['ttl 0', { ttl: '0' }, /^Invalid `ttl` value: must be a whole number of seconds between 1 and 86400\.$/],
      ['ttl 86401', { ttl: '86401' }, /^Invalid `ttl` value/],
      ['ttl 1.5', { ttl: '1.5' }, /^Invalid `ttl` value/],
      ['ttl abc', { ttl: 'abc' }, /^Invalid `ttl` value/],
      ['ttl -5', { ttl: '-5' }, /^Invalid `ttl` value/],
      ['max_attempts 0', { max_attempts: '0' }, /^Invalid `max_attempts` value: must be a whole number between 1 and /],
      ['max_attempts 2.5', { max_attempts: '2.5' }, /^Invalid `max_attempts` value/],
      ['max_generate 0', { max_generate: '0' }, /^Invalid `max_generate` value/],
      ['extra that is not JSON', { extra: '{yes: true' }, /^Invalid JSON in `extra`: .+\.$/],
      ['a channel_description over 2000 characters', { channel_description: long(2001) }, /^Invalid `channel_description` value: must be at most 2000 characters\.$/],
      ['an address_description over 2000 characters', { address_description: long(2001) }, /^Invalid `address_description` value/],
      ['an otp over 64 characters', { otp: long(65) }, /^Invalid `otp` value/],
      ['an otp with a space', { otp: '12 34' }, /^Invalid `otp` value/],
      ['no provider', { provider: '' }, /^`provider` is required/],
      ['an unknown provider', { provider: 'carrier_pigeon' }, /^Unknown provider: "carrier_pigeon" is not a provider of this gateway\. Enabled providers: hook_flaky, hook_ok, log\.$/],
      ['an address the provider refuses', { provider: 'hook_ok', to: '1234567890123' }, /^Invalid `to` address: .+\.$/],
    ] as [string, Record<string, string>, RegExp][])(
      'refuses a form body with %s, and creates nothing',
      async (_name, fields, message) => {
        const id = newId('invalid');
        const res = await api.as.a.put(`/api/otp/${id}`, new URLSearchParams({ provider: 'log', to: 'a@example.com', ...fields }).toString());
        expect(res.status).toBe(400);
        // The field named in data.field is the last one the row sets (`to` for the refused address).
        expect(res.body).toEqual({ status: 'error', code: 'invalid_field', data: { field: Object.keys(fields).at(-1) }, message: expect.stringMatching(message) });
        expect((await api.as.a.post(`/api/otp/${id}/status`)).body).toEqual(MISSING);
      },
    );

    it.each([
      ['ttl 1.5', { ttl: 1.5 }, /^Invalid `ttl` value/],
      ['ttl 0', { ttl: 0 }, /^Invalid `ttl` value/],
      ['ttl as a boolean', { ttl: true }, /^Invalid `ttl` value/],
      ['max_attempts -1', { max_attempts: -1 }, /^Invalid `max_attempts` value/],
      ['max_generate as an object', { max_generate: { n: 1 } }, /^Invalid `max_generate` value/],
      ['a provider that is an array', { provider: ['log'] }, /^Invalid `provider` value/],
      ['an otp over 64 characters', { otp: '9'.repeat(65) }, /^Invalid `otp` value/],
      ['a to that is an object', { to: { address: 'a@example.com' } }, /^Invalid `to` value/],
    ])('refuses a JSON body with %s, and creates nothing', async (_name, fields, message) => {
      const id = newId('invalid');
      const res = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'a@example.com', ...fields });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ status: 'error', code: 'invalid_field', data: { field: Object.keys(fields)[0] }, message: expect.stringMatching(message) });
      expect((await api.as.a.post(`/api/otp/${id}/status`)).body).toEqual(MISSING);
    });

    it('refuses a form field sent twice', async () => {
      const res = await api.as.a.put(`/api/otp/${newId()}`, 'provider=log&ttl=60&ttl=120');
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^Invalid `ttl` value/);
    });
  });

  describe('regeneration, locks and delivery', () => {
    it('regenerates an existing id: new code, fields replaced, ttl restarted, generate + 1, attempts kept', async () => {
      const id = newId('regen');
      const first = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'old@example.com', ttl: 30, max_attempts: 5, extra: { v: 1 } }).expect(200);
      await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
      await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
      const second = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'new@example.com', ttl: 600, max_attempts: 5, extra: { v: 2 } }).expect(200);
      expect(second.body.data).toMatchObject({ to: 'new@example.com', extra: { v: 2 }, attempts: 2, generate: 2, closed: false });
      expect(second.body.data.ttl).toBeGreaterThan(30);
      expect(second.body.data.otp).toMatch(/^\d{6}$/);
      if (second.body.data.otp !== first.body.data.otp) {
        // The old code is gone (1 in a million the random codes coincide).
        expect((await api.as.a.post(`/api/otp/${id}`, { otp: first.body.data.otp })).body.data.attempts).toBe(3);
      }
      const verified = await api.as.a.post(`/api/otp/${id}`, { otp: second.body.data.otp }).expect(200);
      expect(verified.body.data).toMatchObject({ closed: true, to: 'new@example.com' });
    });

    it('keeps the record\'s own max_attempts and max_generate on a regeneration that does not set them, and takes new ones when it does', async () => {
      const id = newId('keep');
      await api.as.a.put(`/api/otp/${id}`, 'provider=log&to=a@example.com&max_attempts=3&max_generate=4').expect(200);
      const kept = await api.as.a.put(`/api/otp/${id}`, 'provider=log&to=a@example.com').expect(200);
      expect(kept.body.data).toMatchObject({ max_attempts: 3, max_generate: 4, generate: 2 });
      const changed = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'a@example.com', max_attempts: 2 }).expect(200);
      expect(changed.body.data).toMatchObject({ max_attempts: 2, max_generate: 4, generate: 3 });
    });

    it('returns the code only in the response to the PUT', async () => {
      const id = newId('secret');
      const code = 'Only-In-Put';
      expect((await api.as.a.put(`/api/otp/${id}`, { provider: 'log', otp: code, to: 'a@example.com' }).expect(200)).body.data.otp).toBe(code);
      const responses = [
        await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400),
        await api.as.a.post(`/api/otp/${id}/status`).expect(400),
        await api.as.a.post(`/api/otp/${id}`, { otp: code, skip_delete: true }).expect(200),
        await api.as.a.post(`/api/otp/${id}/status`).expect(200),
        await api.as.a.delete(`/api/otp/${id}/status`).expect(200),
      ];
      for (const res of responses) {
        expect(res.text).not.toContain(code);
        if (res.body.data) expect(Object.keys(res.body.data).sort()).toEqual(OTP_OBJECT_FIELDS);
      }
    });

    it('answers 429 with the budget and Retry-After when regenerating an OTP that is out of attempts, and sends nothing', async () => {
      const id = newId('locked');
      await api.as.a.put(`/api/otp/${id}`, { provider: 'hook_ok', to: '5550001', max_attempts: 2 }).expect(200);
      await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
      await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
      const sent = api.hooks.received.length;
      const res = await api.as.a.put(`/api/otp/${id}`, { provider: 'hook_ok', to: '5550001', max_attempts: 9 });
      expect(res.status).toBe(429);
      const seconds = Number(res.headers['retry-after']);
      expect(seconds).toBeGreaterThan(0);
      expect(res.body).toEqual({
        status: 'error',
        code: 'attempts_exceeded',
        message: `OTP attempts exceeded. Retry after ${seconds} seconds.`,
        data: { ttl_seconds: seconds, attempts: 2, max_attempts: 2 },
      });
      expect(api.hooks.received.length).toBe(sent);
    });

    it('answers 429 instead of regenerating a verified record that used its last attempt, so no dead code is sent', async () => {
      const id = newId('spent');
      const created = await api.as.a.put(`/api/otp/${id}`, { provider: 'hook_ok', to: '5550004', max_attempts: 2 }).expect(200);
      await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
      await api.as.a.post(`/api/otp/${id}`, { otp: created.body.data.otp, skip_delete: true }).expect(200);
      const sent = api.hooks.received.length;
      const res = await api.as.a.put(`/api/otp/${id}`, { provider: 'hook_ok', to: '5550004', max_attempts: 2 }).expect(429);
      expect(res.body.code).toBe('attempts_exceeded');
      expect(res.body.data).toEqual({ ttl_seconds: Number(res.headers['retry-after']), attempts: 2, max_attempts: 2 });
      expect(api.hooks.received.length).toBe(sent);
      // Cancelling first is the way to start over.
      await api.as.a.delete(`/api/otp/${id}`).expect(200);
      expect((await api.as.a.put(`/api/otp/${id}`, { provider: 'hook_ok', to: '5550004' }).expect(200)).body.data.attempts).toBe(0);
    });

    it('answers 429 once max_generate codes were generated for an id', async () => {
      const id = newId('generated');
      for (let i = 1; i <= 2; i++) {
        expect((await api.as.a.put(`/api/otp/${id}`, 'provider=log&max_generate=2').expect(200)).body.data.generate).toBe(i);
      }
      const res = await api.as.a.put(`/api/otp/${id}`, 'provider=log&max_generate=2').expect(429);
      expect(res.body.code).toBe('generate_limit');
      expect(res.body.data).toEqual({ ttl_seconds: Number(res.headers['retry-after']), attempts: 0, max_attempts: 5 });
    });

    it('delivers through a webhook before answering, with its Basic auth and the code', async () => {
      const res = await api.as.b.put(`/api/otp/${newId('hook')}`, { provider: 'hook_ok', to: '5550002' }).expect(200);
      const hook = api.hooks.received.find((h) => h.body.otp.id === res.body.data.id);
      expect(hook?.path).toBe('/ok');
      expect(hook?.authorization).toBe(`Basic ${Buffer.from('hook-user:hook-pass').toString('base64')}`);
      expect(hook?.body.otp).toMatchObject({ otp: res.body.data.otp, to: '5550002', namespace: 'nsB' });
    });

    it('answers 502 when delivery fails, keeps the upstream reason out of the response, and keeps the record for a retry', async () => {
      const id = newId('flaky');
      api.hooks.statusFor.set('/flaky', { status: 500, body: 'upstream-internal-reason-7731' });
      const failed = await api.as.a.put(`/api/otp/${id}`, { provider: 'hook_flaky', to: '5550003' });
      expect(failed.status).toBe(502);
      expect(failed.body).toEqual({
        status: 'error',
        code: 'delivery_failed',
        message: 'Error sending OTP: the provider hook_flaky did not accept the message. The OTP is kept: retry in a moment.',
      });
      expect(failed.text).not.toContain('upstream-internal-reason');
      expect(api.gw.logs.join('')).toContain('upstream-internal-reason-7731');
      expect((await api.as.a.post(`/api/otp/${id}/status`)).body).toEqual({ status: 'error', code: 'not_verified', message: 'OTP not verified.' });

      api.hooks.statusFor.delete('/flaky');
      const retried = await api.as.a.put(`/api/otp/${id}`, { provider: 'hook_flaky', to: '5550003' }).expect(200);
      expect(retried.body.data).toMatchObject({ generate: 2, attempts: 0 });
      await api.as.a.post(`/api/otp/${id}`, { otp: retried.body.data.otp }).expect(200);
    });
  });
});
