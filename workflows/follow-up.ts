/**
 * The FollowUp workflow (story case 5: "look at my menu, let's talk next
 * week"). One execution runs one round of a follow-up:
 *
 *   PlanRound ─(not open)→ FollowUpClosed
 *     ├(due later)→ AwaitDueDay ─timeout→ ReminderDue? ─(wait is longer than one execution)→ WaitOnInNextExecution
 *     │              (silent task: the app can act before the day)    └→ RemindOwner
 *     └(due now)──→ RemindOwner ─timeout→ RemindOwnerAgain ─timeout→ HandToPartner ─timeout→ LapseFollowUp
 *   every answer → ApplyAction: done → FollowUpDone; snooze / reassign → StartNextRound; expired → FollowUpMissed
 *
 * The callback tasks are one customer task per round (kind `followUp`): the
 * owner keeps one link through the first two phases, the partner gets a fresh
 * one at the hand-over. The workflow owns the time: PlanRound turns the
 * round's clock into seconds once, and the tasks' timeouts wait them. The
 * next round — and a wait longer than one execution should last — runs in
 * a new execution, so none comes near Step Functions' one-year limit.
 */
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Choice, Condition, JsonPath, Succeed, type IChainable } from 'aws-cdk-lib/aws-stepfunctions';
import type { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import { LifecycleStates } from './lifecycle-states';

/** The Lambda functions behind the workflow's steps. */
export interface FollowUpSteps {
  /** PlanRound. */
  readonly planRound: IFunction;
  /** AwaitDueDay, RemindOwner, RemindOwnerAgain, HandToPartner. */
  readonly offerTask: IFunction;
  /** LapseFollowUp. */
  readonly lapse: IFunction;
  /** StartNextRound, WaitOnInNextExecution. */
  readonly continueFollowUp: IFunction;
}

export interface FollowUpDefinitionProps {
  readonly steps: FollowUpSteps;
  readonly table: ITableV2;
  readonly opsAlerts: ITopic;
}

export function followUpDefinition(scope: Construct, props: FollowUpDefinitionProps): IChainable {
  const { steps } = props;
  const states = new LifecycleStates(scope, { table: props.table, opsAlerts: props.opsAlerts, workflow: 'FollowUp', customerIdPath: '$.customerId', caseIdPath: '$.followUpId' });
  const ids = { customerId: JsonPath.stringAt('$.customerId'), followUpId: JsonPath.stringAt('$.followUpId') };

  // ------------------------------------------------------------ endings
  const done = new Succeed(scope, 'FollowUpDone');
  const missed = new Succeed(scope, 'FollowUpMissed');
  const closed = new Succeed(scope, 'FollowUpClosed', { comment: 'Done or lapsed before this round began.' });
  const continued = new Succeed(scope, 'ContinuedInNextExecution');

  /** The follow-up goes on in a new execution: the next round, or the same round's longer wait. */
  const goOn = (id: string, round: unknown, reason: unknown) =>
    states
      .step(
        id,
        steps.continueFollowUp,
        { ...ids, round, seq: JsonPath.mathAdd(JsonPath.numberAt('$.seq'), 1), stateMachineArn: JsonPath.stringAt('$$.StateMachine.Id'), reason },
        null,
      )
      .next(continued);
  const startNextRound = goOn('StartNextRound', JsonPath.mathAdd(JsonPath.numberAt('$.round'), 1), JsonPath.stringAt('$.answer.outcome'));

  const applyAction = new Choice(scope, 'ApplyAction')
    .when(Condition.stringEquals('$.answer.outcome', 'done'), done)
    .when(Condition.or(Condition.stringEquals('$.answer.outcome', 'snooze'), Condition.stringEquals('$.answer.outcome', 'reassign')), startNextRound)
    .otherwise(missed);

  // ------------------------------------------------------------ the round's task
  const lapse = states.step('LapseFollowUp', steps.lapse, { ...ids, taskId: JsonPath.stringAt('$.plan.taskId') }, '$.answer');
  lapse.next(applyAction);

  /** One phase of the round's task: offered to `role`'s person now, answered through the link or the app, ended by its timeout. */
  const phase = (id: string, spec: { phase: string; role: string; seconds: string; notify: boolean; onTimeout: IChainable }): LambdaInvoke => {
    const task = states.callbackTask(
      id,
      steps.offerTask,
      {
        customerId: ids.customerId,
        caseId: ids.followUpId,
        taskId: JsonPath.stringAt('$.plan.taskId'),
        phase: spec.phase,
        role: JsonPath.stringAt(spec.role),
        answerWithinSeconds: JsonPath.numberAt(spec.seconds),
        notify: spec.notify,
      },
      { timeoutSecondsPath: spec.seconds, resultPath: '$.answer', onTimeout: spec.onTimeout },
    );
    task.next(applyAction);
    return task;
  };

  const handToPartner = phase('HandToPartner', { phase: 'handedToPartner', role: '$.plan.partner', seconds: '$.plan.partnerSeconds', notify: true, onTimeout: lapse });
  const remindAgain = phase('RemindOwnerAgain', { phase: 'reminder', role: '$.plan.owner', seconds: '$.plan.ownerReminderSeconds', notify: true, onTimeout: handToPartner });
  const remindOwner = phase('RemindOwner', { phase: 'decisionNeeded', role: '$.plan.owner', seconds: '$.plan.ownerFirstSeconds', notify: true, onTimeout: remindAgain });

  // Before the day: the same task, offered silently; its timeout is the wait until the reminder.
  const waitOn = goOn('WaitOnInNextExecution', JsonPath.numberAt('$.round'), 'waitOn');
  const reminderDue = new Choice(scope, 'ReminderDue').when(Condition.booleanEquals('$.plan.continueLater', true), waitOn).otherwise(remindOwner);
  const awaitDueDay = phase('AwaitDueDay', { phase: 'decisionNeeded', role: '$.plan.owner', seconds: '$.plan.silentSeconds', notify: false, onTimeout: reminderDue });

  // ------------------------------------------------------------ start
  const dueNow = new Choice(scope, 'DueNow').when(Condition.numberGreaterThan('$.plan.silentSeconds', 0), awaitDueDay).otherwise(remindOwner);
  const isOpen = new Choice(scope, 'StillOpen').when(Condition.booleanEquals('$.plan.open', true), dueNow).otherwise(closed);
  return states.step('PlanRound', steps.planRound, { ...ids, round: JsonPath.numberAt('$.round') }, '$.plan').next(isOpen);
}
