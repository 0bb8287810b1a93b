/**
 * The CustomerRequest workflow (story cases 1 and 2): route the request to
 * its tandem, find the stock, hold it, escalate to a person when it is
 * missing, record the outcome, tell both partners, and let the hold lapse
 * after needed-by plus the grace period.
 *
 *   FulfilRequest ─(all held: concluded, tandem told)──────────────────────────→ [AwaitQuietHoursEnd → SendHeldSms] → [AwaitHoldLapse → ReleaseLapsedHolds]
 *        └(partial / none)→ PlanEscalation → AwaitInsideDecision ─timeout→ RemindInsideManager ─timeout→ HandOverToFieldManager ─timeout→ ExpireDecision
 *                           (every decision → ApplyDecision: sourced/alternative → ReserveDecidedStock; declined/none → ConcludeRequest → …)
 *
 * FulfilRequest does routing, stock check, reservation (with its bounded
 * re-checks after a lost race), conclusion and notification in one
 * invocation; ConcludeRequest concludes and notifies. The automated happy path
 * is so one invocation and seven state transitions (docs/cost.md).
 *
 * Every Task retries transient failures (bounded, full jitter) and catches
 * everything else into RecordFailure (a direct DynamoDB write: status FAILED
 * and an audit event, independent of the Lambda functions that may be what
 * failed) and AlertOps (SNS). The state carries ids, SKUs and times only.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import {
  Choice,
  Condition,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
  type IChainable,
  type TaskStateBase,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke, SnsPublish } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { key } from '../functions/repository/table-layout';
import { lambdaStep } from './lambda-step';

/** The Lambda functions behind the workflow's steps, one per step kind. */
export interface CustomerRequestSteps {
  readonly fulfilRequest: IFunction;
  readonly planEscalation: IFunction;
  readonly offerDecision: IFunction;
  readonly expireDecision: IFunction;
  readonly reserveDecidedStock: IFunction;
  readonly concludeRequest: IFunction;
  readonly notifyTandem: IFunction;
  readonly releaseLapsedHolds: IFunction;
}

export interface CustomerRequestDefinitionProps {
  readonly steps: CustomerRequestSteps;
  readonly table: ITableV2;
  readonly opsAlerts: ITopic;
}

/** Errors that say the request itself cannot go on: retrying cannot help. */
const PERMANENT_ERRORS = ['TandemIncompleteError', 'NotFoundError', 'ValidationError'];
/** What a decision task ends with besides an answer: not failures, not retried. */
const DECISION_ENDINGS = ['States.Timeout', 'DecisionDeclined'];

export function customerRequestDefinition(scope: Construct, props: CustomerRequestDefinitionProps): IChainable {
  const { steps } = props;
  const requestId = JsonPath.stringAt('$.requestId');

  // ------------------------------------------------------------ failure path
  const failed = new Fail(scope, 'RequestFailed', { errorPath: '$.failure.Error', causePath: '$.failure.Cause' });
  const alertOps = new SnsPublish(scope, 'AlertOps', {
    topic: props.opsAlerts,
    subject: 'Tandem 360: a customer request failed',
    message: TaskInput.fromObject({
      requestId,
      error: JsonPath.stringAt('$.failure.Error'),
      cause: JsonPath.stringAt('$.failure.Cause'),
      execution: JsonPath.executionId,
    }),
    resultPath: JsonPath.DISCARD,
  });
  alertOps.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4, maxDelay: Duration.seconds(30), jitterStrategy: JitterType.FULL });
  alertOps.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.alertFailure' });
  alertOps.next(failed);
  const recordFailure = recordFailureTask(scope, props.table);
  recordFailure.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 4, maxDelay: Duration.seconds(20), jitterStrategy: JitterType.FULL });
  recordFailure.addCatch(alertOps, { errors: ['States.ALL'], resultPath: '$.recordFailure' });
  recordFailure.next(alertOps);

  /** A Lambda step: its result at `resultPath`, transient failures retried, the rest recorded as FAILED. */
  const step = (id: string, fn: IFunction, payload: Record<string, unknown>, resultPath: string | null): LambdaInvoke =>
    lambdaStep(scope, id, fn, payload, resultPath, PERMANENT_ERRORS);
  const catchFailure = <T extends TaskStateBase>(task: T): T => {
    task.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });
    return task;
  };

  // ------------------------------------------------------------ outcome and lapse
  const done = new Succeed(scope, 'Done');
  const releaseLapsedHolds = catchFailure(step('ReleaseLapsedHolds', steps.releaseLapsedHolds, { requestId }, '$.lapse')).next(done);
  const awaitHoldLapse = new Wait(scope, 'AwaitHoldLapse', { time: WaitTime.timestampPath('$.outcome.holdUntil') }).next(releaseLapsedHolds);
  const holdsStock = new Choice(scope, 'HoldsStock').when(Condition.isString('$.outcome.holdUntil'), awaitHoldLapse).otherwise(done);
  // An informational SMS waits for the end of the recipient's quiet hours; the step then sends what it held.
  const notifyPayload = { requestId, status: JsonPath.stringAt('$.outcome.status') };
  const smsHeld = new Choice(scope, 'SmsHeldForQuietHours');
  const sendHeldSms = catchFailure(step('SendHeldSms', steps.notifyTandem, notifyPayload, '$.notified')).next(smsHeld);
  const awaitQuietHoursEnd = new Wait(scope, 'AwaitQuietHoursEnd', { time: WaitTime.timestampPath('$.notified.heldUntil') }).next(sendHeldSms);
  smsHeld.when(Condition.isString('$.notified.heldUntil'), awaitQuietHoursEnd).otherwise(holdsStock);
  // Concludes and tells the tandem; its result is the whole state: { requestId, outcome, notified }.
  const concludeRequest = catchFailure(step('ConcludeRequest', steps.concludeRequest, { requestId }, '$')).next(smsHeld);

  // ------------------------------------------------------------ escalation
  const reserveDecidedStock = catchFailure(
    step(
      'ReserveDecidedStock',
      steps.reserveDecidedStock,
      {
        requestId,
        decision: JsonPath.objectAt('$.decision'),
        missing: JsonPath.listAt('$.escalation.missing'),
        homeStoreId: JsonPath.stringAt('$.route.homeStoreId'),
        neededBy: JsonPath.stringAt('$.route.neededBy'),
      },
      '$.decidedReservation',
    ),
  ).next(concludeRequest);
  const applyDecision = new Choice(scope, 'ApplyDecision')
    .when(Condition.or(Condition.stringEquals('$.decision.outcome', 'sourced'), Condition.stringEquals('$.decision.outcome', 'alternative')), reserveDecidedStock)
    .otherwise(concludeRequest);

  const expireDecision = catchFailure(
    step('ExpireDecision', steps.expireDecision, { requestId, ref: JsonPath.stringAt('$.escalation.fieldRef') }, '$.decision'),
  ).next(applyDecision);

  /** A callback task: the holder's link answers it; its phase ends after the seconds at `timeoutPath`. */
  const awaitDecision = (id: string, phase: string, role: 'inside' | 'field', refPath: string, answerByPath: string, timeoutPath: string, supersedesRefPath?: string) => {
    const task = new LambdaInvoke(scope, id, {
      lambdaFunction: steps.offerDecision,
      integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: TaskInput.fromObject({
        taskToken: JsonPath.taskToken,
        requestId,
        phase,
        role,
        ref: JsonPath.stringAt(refPath),
        answerBy: JsonPath.stringAt(answerByPath),
        escalation: { missing: JsonPath.listAt('$.escalation.missing'), offers: JsonPath.listAt('$.escalation.offers') },
        ...(supersedesRefPath ? { supersedesRef: JsonPath.stringAt(supersedesRefPath) } : {}),
      }),
      retryOnServiceExceptions: false,
      resultPath: '$.decision',
      taskTimeout: Timeout.at(timeoutPath),
    });
    task.addRetry({ errors: DECISION_ENDINGS, maxAttempts: 0, jitterStrategy: JitterType.FULL });
    task.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 3, maxDelay: Duration.seconds(20), jitterStrategy: JitterType.FULL });
    // A decline arrives as SendTaskFailure(DecisionDeclined): the decision is stored; conclude from it.
    task.addCatch(concludeRequest, { errors: ['DecisionDeclined'], resultPath: '$.declined' });
    return task;
  };
  const handOver = awaitDecision('HandOverToFieldManager', 'handedToPartner', 'field', '$.escalation.fieldRef', '$.escalation.finalAt', '$.escalation.partnerWindowSeconds', '$.escalation.insideRef');
  handOver.addCatch(expireDecision, { errors: ['States.Timeout'], resultPath: JsonPath.DISCARD });
  catchFailure(handOver).next(applyDecision);
  const remind = awaitDecision('RemindInsideManager', 'reminder', 'inside', '$.escalation.insideRef', '$.escalation.handOverAt', '$.escalation.insideRestSeconds');
  remind.addCatch(handOver, { errors: ['States.Timeout'], resultPath: JsonPath.DISCARD });
  catchFailure(remind).next(applyDecision);
  const askInside = awaitDecision('AwaitInsideDecision', 'decisionNeeded', 'inside', '$.escalation.insideRef', '$.escalation.handOverAt', '$.escalation.insideWarnSeconds');
  askInside.addCatch(remind, { errors: ['States.Timeout'], resultPath: JsonPath.DISCARD });
  catchFailure(askInside).next(applyDecision);

  const planEscalation = catchFailure(
    step(
      'PlanEscalation',
      steps.planEscalation,
      {
        requestId,
        route: JsonPath.objectAt('$.route'),
        stock: { missing: JsonPath.listAt('$.stock.missing'), offers: JsonPath.listAt('$.stock.offers') },
        partHeld: JsonPath.objectAt('$.partHeld'),
      },
      '$.escalation',
    ),
  ).next(askInside);
  // ------------------------------------------------------------ start
  // Its result is the whole state: { requestId, route, stock, and outcome + notified, or partHeld }.
  const fulfilRequest = catchFailure(step('FulfilRequest', steps.fulfilRequest, { requestId }, '$'));
  return fulfilRequest.next(
    new Choice(scope, 'Fulfilled').when(Condition.isPresent('$.outcome'), smsHeld).otherwise(planEscalation),
  );
}

/** RecordFailure: status FAILED with the error's name, and the full error in an audit event — one DynamoDB transaction. */
function recordFailureTask(scope: Construct, table: ITableV2): CallAwsService {
  const requestKey = { pk: { S: JsonPath.format(key.request('{}').pk, JsonPath.stringAt('$.requestId')) }, sk: { S: key.request('x').sk } };
  const at = JsonPath.stringAt('$$.State.EnteredTime');
  return new CallAwsService(scope, 'RecordFailure', {
    service: 'dynamodb',
    action: 'transactWriteItems',
    // A transaction needs the action of each of its parts: UpdateItem for the request, PutItem for the audit event.
    iamAction: 'dynamodb:UpdateItem',
    iamResources: [table.tableArn],
    additionalIamStatements: [new PolicyStatement({ actions: ['dynamodb:PutItem'], resources: [table.tableArn] })],
    parameters: {
      TransactItems: [
        {
          Update: {
            TableName: table.tableName,
            Key: requestKey,
            ConditionExpression: 'attribute_exists(pk)',
            UpdateExpression: 'SET #status = :failed, gsi3pk = :statusKey, updatedAt = :at, reason = :reason',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':failed': { S: 'FAILED' },
              ':statusKey': { S: 'STATUS#FAILED' },
              ':at': { S: at },
              ':reason': { S: JsonPath.stringAt('$.failure.Error') },
            },
          },
        },
        {
          Put: {
            TableName: table.tableName,
            Item: {
              pk: requestKey.pk,
              sk: { S: JsonPath.format(key.audit('x', '{}', 'Failed').sk, at) },
              entity: { S: 'AuditEvent' },
              requestId: { S: JsonPath.stringAt('$.requestId') },
              at: { S: at },
              step: { S: 'Failed' },
              detail: { M: { error: { S: JsonPath.stringAt('$.failure.Error') }, cause: { S: JsonPath.stringAt('$.failure.Cause') } } },
            },
          },
        },
      ],
    },
    resultPath: JsonPath.DISCARD,
  });
}
