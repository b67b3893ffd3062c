import request from 'supertest';
import { basic, TENANTS, type TestGateway } from '../helpers/gateway';

/** The parts of an API answer provider tests look at. */
export interface ApiAnswer {
  status: number;
  body: { status: string; message?: string; data?: Record<string, unknown> };
  /** The raw response text (to prove an upstream's words never reach the caller). */
  text: string;
}

/** `PUT /api/otp/:id` as tenant A with form fields, the way a host app sends a code. */
export async function createOtp(gw: TestGateway, id: string, fields: Record<string, string>): Promise<ApiAnswer> {
  const res = await request(gw.app)
    .put(`/api/otp/${id}`)
    .set('Authorization', basic(TENANTS.a))
    .type('form')
    .send(new URLSearchParams(fields).toString());
  return { status: res.status, body: res.body as ApiAnswer['body'], text: res.text };
}

/** The stored OTP as the API returns it, read back with a wrong code (which answers the OTP without its code). */
export async function storedOtp(gw: TestGateway, id: string): Promise<Record<string, unknown>> {
  const res = await request(gw.app).post(`/api/otp/${id}`).set('Authorization', basic(TENANTS.a)).type('form').send('otp=not-the-code');
  const data = (res.body as ApiAnswer['body']).data;
  if (!data) throw new Error(`expected the OTP in the answer, got ${res.status} ${res.text}`);
  return data;
}

/** Log lines (parsed JSON) whose message is `msg`. */
export function logLines(gw: TestGateway, msg: string): Record<string, unknown>[] {
  return gw.logs
    .flatMap((l) => l.split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === msg);
}

/** Every log line without its timestamp (whose digits could contain any short code by chance), joined. */
export function logText(gw: TestGateway): string {
  return gw.logs
    .flatMap((l) => l.split('\n'))
    .filter(Boolean)
    .map((l) => {
      const { time: _time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      return JSON.stringify(rest);
    })
    .join('\n');
}
