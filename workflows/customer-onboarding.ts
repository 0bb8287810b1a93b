/**
 * The CustomerOnboarding workflow (story case 4): a newly won customer stays
 * with the field manager for the handover period — with a joint visit of
 * both partners every few weeks — and then passes to the inside manager.
 *
 *   PlanFirstRound → HandoverDue? ─no→ AwaitHandoverAnswer ─answer───────────────────→ PlanNextRound → HandoverDue? …
 *                        │                 └timeout→ ExpireHandoverTask ─────────────↗
 *                        └yes→ HandOverCustomer → HandoverSmsHeld? ─yes→ AwaitQuietHoursEnd → SendHeldHandoverSms ↺
 *                                                                  └no→ OnboardingDone
 *
 * Each round is one callback task — the field manager's onboarding link:
 * hand over now, or extend the period once — that times out when the next
 * event is due: a joint-visit reminder (the next round sends it with its
 * link) or the handover. The rounds are planned in seconds by a step
 * (functions/customer-lifecycle/domain/handover-rounds.ts), never against a
 * clock: the workflow owns time. The first round's task sends the welcome.
 *
 * Every Task retries transient failures and records the rest in the
 * customer's audit trail (RecordCaseFailure, AlertOps); every wait ends.
 * The state carries ids, seconds and times only.
 */
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Choice, Condition, JsonPath, Succeed, Wait, WaitTime, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { LifecycleStates } from './lifecycle-states';

/** The Lambda functions behind the workflow's steps. */
export interface CustomerOnboardingSteps {
  /** PlanFirstRound, PlanNextRound. */
  readonly planHandoverRound: IFunction;
  /** AwaitHandoverAnswer: offers the round's task and sends its message. */
  readonly offerHandoverTask: IFunction;
  readonly expireHandoverTask: IFunction;
  /** HandOverCustomer, SendHeldHandoverSms. */
  readonly handOverCustomer: IFunction;
}

export interface CustomerOnboardingDefinitionProps {
  readonly steps: CustomerOnboardingSteps;
  readonly table: ITableV2;
  readonly opsAlerts: ITopic;
}

export function customerOnboardingDefinition(scope: Construct, props: CustomerOnboardingDefinitionProps): IChainable {
  const { steps } = props;
  const states = new LifecycleStates(scope, { table: props.table, opsAlerts: props.opsAlerts, workflow: 'CustomerOnboarding', customerIdPath: '$.customerId', caseIdPath: '$.caseId' });
  const ids = { customerId: JsonPath.stringAt('$.customerId'), caseId: JsonPath.stringAt('$.caseId') };
  // The state's entered time is the round's start: an answer's decidedAt minus it is how long the wait lasted.
  const now = JsonPath.stringAt('$$.State.EnteredTime');

  // ------------------------------------------------------------ handover
  const done = new Succeed(scope, 'OnboardingDone');
  const handOverPayload = { ...ids, round: JsonPath.objectAt('$.round') };
  const smsHeld = new Choice(scope, 'HandoverSmsHeld');
  const sendHeldSms = states.step('SendHeldHandoverSms', steps.handOverCustomer, handOverPayload, '$.handover').next(smsHeld);
  const awaitQuietHoursEnd = new Wait(scope, 'AwaitQuietHoursEnd', { time: WaitTime.timestampPath('$.handover.heldUntil') }).next(sendHeldSms);
  smsHeld.when(Condition.isPresent('$.handover.heldUntil'), awaitQuietHoursEnd).otherwise(done);
  const handOver = states.step('HandOverCustomer', steps.handOverCustomer, handOverPayload, '$.handover').next(smsHeld);

  // ------------------------------------------------------------ the rounds of the handover period
  const handoverDue = new Choice(scope, 'HandoverDue').when(Condition.stringEquals('$.round.action', 'handover'), handOver);
  const planNextRound = states
    .step('PlanNextRound', steps.planHandoverRound, { ...ids, now, round: JsonPath.objectAt('$.round'), answer: JsonPath.objectAt('$.answer') }, '$.round')
    .next(handoverDue);
  // The round's wait is over: its link stops deciding (an answer at the last moment comes back as the answer).
  const expireTask = states.step('ExpireHandoverTask', steps.expireHandoverTask, { ...ids, taskId: JsonPath.stringAt('$.round.taskId') }, '$.answer').next(planNextRound);
  const awaitAnswer = states
    .callbackTask(
      'AwaitHandoverAnswer',
      steps.offerHandoverTask,
      {
        ...ids,
        taskId: JsonPath.stringAt('$.round.taskId'),
        phase: JsonPath.stringAt('$.round.phase'),
        role: 'field',
        answerWithinSeconds: JsonPath.numberAt('$.round.waitSeconds'),
        message: JsonPath.stringAt('$.round.message'),
      },
      { timeoutSecondsPath: '$.round.waitSeconds', resultPath: '$.answer', onTimeout: expireTask },
    )
    .next(planNextRound);
  handoverDue.otherwise(awaitAnswer);

  return states.step('PlanFirstRound', steps.planHandoverRound, { ...ids, now }, '$.round').next(handoverDue);
}
