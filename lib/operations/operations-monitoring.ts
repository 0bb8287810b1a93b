import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type CfnLogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { CHANNEL_DIMENSION, METRIC, METRICS_ENV, METRICS_NAMESPACE, OUTCOME_METRICS, STAGE_DIMENSION } from '../../functions/shared/metric-catalogue';
import type { TandemFunction } from '../functions/tandem-function';
import type { OperationsSettings } from '../stage-config';

export interface OperationsMonitoringProps {
  /** Every workflow of the stack, by the name ops know it by. */
  readonly workflows: readonly { readonly name: string; readonly stateMachine: StateMachine }[];
  /** Every Lambda function of the stack. */
  readonly functions: readonly TandemFunction[];
  readonly retainData: boolean;
  /** The stage, the `Stage` dimension of every business metric. */
  readonly stage: string;
  readonly settings: OperationsSettings;
  /** Where workflow failures and failed stream batches go (the stream consumers' on-failure destination). */
  readonly opsAlerts: ITopic;
}

const PERIOD = Duration.minutes(5);
/** The SLA breach rate is judged over an hour: a few requests in five minutes say little. */
const SLA_PERIOD = Duration.hours(1);

/** Every SQS queue in the tree that is some function's or queue's dead-letter queue. */
export function deadLetterQueuesIn(scope: IConstruct): IQueue[] {
  const queues = new Set<IQueue>();
  for (const c of scope.node.findAll()) {
    if (c instanceof LambdaFunction && c.deadLetterQueue) queues.add(c.deadLetterQueue);
    if (c instanceof Queue && c.deadLetterQueue) queues.add(c.deadLetterQueue.queue);
  }
  return [...queues];
}

/**
 * What ops watch in AWS: a CloudWatch dashboard of every workflow (executions
 * started, succeeded, failed, timed out; duration p50/p99), of the business
 * metrics (functions/shared/metric-catalogue.ts), of dead letters and of the
 * Lambda functions (errors, throttles), and alarms on failed or timed-out
 * executions, on any function's errors, on throttling, on any dead letter and
 * on the SLA breach rate, sent to the ops alarm topic. It also tells every
 * function where its metrics go (namespace, stage) and gives every log group
 * of the stack the stage's retention.
 *
 * The alarm topic has a customer managed key of its own: CloudWatch must be
 * allowed to use the key to publish to an encrypted topic, and the AWS
 * managed `aws/sns` key (the ops alert topic's) cannot grant it that.
 */
export class OperationsMonitoring extends Construct {
  public readonly alarmTopic: Topic;
  public readonly dashboard: Dashboard;
  public readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsMonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new Key(this, 'AlarmTopicKey', {
      description: 'Tandem 360: encrypts the ops alarm topic; CloudWatch alarms of this account may use it to publish',
      enableKeyRotation: true,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'Tandem 360 ops alarms', masterKey: key, enforceSSL: true });
    const notify = new SnsAction(this.alarmTopic);
    const alarm = (alarmId: string, description: string, metric: IMetric, threshold = 1, comparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator,
        // No executions or invocations in a period is not a problem.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${stack.stackName}-operations`, defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# ${stack.stackName}: operations\nWorkflows (Step Functions) and their functions. Alarms go to the ops alarm topic.`,
        width: 24,
        height: 2,
      }),
    );

    for (const { name, stateMachine } of props.workflows) {
      const failed = stateMachine.metricFailed({ period: PERIOD, statistic: 'Sum' });
      const timedOut = stateMachine.metricTimedOut({ period: PERIOD, statistic: 'Sum' });
      alarm(`${name}ExecutionsFailed`, `${name}: an execution failed (its customer or request records say why; the ops alert topic has the error)`, failed);
      alarm(`${name}ExecutionsTimedOut`, `${name}: an execution ran into the state machine's timeout`, timedOut);
      this.dashboard.addWidgets(
        new GraphWidget({
          title: `${name}: executions`,
          left: [
            stateMachine.metricStarted({ period: PERIOD, statistic: 'Sum', label: 'started' }),
            stateMachine.metricSucceeded({ period: PERIOD, statistic: 'Sum', label: 'succeeded' }),
            failed.with({ label: 'failed' }),
            timedOut.with({ label: 'timed out' }),
          ],
          width: 12,
        }),
        new GraphWidget({
          title: `${name}: duration`,
          left: ['p50', 'p99'].map((statistic) => stateMachine.metricTime({ period: PERIOD, statistic, label: statistic })),
          width: 12,
        }),
      );
    }

    // An alarm on a metric math expression may use 10 metrics at most: one errors alarm per function,
    // the sum of all of them on the dashboard. Throttling is the account's concurrency running out: one alarm on
    // the account-wide metric, whichever function it hits.
    for (const f of props.functions) {
      // The construct path without the stack is unique (CustomerLifecycle/PriceRequests/OfferPriceTask).
      const name = f.node.path.split('/').slice(1).join('');
      alarm(`${name}Errors`, `${f.node.path.split('/').slice(1).join('/')}: the function returned an error (its log group has the details)`, f.fn.metricErrors({ period: PERIOD, statistic: 'Sum' }));
    }
    // Metric ids are unique per graph: `e0…` for errors, `t0…` for throttles.
    const sumOf = (label: string, idPrefix: string, metricOf: (f: TandemFunction) => IMetric) =>
      new MathExpression({
        label,
        expression: props.functions.map((_, i) => `${idPrefix}${i}`).join(' + '),
        usingMetrics: Object.fromEntries(props.functions.map((f, i) => [`${idPrefix}${i}`, metricOf(f)])),
        period: PERIOD,
      });
    const errors = sumOf('errors, all functions', 'e', (f) => f.fn.metricErrors({ period: PERIOD, statistic: 'Sum' }));
    const throttles = sumOf('throttles, all functions', 't', (f) => f.fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }));
    alarm('AccountThrottles', 'Lambda throttled an invocation in this account and region (concurrency ran out)', LambdaFunction.metricAllThrottles({ period: PERIOD, statistic: 'Sum' }));
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Lambda: errors and throttles, all functions', left: [errors, throttles], width: 24 }),
    );

    this.businessMetrics(props, alarm);
    this.deadLetters(props, alarm);
    this.logRetention(props);
  }

  /** Requests by outcome, times, SLA breaches (with their alarm), notifications by channel, lifecycle outcomes. */
  private businessMetrics(props: OperationsMonitoringProps, alarm: AlarmFactory): void {
    for (const f of props.functions) {
      f.fn.addEnvironment(METRICS_ENV.namespace, METRICS_NAMESPACE);
      f.fn.addEnvironment(METRICS_ENV.stage, props.stage);
    }
    const business = (metricName: string, label: string, options: { statistic?: string; period?: Duration; dimensions?: Record<string, string> } = {}) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { [STAGE_DIMENSION]: props.stage, ...options.dimensions },
        statistic: options.statistic ?? 'Sum',
        period: options.period ?? PERIOD,
        label,
      });
    // A failed request ends in the workflow's Fail state, written without a Lambda (so that it works when Lambda is what
    // failed): Step Functions counts it.
    const requestWorkflow = props.workflows.find((w) => w.name === 'CustomerRequests');
    const failed = requestWorkflow ? [requestWorkflow.stateMachine.metricFailed({ period: PERIOD, statistic: 'Sum', label: 'failed' })] : [];
    const times = (metricName: string, what: string) => ['p50', 'p99'].map((statistic) => business(metricName, `${what} ${statistic}`, { statistic }));

    // The breach rate over the requests concluded in the hour; an hour without conclusions has no rate (no alarm).
    const outcomes = Object.values(OUTCOME_METRICS);
    const slaRate = new MathExpression({
      label: 'SLA breaches, % of concluded requests',
      expression: `100 * FILL(breaches, 0) / (${outcomes.map((_, i) => `FILL(o${i}, 0)`).join(' + ')})`,
      usingMetrics: { breaches: business(METRIC.slaBreaches, 'SLA breaches', { period: SLA_PERIOD }), ...Object.fromEntries(outcomes.map((name, i) => [`o${i}`, business(name, name, { period: SLA_PERIOD })])) },
      period: SLA_PERIOD,
    });
    alarm(
      'SlaBreachRate',
      `More than ${props.settings.slaBreachAlarmPercent} % of the customer requests concluded in the last hour breached their SLA (no decision in the inside manager's window; docs/operations.md)`,
      slaRate,
      props.settings.slaBreachAlarmPercent,
      ComparisonOperator.GREATER_THAN_THRESHOLD,
    );

    this.dashboard.addWidgets(
      new TextWidget({ markdown: `## Business (namespace \`${METRICS_NAMESPACE}\`, ${STAGE_DIMENSION}=${props.stage})`, width: 24, height: 1 }),
      new GraphWidget({
        title: 'Customer requests: received, escalated, outcomes',
        left: [
          business(METRIC.requestsReceived, 'received'),
          business(METRIC.requestsEscalated, 'escalated'),
          business(METRIC.requestsReserved, 'reserved'),
          business(METRIC.requestsPartial, 'partial'),
          business(METRIC.requestsSourced, 'sourced'),
          business(METRIC.requestsUnfulfilled, 'unfulfilled'),
          ...failed,
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Time to resolution and decision response time (seconds)',
        left: [...times(METRIC.timeToResolution, 'resolution'), ...times(METRIC.decisionResponseTime, 'decision')],
        width: 12,
      }),
      new GraphWidget({
        title: 'SLA breaches',
        left: [business(METRIC.slaBreaches, 'breaches', { period: SLA_PERIOD })],
        right: [slaRate],
        width: 8,
      }),
      new GraphWidget({
        title: 'Notifications sent by channel',
        left: ['sms', 'email'].map((channel) => business(METRIC.notificationsSent, channel, { dimensions: { [CHANNEL_DIMENSION]: channel } })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Customer lifecycle: handovers, price decisions, missed follow-ups',
        left: [business(METRIC.customersHandedOver, 'handed over'), business(METRIC.priceRequestsDecided, 'price decided'), business(METRIC.followUpsMissed, 'follow-up missed')],
        width: 8,
      }),
    );
  }

  /**
   * Any message in a dead-letter queue (found in the tree: the queues of asynchronously invoked functions) is an alarm;
   * so is any message on the ops alert topic, which is where the stream consumers' failed batches and the workflows'
   * failures go instead of a queue.
   */
  private deadLetters(props: OperationsMonitoringProps, alarm: AlarmFactory): void {
    const depths = deadLetterQueuesIn(Stack.of(this)).map((queue) => {
      const name = queue.node.path.split('/').slice(1).join('');
      // Labels only on the graph: an alarm on a labelled metric becomes a metric-math alarm.
      const depth = queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
      alarm(`${name}Messages`, `${queue.node.path.split('/').slice(1).join('/')}: a message is in this dead-letter queue (an asynchronous invocation failed for good)`, depth);
      return depth.with({ label: name });
    });
    const alerts = props.opsAlerts.metricNumberOfMessagesPublished({ period: PERIOD, statistic: 'Sum' });
    alarm('OpsAlertsPublished', 'A failure reached the ops alert topic: a workflow failed or a stream batch failed for good (the message says which)', alerts);
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Dead letters: DLQ depth and ops alerts', left: [...depths, alerts.with({ label: 'ops alerts published' })], width: 24 }),
    );
  }

  /** The stage's retention on every log group of the stack: function logs, and the rest (workflows, API access logs). */
  private logRetention(props: OperationsMonitoringProps): void {
    const functionLogs = new Set<LogGroup>(props.functions.map((f) => f.logGroup));
    for (const c of Stack.of(this).node.findAll()) {
      if (!(c instanceof LogGroup)) continue;
      (c.node.defaultChild as CfnLogGroup).retentionInDays = functionLogs.has(c) ? props.settings.functionLogRetention : props.settings.auditLogRetention;
    }
  }
}

type AlarmFactory = (alarmId: string, description: string, metric: IMetric, threshold?: number, comparisonOperator?: ComparisonOperator) => Alarm;
