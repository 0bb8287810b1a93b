/**
 * Hands a stored decision to the callback task waiting for it: a decline as
 * SendTaskFailure (error `DecisionDeclined`, which the workflow catches), any
 * other answer as SendTaskSuccess with the decision as the task's output. A
 * token that is gone (the phase timed out meanwhile) is not an error: the
 * workflow's next step finds the stored decision.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, TaskDoesNotExist, TaskTimedOut, InvalidToken, type SFNClient } from '@aws-sdk/client-sfn';
import type { StoredDecision } from '../../repository/escalation-repository';

export const DECISION_DECLINED_ERROR = 'DecisionDeclined';

/** The task output of a decision: what the workflow's ApplyDecision step reads at `$.decision`. */
export function decisionOutput(decided: StoredDecision): Record<string, unknown> {
  return { ...decided.decision, decidedBy: decided.decidedBy, decidedAt: decided.decidedAt };
}

export async function deliverDecision(sfn: SFNClient, taskToken: string, decided: StoredDecision): Promise<'delivered' | 'task-gone'> {
  try {
    if (decided.decision.outcome === 'declined') {
      await sfn.send(
        new SendTaskFailureCommand({ taskToken, error: DECISION_DECLINED_ERROR, cause: JSON.stringify(decisionOutput(decided)) }),
      );
    } else {
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(decisionOutput(decided)) }));
    }
    return 'delivered';
  } catch (error) {
    if (error instanceof TaskDoesNotExist || error instanceof TaskTimedOut || error instanceof InvalidToken) return 'task-gone';
    throw error;
  }
}
