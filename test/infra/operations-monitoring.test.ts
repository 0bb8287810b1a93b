/**
 * What ops watch in AWS, as deployed: a dashboard of every workflow, the
 * business metrics, dead letters and the functions; alarms on failed and
 * timed-out executions, on any function's errors, on throttling, on dead
 * letters and on the SLA breach rate, all sent to an encrypted alarm topic
 * CloudWatch is allowed to publish to; the stage's retention on every log group.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { METRIC, METRICS_NAMESPACE, OUTCOME_METRICS } from '../../functions/shared/metric-catalogue';
import { OperationsMonitoring } from '../../lib/operations/operations-monitoring';
import { stageConfig } from '../../lib/stage-config';
import { devTemplate } from '../support/infra-template';

const template = devTemplate();
type Resource = { Properties: Record<string, unknown> };
const resources = (type: string) => template.findResources(type) as Record<string, Resource>;
const alarmTopicId = Object.keys(resources('AWS::SNS::Topic')).find((id) => id.startsWith('OperationsAlarmTopic'))!;
const alarms = Object.values(resources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
const alarmNamed = (idPrefix: string) => Object.entries(resources('AWS::CloudWatch::Alarm')).find(([id]) => id.startsWith(idPrefix))?.[1].Properties;
const dev = stageConfig('dev').operations;

type DashboardMetric = [string, string, ...unknown[]];
/** The dashboard's widgets, with every CloudFormation reference in its body replaced by a placeholder. */
function dashboardWidgets(): { properties: { title?: string; metrics?: unknown[][] } }[] {
  const [dashboard] = Object.values(resources('AWS::CloudWatch::Dashboard'));
  const body = dashboard!.Properties.DashboardBody as string | { 'Fn::Join': [string, unknown[]] };
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('');
  return (JSON.parse(text) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] }).widgets;
}
/** Each graphed metric of a widget as `namespace/name` with its dimensions in name order, e.g. `Tandem360/NotificationsSent Channel=sms Stage=dev`. */
function graphed(title: string): string[] {
  const widget = dashboardWidgets().find((w) => w.properties.title === title);
  if (!widget) throw new Error(`no dashboard widget titled ${title}`);
  return (widget.properties.metrics ?? [])
    .filter((m): m is DashboardMetric => typeof m[0] === 'string' && typeof m[1] === 'string')
    .map(([namespace, name, ...rest]) => {
      const pairs = rest.filter((r): r is string => typeof r === 'string');
      const dims = pairs.reduce<string[]>((out, value, i) => (i % 2 === 1 ? [...out, `${pairs[i - 1]}=${value}`] : out), []);
      return [`${namespace}/${name}`, ...dims.sort()].join(' ');
    });
}

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
      expect(alarm).toMatchObject({ AlarmActions: [{ Ref: alarmTopicId }], TreatMissingData: 'notBreaching' });
      // Every alarm but the SLA rate fires on one occurrence.
      if (alarm.Metrics === undefined) expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
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

  test("every log group keeps its logs as long as the stage says: functions' logs and the others (workflows, API access)", () => {
    const functionLogGroups = new Set(
      Object.values(resources('AWS::Lambda::Function')).map((f) => ((f.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref)),
    );
    const groups = Object.entries(resources('AWS::Logs::LogGroup'));
    expect(groups.length).toBeGreaterThan(functionLogGroups.size);
    const wrong = groups
      .filter(([id, g]) => g.Properties.RetentionInDays !== (functionLogGroups.has(id) ? dev.functionLogRetention : dev.auditLogRetention))
      .map(([id, g]) => `${id}: ${String(g.Properties.RetentionInDays)}`);
    expect(wrong).toEqual([]);
  });

  test('every function traces with X-Ray and knows where its metrics go; every state machine traces and logs ALL events without execution data', () => {
    for (const [id, f] of Object.entries(resources('AWS::Lambda::Function'))) {
      expect({ id, tracing: f.Properties.TracingConfig }).toEqual({ id, tracing: { Mode: 'Active' } });
      expect((f.Properties.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE, TANDEM_STAGE: 'dev' });
    }
    const machines = Object.entries(resources('AWS::StepFunctions::StateMachine'));
    expect(machines.length).toBeGreaterThanOrEqual(4);
    for (const [id, m] of machines) {
      expect({ id, tracing: m.Properties.TracingConfiguration }).toEqual({ id, tracing: { Enabled: true } });
      const logging = m.Properties.LoggingConfiguration as { Level: string; IncludeExecutionData: boolean; Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': string[] } } }[] };
      expect({ id, level: logging.Level, data: logging.IncludeExecutionData }).toEqual({ id, level: 'ALL', data: false });
      expect(Object.keys(resources('AWS::Logs::LogGroup'))).toContain(logging.Destinations[0]!.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0]);
    }
  });
});

describe('business metrics and dead letters', () => {
  test('the dashboard graphs every business metric in the Tandem360 namespace with the stage as dimension, failed requests from Step Functions, notifications by channel', () => {
    const ns = (name: string) => `${METRICS_NAMESPACE}/${name} Stage=dev`;
    expect(graphed('Customer requests: received, escalated, outcomes')).toEqual([
      ns(METRIC.requestsReceived),
      ns(METRIC.requestsEscalated),
      ...Object.values(OUTCOME_METRICS).map(ns),
      'AWS/States/ExecutionsFailed StateMachineArn=REF',
    ]);
    expect(graphed('Time to resolution and decision response time (seconds)')).toEqual([
      ns(METRIC.timeToResolution),
      ns(METRIC.timeToResolution),
      ns(METRIC.decisionResponseTime),
      ns(METRIC.decisionResponseTime),
    ]);
    expect(graphed('SLA breaches')).toContain(ns(METRIC.slaBreaches));
    expect(graphed('Notifications sent by channel')).toEqual(['sms', 'email'].map((channel) => `${METRICS_NAMESPACE}/${METRIC.notificationsSent} Channel=${channel} Stage=dev`));
    expect(graphed('Customer lifecycle: handovers, price decisions, missed follow-ups')).toEqual([METRIC.customersHandedOver, METRIC.priceRequestsDecided, METRIC.followUpsMissed].map(ns));
    expect(graphed('Dead letters: DLQ depth and ops alerts')).toEqual(['AWS/SNS/NumberOfMessagesPublished TopicName=REF']);
  });

  test("the SLA alarm fires above the stage's share of breached requests among those concluded in an hour", () => {
    const alarm = alarmNamed('OperationsSlaBreachRate');
    expect(alarm).toMatchObject({ Threshold: dev.slaBreachAlarmPercent, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    const metrics = alarm!.Metrics as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] }; Period: number; Stat: string } }[];
    const expression = metrics.find((m) => m.Expression !== undefined)!;
    const used = metrics.filter((m) => m.MetricStat);
    expect(used.map((m) => m.MetricStat!.Metric.MetricName).sort()).toEqual([METRIC.slaBreaches, ...Object.values(OUTCOME_METRICS)].sort());
    for (const m of used) expect(m.MetricStat).toEqual({ Metric: { Namespace: METRICS_NAMESPACE, MetricName: m.MetricStat!.Metric.MetricName, Dimensions: [{ Name: 'Stage', Value: 'dev' }] }, Period: 3600, Stat: 'Sum' });
    const breaches = used.find((m) => m.MetricStat!.Metric.MetricName === METRIC.slaBreaches)!.Id;
    expect(expression.Expression).toMatch(new RegExp(`^100 \\* FILL\\(${breaches}, 0\\) / \\(`));
  });

  test('a message on the ops alert topic (failed workflows, failed stream batches) raises an alarm', () => {
    const opsAlerts = Object.keys(resources('AWS::SNS::Topic')).find((id) => id.startsWith('NotificationsOpsAlerts'))!;
    expect(alarmNamed('OperationsOpsAlertsPublished')).toMatchObject({
      Namespace: 'AWS/SNS',
      MetricName: 'NumberOfMessagesPublished',
      Dimensions: [{ Name: 'TopicName', Value: { 'Fn::GetAtt': [opsAlerts, 'TopicName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  test('every dead-letter queue in the tree gets an alarm on any visible message and a line on the dashboard', () => {
    const stack = new Stack(new App(), 'DeadLetters');
    const dlq = new Queue(stack, 'EventsDlq', { retentionPeriod: Duration.days(14) });
    new LambdaFunction(stack, 'OnEvent', { runtime: Runtime.NODEJS_24_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => {}'), deadLetterQueue: dlq });
    new Queue(stack, 'Work', { deadLetterQueue: { queue: new Queue(stack, 'WorkDlq'), maxReceiveCount: 3 } });
    new OperationsMonitoring(stack, 'Operations', { workflows: [], functions: [], retainData: false, stage: 'dev', settings: dev, opsAlerts: new Topic(stack, 'Alerts') });
    const template = Template.fromStack(stack);
    const queueAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>)
      .map((a) => a.Properties)
      .filter((a) => a.Namespace === 'AWS/SQS');
    const queueIds = Object.keys(template.findResources('AWS::SQS::Queue')).filter((id) => id.includes('Dlq'));
    expect(queueAlarms.map((a) => JSON.stringify(a.Dimensions)).sort()).toEqual(queueIds.map((id) => JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }])).sort());
    for (const a of queueAlarms) expect(a).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });
});
