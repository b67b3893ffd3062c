import { MAX_PHONE_LENGTH, normalisePhone } from '../../src/providers/phone';

describe('normalising phone numbers to E.164', () => {
  it.each([
    ['+919876543210', '91', '+919876543210'],
    ['+91 98765 43210', '', '+919876543210'],
    ['+1 (415) 555-2671', '91', '+14155552671'],
    ['+44 20 7946 0958', '', '+442079460958'],
    ['00 44 7911 123456', '', '+447911123456'],
    ['0091-98765-43210', '1', '+919876543210'],
    ['98765 43210', '91', '+919876543210'],
    ['098765 43210', '91', '+919876543210'],
    ['07911 123456', '44', '+447911123456'],
    ['(415) 555.2671', '1', '+14155552671'],
    ['  +14155552671  ', '', '+14155552671'],
  ])('%j with default code %j becomes %s', (typed, code, e164) => {
    expect(normalisePhone(typed, code)).toEqual({ ok: true, address: e164 });
  });

  it.each([
    ['', '91', 'the mobile number is empty.'],
    ['   ', '91', 'the mobile number is empty.'],
    ['98765 43210', '', 'it has no country code: start it with + and the country code, e.g. +14155552671.'],
    ['+91 98765 ext 12', '91', 'a mobile number may only contain digits, spaces, dashes, brackets and a leading +.'],
    ['98+76543210', '91', 'a mobile number may only contain digits, spaces, dashes, brackets and a leading +.'],
    ['<script>', '91', 'a mobile number may only contain digits, spaces, dashes, brackets and a leading +.'],
    ['+999 1234 5678', '91', 'its country code does not exist.'],
    ['12345', '91', 'it is too short for a phone number with country code +91.'],
    ['+91 12', '', 'it is too short for a phone number with its country code.'],
    ['+91 98765 43210 12345', '', 'it is too long for a phone number with its country code.'],
    ['+1 099 555 2671', '', 'it is not a valid phone number with its country code.'],
  ])('refuses %j (default code %j): %s', (typed, code, reason) => {
    expect(normalisePhone(typed, code)).toEqual({ ok: false, reason });
  });

  it('never yields more than MAX_PHONE_LENGTH characters', () => {
    const check = normalisePhone('+86 139 1234 5678', '');
    expect(check.ok && check.address.length).toBeLessThanOrEqual(MAX_PHONE_LENGTH);
  });
});
