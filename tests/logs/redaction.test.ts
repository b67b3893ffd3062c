import { Writable } from 'node:stream';
import { createLogger, redactFields } from '../../src/log/logger';

/** A logger whose JSON lines are collected. */
function capture(): { lines: Record<string, unknown>[]; logger: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ destination }) };
}

describe('log redaction', () => {
  it('censors otp, secret and password fields at the top level', () => {
    const { lines, logger } = capture();
    logger.info({ otp: '123456', secret: 's3cret', password: 'pw', code: 'incorrect_otp' }, 'x');
    expect(lines[0]).toMatchObject({ otp: '[redacted]', secret: '[redacted]', password: '[redacted]', code: 'incorrect_otp' });
  });

  it('censors them one level down, e.g. an OTP object passed as a field', () => {
    const { lines, logger } = capture();
    logger.warn({ data: { id: 'abc', otp: '654321' }, tenant: { namespace: 'shop', secret: 'xyz' } }, 'y');
    expect(lines[0]).toMatchObject({ data: { id: 'abc', otp: '[redacted]' }, tenant: { namespace: 'shop', secret: '[redacted]' } });
    expect(JSON.stringify(lines[0])).not.toMatch(/654321|xyz/);
  });

  it("never changes the caller's objects", () => {
    const view = { id: 'abc', otp: '111222' };
    const fields = { otp: '333444', view };
    const out = redactFields(fields);
    expect(fields).toEqual({ otp: '333444', view: { id: 'abc', otp: '111222' } });
    expect(out).toEqual({ otp: '[redacted]', view: { id: 'abc', otp: '[redacted]' } });
  });

  it('returns the same object when there is nothing to censor (no copy per line)', () => {
    const fields = { method: 'POST', path: '/otp/x', status: 400, err: new Error('boom') };
    expect(redactFields(fields)).toBe(fields);
  });
});
