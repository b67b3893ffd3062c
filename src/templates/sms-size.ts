import { SegmentedMessage } from 'sms-segments-calculator';

/**
 * How an SMS body travels: GSM-7 (160 characters in one segment, 153 per
 * segment when split; a few characters such as € count twice) unless one
 * character is outside GSM-7, which makes the whole text UCS-2 (70, 67 when
 * split). Counted by Twilio's sms-segments-calculator.
 */

/** The encoding and the number of segments of an SMS body. */
export interface SmsSize {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** Characters as the network counts them (GSM-7 escapes count twice, UCS-2 surrogate pairs twice). */
  characters: number;
}

/** Count the segments an SMS body takes. */
export function smsSize(body: string): SmsSize {
  const message = new SegmentedMessage(body);
  return { encoding: message.encodingName, segments: message.segmentsCount, characters: message.numberOfCharacters };
}
