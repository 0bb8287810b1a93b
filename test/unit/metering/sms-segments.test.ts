import { smsSegments } from '../../../local/runtime/metering/sms-segments';

describe('SMS parts as carriers bill them', () => {
  test('GSM-7 text: 160 characters are one part, 161 are two parts of 153', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', length: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161)).segments).toBe(2);
    expect(smsSegments('a'.repeat(306)).segments).toBe(2);
    expect(smsSegments('a'.repeat(307)).segments).toBe(3);
  });

  test('German umlauts are GSM-7; the euro sign and brackets take two septets each', () => {
    expect(smsSegments('Reserviert: 10 Stk Gänse für Düsseldorf')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', length: 160, segments: 1 });
    expect(smsSegments('€'.repeat(81)).segments).toBe(2);
  });

  test('a character outside GSM-7 makes the whole message UCS-2: 70 alone, 67 per part', () => {
    expect(smsSegments(`${'a'.repeat(69)}ł`)).toEqual({ encoding: 'UCS-2', length: 70, segments: 1 });
    expect(smsSegments(`${'a'.repeat(70)}ł`).segments).toBe(2);
    expect(smsSegments('ł'.repeat(134)).segments).toBe(2);
    expect(smsSegments('ł'.repeat(135)).segments).toBe(3);
  });
});
