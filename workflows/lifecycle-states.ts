/**
 * The states every customer lifecycle workflow is made of: a Lambda step
 * that retries transient failures (bounded, full jitter) and records
 * everything else, a callback task a person answers through a decision link
 * (always with a timeout), and the failure path — RecordCaseFailure (a direct
 * DynamoDB write of a `Failed` event in the customer's audit trail,
 * independent of the functions that may be what failed), AlertOps (SNS) and
 * Fail. The state carries ids and times only; every Lambda's payload names
 * the case as `correlationId`, the id its log lines carry.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Fail, IntegrationPattern, JitterType, JsonPath, TaskInput, Timeout, type TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke, SnsPublish } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { key } from '../functions/repository/table-layout';
import { lambdaStep } from './lambda-step';

/** Errors that say the case itself cannot go on: retrying cannot help. */
export const PERMANENT_ERRORS = ['TandemIncompleteError', 'NotFoundError', 'ValidationError', 'ConflictError'];

export interface LifecycleStatesProps {
  readonly table: ITableV2;
  readonly opsAlerts: ITopic;
  /** The workflow's name in alerts and events, e.g. `PriceRequest`. */
  readonly workflow: string;
  /** Where the state holds the customer's id and the case's id. */
  readonly customerIdPath: string;
  readonly caseIdPath: string;
}

export class LifecycleStates {
  private readonly recordFailure: CallAwsService;

  constructor(
    private readonly scope: Construct,
    private readonly props: LifecycleStatesProps,
  ) {
    const failed = new Fail(scope, 'CaseFailed', { errorPath: '$.failure.Error', causePath: '$.failure.Cause' });
    const alertOps = new SnsPublish(scope, 'AlertOps', {
      topic: props.opsAlerts,
      subject: `Tandem 360: a ${props.workflow} workflow failed`,
      message: TaskInput.fromObject({
        workflow: props.workflow,
        customerId: JsonPath.stringAt(props.customerIdPath),
        caseId: JsonPath.stringAt(props.caseIdPath),
        error: JsonPath.stringAt('$.failure.Error'),
        cause: JsonPath.stringAt('$.failure.Cause'),
        execution: JsonPath.executionId,
      }),
      resultPath: JsonPath.DISCARD,
    });
    alertOps.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4, maxDelay: Duration.seconds(30), jitterStrategy: JitterType.FULL });
    alertOps.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.alertFailure' });
    alertOps.next(failed);
    this.recordFailure = this.recordFailureTask();
    this.recordFailure.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 4, maxDelay: Duration.seconds(20), jitterStrategy: JitterType.FULL });
    this.recordFailure.addCatch(alertOps, { errors: ['States.ALL'], resultPath: '$.recordFailure' });
    this.recordFailure.next(alertOps);
  }

  /** A Lambda step: its result at `resultPath` (null: discarded), transient failures retried, the rest recorded as a failure. */
  step(id: string, fn: IFunction, payload: Record<string, unknown>, resultPath: string | null): LambdaInvoke {
    return this.orFail(lambdaStep(this.scope, id, fn, { ...this.correlation(), ...payload }, resultPath, PERMANENT_ERRORS));
  }

  /**
   * A callback task (`.waitForTaskToken`): `fn` offers the task to its holder
   * with `taskToken` in its payload; a person's answer is the task's output at
   * `resultPath`. It always ends: after the seconds at `timeoutSecondsPath`
   * with `States.Timeout`, which the caller catches with `onTimeout` (added
   * before the failure catch, so it is matched first).
   */
  callbackTask(id: string, fn: IFunction, payload: Record<string, unknown>, spec: { timeoutSecondsPath: string; resultPath: string; onTimeout: Parameters<TaskStateBase['addCatch']>[0] }): LambdaInvoke {
    const task = new LambdaInvoke(this.scope, id, {
      lambdaFunction: fn,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({ taskToken: JsonPath.taskToken, ...this.correlation(), ...payload }),
      retryOnServiceExceptions: false,
      resultPath: spec.resultPath,
      taskTimeout: Timeout.at(spec.timeoutSecondsPath),
    });
    task.addRetry({ errors: ['States.Timeout', ...PERMANENT_ERRORS], maxAttempts: 0, jitterStrategy: JitterType.FULL });
    task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3, maxDelay: Duration.seconds(20), jitterStrategy: JitterType.FULL });
    task.addCatch(spec.onTimeout, { errors: ['States.Timeout'], resultPath: JsonPath.DISCARD });
    return this.orFail(task);
  }

  /** The case's id as the step's correlation id (functions/shared/step-handler.ts). */
  private correlation(): { correlationId: string } {
    return { correlationId: JsonPath.stringAt(this.props.caseIdPath) };
  }

  /** Everything a task does not catch itself goes to the failure path. */
  orFail<T extends TaskStateBase>(task: T): T {
    task.addCatch(this.recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });
    return task;
  }

  /** RecordCaseFailure: a `Failed` event in the customer's audit trail, with the case, the error and its cause. */
  private recordFailureTask(): CallAwsService {
    const { table, customerIdPath, caseIdPath, workflow } = this.props;
    const at = JsonPath.stringAt('$$.State.EnteredTime');
    return new CallAwsService(this.scope, 'RecordCaseFailure', {
      service: 'dynamodb',
      action: 'putItem',
      iamAction: 'dynamodb:PutItem',
      iamResources: [table.tableArn],
      parameters: {
        TableName: table.tableName,
        Item: {
          pk: { S: JsonPath.format(key.customer('{}').pk, JsonPath.stringAt(customerIdPath)) },
          sk: { S: JsonPath.format('EVENT#{}#Failed', at) },
          entity: { S: 'CustomerEvent' },
          customerId: { S: JsonPath.stringAt(customerIdPath) },
          caseId: { S: JsonPath.stringAt(caseIdPath) },
          at: { S: at },
          step: { S: 'Failed' },
          detail: { M: { workflow: { S: workflow }, error: { S: JsonPath.stringAt('$.failure.Error') }, cause: { S: JsonPath.stringAt('$.failure.Cause') } } },
        },
      },
      resultPath: JsonPath.DISCARD,
    });
  }
}
