/**
 * Every generator of a value that acts as a credential draws ≥ 128 bits from
 * Node's CSPRNG (crypto.randomBytes): 10,000 samples are all distinct, each
 * bit position is about half ones (within 5 σ), and the encoded length carries
 * at least 128 bits. The list is the one the access-control proof names.
 */
import { DECISION_REF_PATTERN, newDecisionRef } from '../../../functions/customer-request/domain/decision';
import { newSessionCredentials } from '../../../local/runtime/iam/local-callers';
import { TaskTokenRegistry } from '../../../local/runtime/stepfunctions/task-tokens';
import { expectUnguessable, measureRandomness, snsConfirmationTokens } from '../../support/randomness';

describe('credentials are unguessable (10,000 samples each)', () => {
  test('decision references (the links of every task: escalations, prices, handovers, follow-ups): 22 base64url characters, 128 bits', () => {
    const figure = measureRandomness(newDecisionRef, (ref) => Buffer.from(ref, 'base64url'));
    expectUnguessable(figure);
    expect(figure).toMatchObject({ encodedLength: 22, bits: 128 });
    expect(DECISION_REF_PATTERN.test(newDecisionRef())).toBe(true);
  });

  test("the local Step Functions engine's task tokens: 43 base64url characters, 256 bits", () => {
    const registry = new TaskTokenRegistry();
    const issued: string[] = [];
    const figure = measureRandomness(
      () => {
        const { token } = registry.issue('arn:aws:states:eu-central-1:000000000000:execution:m:e', 60_000);
        issued.push(token);
        return token;
      },
      (token) => Buffer.from(token, 'base64url'),
    );
    for (const token of issued) registry.forget(token);
    expectUnguessable(figure);
    expect(figure).toMatchObject({ encodedLength: 43, bits: 256 });
  });

  test('secret access keys the local cloud issues for a caller role: 40 base64 characters, 240 bits', () => {
    const figure = measureRandomness(() => newSessionCredentials().secretAccessKey, (secret) => Buffer.from(secret, 'base64'));
    expectUnguessable(figure);
    expect(figure).toMatchObject({ encodedLength: 40, bits: 240 });
  });

  test("the local SNS's subscription confirmation tokens (the SubscribeURL a recipient visits): 64 hex characters, 256 bits", () => {
    const figure = measureRandomness(snsConfirmationTokens(10_000), (token) => Buffer.from(token, 'hex'));
    expectUnguessable(figure);
    expect(figure).toMatchObject({ encodedLength: 64, bits: 256 });
  });

  test('the check itself fails a generator with fewer bits or a stuck bit', () => {
    const short = measureRandomness(() => newDecisionRef().slice(0, 11), (ref) => Buffer.from(ref, 'base64url'));
    expect(short.bits).toBeLessThan(128);
    const stuck = measureRandomness(() => { const b = Buffer.from(newDecisionRef(), 'base64url'); b[0]! |= 0x80; return b.toString('base64url'); }, (ref) => Buffer.from(ref, 'base64url'));
    expect(stuck.worstBitSigma).toBeGreaterThan(5);
  });
});

