import request from 'supertest';
import { basic, buildTestGateway, TENANTS, type TestGateway } from '../helpers/gateway';

/**
 * The review's finding 7: after a page verification (the record stays closed
 * for the backend), a wrong code posted to the page is a wrong code. It must
 * not render "Verified" nor, in the modal, tell the host page it was verified.
 */
describe.each(['memory', 'redis'] as const)('a wrong code on an OTP verified on its page, on the %s store', (store) => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await buildTestGateway({ store, config: { rate_limit: { pages_per_ip: 0 } } });
  });
  afterAll(() => gw.close());

  /** Create an OTP and verify it on its page, as the user does. */
  async function verifiedOnPage(id: string): Promise<string> {
    const created = await request(gw.app).put(`/api/otp/${id}`).set('Authorization', basic(TENANTS.a)).type('form').send('provider=log&to=someone@example.com');
    const code = created.body.data.otp as string;
    const verified = await request(gw.app).post(`/otp/nsA/${id}`).type('form').send({ action: 'check', otp: code });
    expect(verified.text).toContain('Verified');
    return code;
  }

  it('shows the code form with "Incorrect OTP." and one attempt fewer, not the verified page', async () => {
    await verifiedOnPage('closed-wrong-1');
    const wrong = await request(gw.app).post('/otp/nsA/closed-wrong-1').type('form').send({ action: 'check', otp: '000000x' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/role="alert">Incorrect OTP\.</);
    expect(wrong.text).not.toContain('Verified');
    expect(wrong.text).toContain('3 of 5 attempts left');
    // The page neither polls (the poll would flip it to "Verified") nor offers a resend.
    expect(wrong.text).not.toContain('data-poll');
    expect(wrong.text).not.toContain('name="action" value="resend"');
  });

  it('in the modal, tells the host page nothing about a verification', async () => {
    await verifiedOnPage('closed-wrong-2');
    const popup = '/otp/nsA/closed-wrong-2?view=popup&origin=https%3A%2F%2Fshop.example';
    const wrong = await request(gw.app).post(popup).type('form').send({ action: 'check', otp: '000000x' });
    expect(wrong.status).toBe(400);
    expect(wrong.text).not.toContain('data-finish');
    expect(wrong.text).not.toContain('Verified');
    expect(wrong.text).toContain('data-target="https://shop.example"');
  });

  it('still verifies with the right code, and the API answers a wrong code on the closed record with incorrect_otp', async () => {
    const code = await verifiedOnPage('closed-wrong-3');
    const auth = basic(TENANTS.a);
    const api = await request(gw.app).post('/api/otp/closed-wrong-3').set('Authorization', auth).type('form').send('otp=000000x&skip_delete=true');
    expect(api.status).toBe(400);
    expect(api.body).toMatchObject({ code: 'incorrect_otp', data: { closed: true, attempts: 2 } });
    expect((await request(gw.app).post('/otp/nsA/closed-wrong-3').type('form').send({ action: 'check', otp: code })).text).toContain('Verified');
    // The backend still sees the verification.
    expect((await request(gw.app).post('/api/otp/closed-wrong-3/status').set('Authorization', auth)).status).toBe(200);
  });
});
