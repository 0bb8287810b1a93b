/**
 * What ops watch in AWS, as deployed: a dashboard of every workflow and the
 * functions, alarms on failed and timed-out executions, on any function's
 * errors and on throttling, all sent to an encrypted alarm topic CloudWatch is
 * allowed to publish to; and a retention on every log group.
 */
import { devTemplate } from '../support/infra-template';

const template = devTemplate();
type Resource = { Properties: Record<string, unknown> };
const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
const alarmTopicId = Object.keys(resources('AWS::SNS::Topic')).find((id) => id.startsWith('OperationsAlarmTopic'))!;
const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);

describe('operations monitoring', () => {
  test('every state machine has an alarm on failed and on timed-out executions, sent to the alarm topic', () => {
    const machines = Object.keys(resources('AWS::StepFunctions::StateMachine'));
    expect(machines.length).toBeGreaterThanOrEqual(4);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      const watched = alarms
        .filter((a) => a.Namespace === 'AWS/States' && a.MetricName === metric)
        .map((a) => JSON.stringify((a.Dimensions as { Value: unknown }[])[0]?.Value));
      expect(watched.sort()).toEqual(machines.map((id) => JSON.stringify({ Ref: id })).sort());
    }
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ AlarmActions: [{ Ref: alarmTopicId }], Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching' });
    }
  });

  test('every Lambda function has an errors alarm, and throttling in the account has one', () => {
    const functions = Object.keys(resources('AWS::Lambda::Function'));
    const watched = alarms.filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === 'Errors').map((a) => JSON.stringify((a.Dimensions as { Value: unknown }[])[0]?.Value));
    expect(watched.sort()).toEqual(functions.map((id) => JSON.stringify({ Ref: id })).sort());
    expect(alarms.filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === 'Throttles' && a.Dimensions === undefined)).toHaveLength(1);
  });

  test('the alarm topic is encrypted with a rotating customer managed key that CloudWatch of this account may use', () => {
    const topic = resources('AWS::SNS::Topic')[alarmTopicId]!.Properties;
    const keyId = (topic.KmsMasterKeyId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]!;
    const key = resources('AWS::KMS::Key')[keyId]!.Properties;
    expect(key.EnableKeyRotation).toBe(true);
    const statements = (key.KeyPolicy as { Statement: { Principal?: { Service?: string }; Action: string[]; Condition?: unknown }[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
  });

  test('the dashboard shows every workflow and the functions', () => {
    const [dashboard] = Object.values(resources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const name of ['CustomerRequests', 'Onboarding', 'PriceRequests', 'FollowUps']) {
      expect(body).toContain(`${name}: executions`);
      expect(body).toContain(`${name}: duration`);
    }
    expect(body).toContain('Lambda: errors and throttles, all functions');
  });

  test('every log group has a retention', () => {
    const withoutRetention = Object.entries(resources('AWS::Logs::LogGroup')).filter(([, g]) => typeof g.Properties.RetentionInDays !== 'number').map(([id]) => id);
    expect(withoutRetention).toEqual([]);
  });
});
