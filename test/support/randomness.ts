/**
 * Statistical checks that a generator of secrets (decision references, task
 * tokens, secret keys) draws at least 128 bits from a CSPRNG: many samples, all
 * distinct, one length, every bit position about half ones.
 */
import { LocalSns } from '../../local/runtime/sns/local-sns';

export interface RandomnessFigure {
  readonly samples: number;
  readonly distinct: number;
  /** Every sample's encoded length, when they are one. */
  readonly encodedLength: number;
  /** The bits the encoded length carries: decoded bytes × 8. */
  readonly bits: number;
  /** The bit position furthest from half ones, in standard deviations of a fair coin. */
  readonly worstBitSigma: number;
  /** Its share of ones. */
  readonly worstBitShare: number;
}

/** `decode` turns one sample back into the random bytes it encodes (e.g. base64url → 16 bytes). */
export function measureRandomness(generate: () => string, decode: (sample: string) => Buffer, samples = 10_000): RandomnessFigure {
  const values = Array.from({ length: samples }, generate);
  const lengths = new Set(values.map((value) => value.length));
  if (lengths.size !== 1) throw new Error(`samples have ${lengths.size} different lengths: ${[...lengths].join(', ')}`);
  const decoded = values.map(decode);
  const bytes = decoded[0]!.length;
  if (decoded.some((d) => d.length !== bytes)) throw new Error('samples decode to different byte lengths');
  const ones = new Array<number>(bytes * 8).fill(0);
  for (const sample of decoded) {
    for (let bit = 0; bit < bytes * 8; bit++) ones[bit]! += (sample[bit >> 3]! >> (7 - (bit & 7))) & 1;
  }
  // A fair bit's count of ones over n samples: mean n/2, standard deviation √n / 2.
  const sigma = Math.sqrt(samples) / 2;
  const worst = ones.reduce((w, count) => (Math.abs(count - samples / 2) > Math.abs(w - samples / 2) ? count : w), samples / 2);
  return {
    samples,
    distinct: new Set(values).size,
    encodedLength: [...lengths][0]!,
    bits: bytes * 8,
    worstBitSigma: Math.abs(worst - samples / 2) / sigma,
    worstBitShare: worst / samples,
  };
}

/** The promise for a credential: 10,000 distinct samples, ≥ 128 bits, every bit within 5 σ of half ones. */
export function expectUnguessable(figure: RandomnessFigure): void {
  expect(figure.distinct).toBe(figure.samples);
  expect(figure.bits).toBeGreaterThanOrEqual(128);
  expect(figure.worstBitSigma).toBeLessThan(5);
}

/** Subscribes `count` email addresses pending confirmation in a local SNS and hands out the Token of each confirmation link, one per call. */
export function snsConfirmationTokens(count: number): () => string {
  const sns = new LocalSns({ confirmSubscriptions: 'by-link', outboxLimit: count });
  const topicArn = sns.createTopic('confirmations');
  for (let i = 0; i < count; i++) sns.subscribe(topicArn, 'email', `person${i}@example.com`);
  const tokens = sns.outbox({ channel: 'email' }).map((record) => /&Token=([0-9a-f]+)/.exec(record.body)?.[1] ?? '');
  if (tokens.length !== count) throw new Error(`${tokens.length} confirmation messages for ${count} subscriptions`);
  return () => tokens.shift()!;
}
