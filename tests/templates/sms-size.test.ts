import { smsSize } from '../../src/templates/sms-size';

describe('counting SMS segments', () => {
  it('fits 160 GSM-7 characters in one segment and 153 per segment when split', () => {
    expect([160, 161, 306, 307].map((n) => smsSize('a'.repeat(n)))).toEqual([
      { encoding: 'GSM-7', segments: 1, characters: 160 },
      { encoding: 'GSM-7', segments: 2, characters: 161 },
      { encoding: 'GSM-7', segments: 2, characters: 306 },
      { encoding: 'GSM-7', segments: 3, characters: 307 },
    ]);
  });

  it('makes the whole text UCS-2 for one character outside GSM-7: 70 in one segment, 67 per segment when split', () => {
    expect([70, 71, 134, 135].map((n) => smsSize(`${'a'.repeat(n - 1)}क`))).toEqual([
      { encoding: 'UCS-2', segments: 1, characters: 70 },
      { encoding: 'UCS-2', segments: 2, characters: 71 },
      { encoding: 'UCS-2', segments: 2, characters: 134 },
      { encoding: 'UCS-2', segments: 3, characters: 135 },
    ]);
  });

  it('counts the GSM-7 extension characters (€, {, }) twice, and keeps accents of the GSM-7 table (é, ü) in GSM-7', () => {
    expect(smsSize('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', segments: 1, characters: 160 });
    expect(smsSize('€'.repeat(81))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(smsSize('Gültig für 5 Min. é').encoding).toBe('GSM-7');
    expect(smsSize('código').encoding).toBe('UCS-2');
  });
});
