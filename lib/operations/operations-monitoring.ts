import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { TandemFunction } from '../functions/tandem-function';

export interface OperationsMonitoringProps {
  /** Every workflow of the stack, by the name ops know it by. */
  readonly workflows: readonly { readonly name: string; readonly stateMachine: StateMachine }[];
  /** Every Lambda function of the stack. */
  readonly functions: readonly TandemFunction[];
  readonly retainData: boolean;
}

const PERIOD = Duration.minutes(5);

/**
 * What ops watch in AWS: a CloudWatch dashboard of every workflow (executions
 * started, succeeded, failed, timed out; duration p50/p99) and of the Lambda
 * functions (errors, throttles), and alarms on failed or timed-out executions,
 * on any function's errors and on throttling, sent to the ops alarm topic.
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
    const alarm = (alarmId: string, description: string, metric: IMetric) => {
      const created = new Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
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
  }
}
