import { itSpendsTheAttemptBudgetExactlyOnce, newId, OTP_OBJECT_FIELDS, useApi } from './api-harness';

const MISSING = { status: 'error', code: 'not_found', message: 'The OTP does not exist or has expired.' };
const NOT_VERIFIED = { status: 'error', code: 'not_verified', message: 'OTP not verified.' };

describe.each(['memory', 'redis'] as const)('verifying OTPs through /api on the %s store', (store) => {
  const api = useApi(store);

  /** Create an OTP as nsA with a known code; returns its id. */
  async function createOtp(fields: Record<string, unknown> = {}): Promise<{ id: string; code: string }> {
    const id = newId('verify');
    const res = await api.as.a.put(`/api/otp/${id}`, { provider: 'log', to: 'john@example.com', ...fields }).expect(200);
    return { id, code: res.body.data.otp as string };
  }

  describe('POST /api/otp/:id', () => {
    it.each([
      ['a form without otp', 'action=check'],
      ['a form with an empty otp', 'otp='],
      ['a JSON body without otp', {}],
      ['a JSON body with an empty otp', { otp: '' }],
    ])('answers %s with 400 "`otp` is empty." and spends no attempt', async (_name, body) => {
      const { id } = await createOtp();
      expect((await api.as.a.post(`/api/otp/${id}`, body).expect(400)).body).toEqual({ status: 'error', code: 'invalid_field', data: { field: 'otp' }, message: '`otp` is empty.' });
      expect((await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400)).body.data.attempts).toBe(1);
    });

    it('answers a wrong code with 400 Incorrect OTP. and the OTP object without the code', async () => {
      const { id, code } = await createOtp();
      const res = await api.as.a.post(`/api/otp/${id}`, 'otp=000000x&action=check').expect(400);
      expect(res.body.status).toBe('error');
      expect(res.body.message).toBe('Incorrect OTP.');
      expect(Object.keys(res.body.data).sort()).toEqual(OTP_OBJECT_FIELDS);
      expect(res.body.data).toMatchObject({ id, namespace: 'nsA', attempts: 1, max_attempts: 5, closed: false });
      expect(res.text).not.toContain(code);
    });

    it('lets the last allowed attempt succeed: max_attempts 3 answers 400, 400, 200', async () => {
      const { id, code } = await createOtp({ max_attempts: 3 });
      await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
      await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
      const res = await api.as.a.post(`/api/otp/${id}`, { otp: code }).expect(200);
      expect(res.body).toEqual({ status: 'success', data: expect.objectContaining({ id, attempts: 3, closed: true }) });
      expect(Object.keys(res.body.data).sort()).toEqual(OTP_OBJECT_FIELDS);
    });

    it('answers 429 with Retry-After once out of attempts, even with the right code', async () => {
      const { id, code } = await createOtp({ max_attempts: 2 });
      await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
      await api.as.a.post(`/api/otp/${id}`, { otp: 'wrong' }).expect(400);
      const res = await api.as.a.post(`/api/otp/${id}`, { otp: code });
      expect(res.status).toBe(429);
      const seconds = Number(res.headers['retry-after']);
      expect(seconds).toBeGreaterThan(0);
      expect(res.body).toEqual({ status: 'error', code: 'attempts_exceeded', message: `Too many attempts. Please retry after ${seconds} seconds.` });
      expect((await api.as.a.post(`/api/otp/${id}/status`)).body).toEqual(NOT_VERIFIED);
    });

    it('answers an unknown id with 400, not 404', async () => {
      expect((await api.as.a.post(`/api/otp/${newId('unknown')}`, { otp: '123456' }).expect(400)).body).toEqual(MISSING);
    });

    it('forgets an OTP once its ttl ran out', async () => {
      const { id, code } = await createOtp({ ttl: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect((await api.as.a.post(`/api/otp/${id}`, { otp: code }).expect(400)).body).toEqual(MISSING);
    });

    it.each([
      ['true', 'skip_delete=true', true],
      ['1', 'skip_delete=1', true],
      ['JSON true', { skip_delete: true }, true],
      ['false', 'skip_delete=false', false],
      ['0', 'skip_delete=0', false],
      ['JSON false', { skip_delete: false }, false],
      ['JSON null', { skip_delete: null }, false],
      ['absent', '', false],
    ])('keeps the verified record only when skip_delete is true (%s)', async (_name, extra, kept) => {
      const { id, code } = await createOtp();
      const body = typeof extra === 'string' ? `otp=${code}${extra ? `&${extra}` : ''}` : { otp: code, ...extra };
      await api.as.a.post(`/api/otp/${id}`, body).expect(200);
      const status = await api.as.a.post(`/api/otp/${id}/status`);
      expect(status.body).toEqual(kept ? { status: 'success', data: expect.objectContaining({ closed: true }) } : MISSING);
    });

    it('refuses a skip_delete that is not a boolean, and an unknown action, without spending an attempt', async () => {
      const { id, code } = await createOtp();
      expect((await api.as.a.post(`/api/otp/${id}`, `otp=${code}&skip_delete=maybe`).expect(400)).body.message).toMatch(/^Invalid `skip_delete` value/);
      expect((await api.as.a.post(`/api/otp/${id}`, { otp: code, action: 'resend' }).expect(400)).body.message).toMatch(/^Invalid `action` value/);
      expect((await api.as.a.post(`/api/otp/${id}`, { otp: code }).expect(200)).body.data.attempts).toBe(1);
    });

    it('verifies a closed record again with the right code', async () => {
      const { id, code } = await createOtp({ max_attempts: 1 });
      await api.as.a.post(`/api/otp/${id}`, { otp: code, skip_delete: true }).expect(200);
      const again = await api.as.a.post(`/api/otp/${id}`, { otp: code, skip_delete: '1' }).expect(200);
      expect(again.body.data).toMatchObject({ closed: true, attempts: 1 });
      await api.as.a.post(`/api/otp/${id}`, { otp: code }).expect(200);
      expect((await api.as.a.post(`/api/otp/${id}/status`)).body).toEqual(MISSING);
    });

    itSpendsTheAttemptBudgetExactlyOnce(api, createOtp);
  });

  describe('status and cancel', () => {
    it('answers POST /status with 400 until the OTP is verified, then 200 as often as asked', async () => {
      const { id, code } = await createOtp();
      expect((await api.as.a.post(`/api/otp/${id}/status`).expect(400)).body).toEqual(NOT_VERIFIED);
      await api.as.a.post(`/api/otp/${id}`, { otp: code, skip_delete: true }).expect(200);
      for (let i = 0; i < 2; i++) {
        const res = await api.as.a.post(`/api/otp/${id}/status`).expect(200);
        expect(res.body).toEqual({ status: 'success', data: expect.objectContaining({ id, closed: true }) });
        expect(Object.keys(res.body.data).sort()).toEqual(OTP_OBJECT_FIELDS);
      }
      expect((await api.as.a.post(`/api/otp/${newId('unknown')}/status`).expect(400)).body).toEqual(MISSING);
    });

    it('answers DELETE /status like POST /status, deleting a closed record once', async () => {
      const { id, code } = await createOtp();
      expect((await api.as.a.delete(`/api/otp/${id}/status`).expect(400)).body).toEqual(NOT_VERIFIED);
      expect((await api.as.a.delete(`/api/otp/${id}/status`).expect(400)).body).toEqual(NOT_VERIFIED);
      await api.as.a.post(`/api/otp/${id}`, { otp: code, skip_delete: true }).expect(200);
      expect((await api.as.a.delete(`/api/otp/${id}/status`).expect(200)).body.data).toMatchObject({ id, closed: true });
      expect((await api.as.a.delete(`/api/otp/${id}/status`).expect(400)).body).toEqual(MISSING);
    });

    it('cancels an OTP whatever its state with DELETE /api/otp/:id, then answers 400', async () => {
      const open = await createOtp();
      const locked = await createOtp({ max_attempts: 1 });
      await api.as.a.post(`/api/otp/${locked.id}`, { otp: 'wrong' }).expect(400);
      for (const { id, code } of [open, locked]) {
        expect((await api.as.a.delete(`/api/otp/${id}`).expect(200)).body).toEqual({ status: 'success', data: true });
        expect((await api.as.a.delete(`/api/otp/${id}`).expect(400)).body).toEqual(MISSING);
        expect((await api.as.a.post(`/api/otp/${id}`, { otp: code }).expect(400)).body).toEqual(MISSING);
      }
      // A cancelled id can start over with a fresh budget.
      const again = await api.as.a.put(`/api/otp/${locked.id}`, 'provider=log').expect(200);
      expect(again.body.data).toMatchObject({ attempts: 0, generate: 1 });
    });
  });
});
