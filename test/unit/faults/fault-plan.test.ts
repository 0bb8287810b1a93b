import { describeFaultPlan, parseFaultSpec } from '../../../local/runtime/faults/fault-plan';
import { dynamoDbFaultInterceptor } from '../../../local/runtime/faults/dynamodb-faults';
import { FaultInjector } from '../../../local/runtime/faults/fault-injector';
import { parseOptions, usage } from '../../../local/options';

describe('the fault spec', () => {
  test('names every fault with its share, and the seed', () => {
    expect(parseFaultSpec('dynamodb.throttle=0.05,dynamodb.error=0.02,sns.publishError=0.1,lambda.lostResponse=0.05,seed=42')).toEqual({
      dynamodb: { throttle: 0.05, error: 0.02 },
      sns: { publishError: 0.1 },
      lambda: { lostResponse: 0.05 },
      seed: 42,
    });
    expect(parseFaultSpec(' sns.publishError=1 ')).toEqual({ sns: { publishError: 1 } });
    expect(describeFaultPlan(parseFaultSpec('lambda.lostResponse=.5,dynamodb.error=0'))).toBe('lambda.lostResponse=0.5 (seed 1)');
  });

  test.each([
    ['dynamodb.slow=0.1', /unknown fault 'dynamodb.slow' \(known: dynamodb.throttle, dynamodb.error, sns.publishError, lambda.lostResponse, seed\)/],
    ['sns.publishError=1.5', /fault sns.publishError must be a share from 0 to 1, got '1.5'/],
    ['sns.publishError=-0.1', /fault sns.publishError must be a share from 0 to 1, got '-0.1'/],
    ['lambda.lostResponse=often', /fault lambda.lostResponse must be a share from 0 to 1, got 'often'/],
    ['lambda.lostResponse=', /fault lambda.lostResponse must be a share from 0 to 1, got ''/],
    ['seed=4.2', /fault seed must be a non-negative integer, got '4.2'/],
    ['dynamodb.error', /fault spec entry 'dynamodb.error' must look like <key>=<value>/],
    ['dynamodb.error=0.1,dynamodb.error=0.2', /fault 'dynamodb.error' is given twice/],
    ['dynamodb.throttle=0.6,dynamodb.error=0.5', /dynamodb.throttle and dynamodb.error together must be at most 1/],
    [',', /the fault spec is empty/],
  ])('refuses %s, naming what is wrong', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });
});

describe('npm start --faults / TANDEM_FAULTS', () => {
  test('the flag and the variable give the plan; the flag wins; none by default', () => {
    expect(parseOptions([], {}, '/p').faults).toBeUndefined();
    expect(parseOptions([], { TANDEM_FAULTS: 'sns.publishError=0.1' }, '/p').faults).toEqual({ sns: { publishError: 0.1 } });
    expect(parseOptions(['--faults=dynamodb.error=0.02,seed=7'], { TANDEM_FAULTS: 'sns.publishError=0.1' }, '/p').faults).toEqual({ dynamodb: { error: 0.02 }, seed: 7 });
    expect(parseOptions(['--faults', 'lambda.lostResponse=0.05'], {}, '/p').faults).toEqual({ lambda: { lostResponse: 0.05 } });
    expect(usage()).toMatch(/--faults=<value> +inject faults.*\[TANDEM_FAULTS\]/);
  });

  test('a bad spec is an error naming the option and the entry', () => {
    expect(() => parseOptions(['--faults=dynamodb.eror=0.1'], {}, '/p')).toThrow(/^--faults: unknown fault 'dynamodb.eror'/);
  });
});

describe('the fault injector', () => {
  const plan = { dynamodb: { throttle: 0.05, error: 0.02 }, sns: { publishError: 0.1 }, lambda: { lostResponse: 0.05 }, seed: 42 };
  const draw = (injector: FaultInjector, n: number) =>
    Array.from({ length: n }, () => [injector.dynamoDb() ?? '-', injector.snsPublish(), injector.lambdaLostResponse()].join('/'));

  test('the same seed picks the same calls; another seed others', () => {
    expect(draw(new FaultInjector(plan), 500)).toEqual(draw(new FaultInjector(plan), 500));
    expect(draw(new FaultInjector({ ...plan, seed: 43 }), 500)).not.toEqual(draw(new FaultInjector(plan), 500));
  });

  test('strikes about as often as the plan says, and counts what it did', () => {
    const injector = new FaultInjector(plan);
    draw(injector, 20_000);
    const report = injector.report();
    for (const [kind, share] of [['dynamodb.throttle', 0.05], ['dynamodb.error', 0.02], ['sns.publishError', 0.1], ['lambda.lostResponse', 0.05]] as const) {
      expect(report[kind].calls).toBe(20_000);
      expect(report[kind].injected / 20_000).toBeGreaterThan(share * 0.8);
      expect(report[kind].injected / 20_000).toBeLessThan(share * 1.2);
    }
  });

  test('while paused nothing strikes and nothing is counted', () => {
    const injector = new FaultInjector({ sns: { publishError: 1 } }, { paused: true });
    expect(injector.snsPublish()).toBe(false);
    injector.resume();
    expect(injector.snsPublish()).toBe(true);
    injector.pause();
    expect(injector.snsPublish()).toBe(false);
    expect(injector.report()['sns.publishError']).toEqual({ calls: 1, injected: 1 });
  });

  test('a plan given in code is checked like a spec', () => {
    expect(() => new FaultInjector({ lambda: { lostResponse: 2 } })).toThrow(/fault lambda.lostResponse must be a share from 0 to 1, got 2/);
  });
});

describe('the DynamoDB fault interceptor', () => {
  const call = { operation: 'PutItem', input: {}, accessKeyId: 'local' };

  test('answers a throttle as DynamoDB does: 400 ProvisionedThroughputExceededException', () => {
    expect(dynamoDbFaultInterceptor(new FaultInjector({ dynamodb: { throttle: 1 } }))(call)).toMatchObject({
      statusCode: 400,
      type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    });
  });

  test('answers an error as DynamoDB does: 500 InternalServerError; lets the rest pass', () => {
    expect(dynamoDbFaultInterceptor(new FaultInjector({ dynamodb: { error: 1 } }))(call)).toMatchObject({
      statusCode: 500,
      type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    });
    expect(dynamoDbFaultInterceptor(new FaultInjector({ dynamodb: { error: 0 } }))(call)).toBeUndefined();
  });
});
