/**
 * Workflow steps StartNextRound and WaitOnInNextExecution: the follow-up
 * goes on in a new execution of the same state machine — the next round
 * after a snooze or a reassignment, or the same round when the wait for a
 * far due day is longer than one execution waits. Each execution stays far
 * below Step Functions' one-year limit. The name is fixed by the follow-up
 * and the sequence number, so a retried step starts nothing twice.
 */
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions, tableContext } from '../../customer-request/workflow/step-context';
import { DynamoFollowUps } from '../../repository/follow-up-repository';
import { logger } from '../../shared/powertools';
import { stepHandler } from '../../shared/step-handler';
import { followUpExecutionName } from '../domain/follow-up';

export interface ContinueFollowUpInput {
  readonly customerId: string;
  readonly followUpId: string;
  /** The round the next execution runs. */
  readonly round: number;
  /** The next execution's sequence number. */
  readonly seq: number;
  /** This execution's state machine (`$$.StateMachine.Id`). */
  readonly stateMachineArn: string;
  /** snooze, reassign, or waitOn. */
  readonly reason: string;
}

export async function continueFollowUp(input: ContinueFollowUpInput, now = new Date()): Promise<{ execution: string }> {
  const name = followUpExecutionName(input.customerId, input.followUpId, input.seq);
  // The event first, so the trail reads in order: this execution hands over, the next one plans.
  await new DynamoFollowUps(tableContext()).recordEvent({
    customerId: input.customerId,
    caseId: input.followUpId,
    at: now.toISOString(),
    step: 'FollowUpContinued',
    detail: { round: input.round, seq: input.seq, reason: input.reason, execution: name },
  });
  try {
    await stepFunctions().send(
      new StartExecutionCommand({
        stateMachineArn: input.stateMachineArn,
        name,
        input: JSON.stringify({ customerId: input.customerId, followUpId: input.followUpId, round: input.round, seq: input.seq }),
      }),
    );
  } catch (error) {
    // Started by an earlier attempt of this step: exactly what was meant.
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
    logger.info('next execution already started', { seq: input.seq });
  }
  return { execution: name };
}

export const handler = stepHandler('ContinueFollowUp', (input: ContinueFollowUpInput) => continueFollowUp(input));
