/**
 * The PriceRequest workflow (story case 3: "10–12 kg tuna a week, can we do
 * something on price?"). POST /price-requests has recorded the request with
 * its volume-tier suggestion; the workflow gets the decision and records it.
 *
 *   PlanPriceDecision → AskInsideManager ─timeout→ RemindInsideManager ─timeout→ HandOverToFieldManager ─timeout→ ExpirePriceDecision
 *   (any answer, or the expiry) → RecordPriceDecision ─(COUNTERED)→ OfferCounterToFieldManager ─timeout→ RemindFieldManagerOfCounter ─timeout→ LapseCounterOffer
 *                                      │                             (any answer, or the lapse) → RecordCounterAnswer ─┐
 *                                      └(APPROVED / REJECTED / EXPIRED)──────────────────────────────────────────────────┴→ NotifyPriceOutcome → [AwaitQuietHoursEnd → SendHeldSms] → PriceRequestDone
 *
 * The decision is one customer task (kind `priceDecision`): the inside
 * manager keeps one link through the ask and the reminder; the hand-over
 * gives the field manager a fresh one and the inside manager's stops
 * deciding. The counter-offer is a second task (kind `priceCounter`) for the
 * field manager, with its own deadline and reminder. The workflow owns the
 * time: PlanPriceDecision turns the stage's hours into seconds once, and the
 * callback tasks' timeouts wait them out. The record steps read the answer
 * from the task, so the state carries ids and seconds only.
 */
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Choice, Condition, JsonPath, Succeed, Wait, WaitTime, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { LifecycleStates } from './lifecycle-states';

/** The Lambda functions behind the workflow's steps. */
export interface PriceRequestSteps {
  /** PlanPriceDecision. */
  readonly planPriceDecision: IFunction;
  /** AskInsideManager, RemindInsideManager, HandOverToFieldManager, OfferCounterToFieldManager, RemindFieldManagerOfCounter. */
  readonly offerPriceTask: IFunction;
  /** ExpirePriceDecision, LapseCounterOffer. */
  readonly expirePriceTask: IFunction;
  /** RecordPriceDecision, RecordCounterAnswer. */
  readonly recordPriceOutcome: IFunction;
  /** NotifyPriceOutcome, SendHeldSms. */
  readonly notifyPriceOutcome: IFunction;
}

export interface PriceRequestDefinitionProps {
  readonly steps: PriceRequestSteps;
  readonly table: ITableV2;
  readonly opsAlerts: ITopic;
}

export function priceRequestDefinition(scope: Construct, props: PriceRequestDefinitionProps): IChainable {
  const { steps } = props;
  const states = new LifecycleStates(scope, { table: props.table, opsAlerts: props.opsAlerts, workflow: 'PriceRequest', customerIdPath: '$.customerId', caseIdPath: '$.priceRequestId' });
  const ids = { customerId: JsonPath.stringAt('$.customerId'), priceRequestId: JsonPath.stringAt('$.priceRequestId') };
  const seconds = (name: string) => JsonPath.numberAt(`$.plan.${name}`);

  // ------------------------------------------------------------ outcome
  const done = new Succeed(scope, 'PriceRequestDone');
  const smsHeld = new Choice(scope, 'SmsHeldForQuietHours');
  const sendHeldSms = states.step('SendHeldSms', steps.notifyPriceOutcome, ids, '$.notified').next(smsHeld);
  const awaitQuietHoursEnd = new Wait(scope, 'AwaitQuietHoursEnd', { time: WaitTime.timestampPath('$.notified.heldUntil') }).next(sendHeldSms);
  smsHeld.when(Condition.isString('$.notified.heldUntil'), awaitQuietHoursEnd).otherwise(done);
  const notifyOutcome = states.step('NotifyPriceOutcome', steps.notifyPriceOutcome, ids, '$.notified').next(smsHeld);

  /** A callback task of the price request: `kind` offered to `role` for the seconds at `waitFor`; the message names the deadline `deadline` seconds ahead. */
  const offer = (id: string, kind: 'priceDecision' | 'priceCounter', phase: string, role: 'inside' | 'field', waitFor: string, deadline: string, onTimeout: Parameters<LifecycleStates['callbackTask']>[3]['onTimeout']) =>
    states.callbackTask(
      id,
      steps.offerPriceTask,
      {
        customerId: ids.customerId,
        caseId: ids.priceRequestId,
        taskId: JsonPath.stringAt(kind === 'priceDecision' ? '$.plan.decisionTaskId' : '$.plan.counterTaskId'),
        kind,
        phase,
        role,
        answerWithinSeconds: seconds(waitFor),
        deadlineSeconds: seconds(deadline),
      },
      { timeoutSecondsPath: `$.plan.${waitFor}`, resultPath: kind === 'priceDecision' ? '$.decision' : '$.counterAnswer', onTimeout },
    );
  const expire = (id: string, taskIdPath: string, resultPath: string) =>
    states.step(id, steps.expirePriceTask, { customerId: ids.customerId, caseId: ids.priceRequestId, taskId: JsonPath.stringAt(taskIdPath) }, resultPath);

  // ------------------------------------------------------------ counter-offer
  const recordCounterAnswer = states.step('RecordCounterAnswer', steps.recordPriceOutcome, { ...ids, answerTo: 'counter' }, '$.recorded').next(notifyOutcome);
  const lapseCounter = expire('LapseCounterOffer', '$.plan.counterTaskId', '$.counterAnswer').next(recordCounterAnswer);
  const remindCounter = offer('RemindFieldManagerOfCounter', 'priceCounter', 'reminder', 'field', 'counterRestSeconds', 'counterRestSeconds', lapseCounter).next(recordCounterAnswer);
  const offerCounter = offer('OfferCounterToFieldManager', 'priceCounter', 'decisionNeeded', 'field', 'counterWarnSeconds', 'counterWindowSeconds', remindCounter).next(recordCounterAnswer);

  // ------------------------------------------------------------ decision
  const recordDecision = states
    .step('RecordPriceDecision', steps.recordPriceOutcome, { ...ids, answerTo: 'decision' }, '$.recorded')
    .next(new Choice(scope, 'Countered').when(Condition.stringEquals('$.recorded.status', 'COUNTERED'), offerCounter).otherwise(notifyOutcome));
  const expireDecision = expire('ExpirePriceDecision', '$.plan.decisionTaskId', '$.decision').next(recordDecision);
  const handOver = offer('HandOverToFieldManager', 'priceDecision', 'handedToPartner', 'field', 'partnerWindowSeconds', 'partnerWindowSeconds', expireDecision).next(recordDecision);
  const remind = offer('RemindInsideManager', 'priceDecision', 'reminder', 'inside', 'insideRestSeconds', 'insideRestSeconds', handOver).next(recordDecision);
  const ask = offer('AskInsideManager', 'priceDecision', 'decisionNeeded', 'inside', 'insideWarnSeconds', 'insideWindowSeconds', remind).next(recordDecision);

  return states.step('PlanPriceDecision', steps.planPriceDecision, ids, '$.plan').next(ask);
}
