import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { CloudMeter, meterDifference, totalInvocations } from '../../../local/runtime/metering/cloud-meter';

const meter = () => new CloudMeter([], () => Promise.resolve(undefined));
const events = (...types: string[]): HistoryEvent[] => types.map((type) => ({ type }) as HistoryEvent);

describe('what the cloud meter counts', () => {
  test('state transitions as Standard bills them: every state entered and every retry of a task', () => {
    const m = meter();
    const history = events(
      'ExecutionStarted',
      'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionFailed', 'LambdaFunctionScheduled', 'LambdaFunctionSucceeded', 'TaskStateExited',
      'ChoiceStateEntered', 'ChoiceStateExited',
      'TaskStateEntered', 'TaskScheduled', 'TaskSucceeded', 'TaskStateExited',
      'SucceedStateEntered', 'ExecutionSucceeded',
    );
    for (const event of history) m.historyEvent('machine', event);
    // Task (2 attempts) + Choice + Task + Succeed.
    expect(m.reading()).toMatchObject({ transitions: 5, executionsStarted: 1, transitionsByMachine: { machine: 5 } });
  });

  test('Lambda duration is billed per invocation rounded up to the millisecond, times memory', () => {
    const m = meter();
    m.invoked({ functionName: 'f', memoryMb: 512, durationMs: 99.2 });
    m.invoked({ functionName: 'f', memoryMb: 512, durationMs: 0.3 });
    expect(m.reading().lambda.f).toEqual({ invocations: 2, billedMs: 101, gbSeconds: 0.101 * 0.5 });
  });

  test('SNS: publishes in 64 KB chunks, SMS parts, emails; the difference of two readings is what happened between', () => {
    const m = meter();
    m.published({ TopicArn: 't', Message: 'x'.repeat(64 * 1024 + 1) });
    const before = m.reading();
    m.published({ TopicArn: 't', Message: 'hello' });
    m.delivered({ deliveryId: '1', messageId: '1', channel: 'sms', endpoint: '+49', body: 'a'.repeat(200), messageAttributes: {}, at: '' });
    m.delivered({ deliveryId: '2', messageId: '1', channel: 'email', endpoint: 'x@y', body: 'b', messageAttributes: {}, at: '' });
    m.invoked({ functionName: 'g', memoryMb: 1024, durationMs: 10 });
    m.apiRequest();
    expect(before.sns).toMatchObject({ publishes: 1, billedPublishes: 2 });
    const between = meterDifference(m.reading(), before);
    expect(between.sns).toEqual({ publishes: 1, billedPublishes: 1, smsMessages: 1, smsSegments: 2, emails: 1, otherDeliveries: 0 });
    expect(between.apiRequests).toBe(1);
    expect(totalInvocations(between)).toBe(1);
  });
});
