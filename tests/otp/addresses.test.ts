import { canonicalAddress } from '../../src/otp/addresses';

describe('canonical addresses (what a per-address limit counts)', () => {
  it('gives every case and +tag spelling of an e-mail address one form, and nothing cleverer', () => {
    const forms = ['victim@example.com', 'Victim@example.com', 'VICTIM@EXAMPLE.COM', 'victim+1@example.com', ' Victim+news@Example.com. '];
    expect(new Set(forms.map((a) => canonicalAddress('email', a)))).toEqual(new Set(['victim@example.com']));
    // Dots are not removed (gmail-style rules are provider-specific), other people stay other people.
    expect(canonicalAddress('email', 'vic.tim@gmail.com')).toBe('vic.tim@gmail.com');
    expect(canonicalAddress('email', 'victim2@example.com')).not.toBe(canonicalAddress('email', 'victim@example.com'));
    // A local part that starts with + has no tag to drop.
    expect(canonicalAddress('email', '+x@example.com')).toBe('+x@example.com');
  });

  it('reduces phone numbers to a leading + and digits, dropping a national trunk zero', () => {
    const national = ['98765 43210', '98765-43210', '(98765)43210', '09876543210', '9876543210', '98765.43210'];
    expect(new Set(national.map((a) => canonicalAddress('phone', a)))).toEqual(new Set(['9876543210']));
    const international = ['+91 98765 43210', '+91-98765-43210', '0091 98765 43210', '+919876543210'];
    expect(new Set(international.map((a) => canonicalAddress('phone', a)))).toEqual(new Set(['+919876543210']));
  });

  it('reads a text address (webhooks) as a phone number or an e-mail address when it looks like one', () => {
    for (const a of ['98765 43210', '98765-43210', '(98765)43210', '09876543210']) expect(canonicalAddress('text', a)).toBe('9876543210');
    expect(canonicalAddress('text', 'Victim+1@Example.com')).toBe('victim@example.com');
    // Anything else: case and spaces do not make another address.
    expect(canonicalAddress('text', ' DE89 3704 0044 0532 0130 00 ')).toBe(canonicalAddress('text', 'de89370400440532013000'));
    // Four digits are a short code, not a phone number: the zero stays.
    expect(canonicalAddress('text', '0123')).toBe('0123');
  });
});
