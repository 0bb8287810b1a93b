/**
 * PlanFirstRound / PlanNextRound: the next wait of the handover period, or
 * the handover. The first round turns the customer's plan into seconds once
 * (its handover time less the moment the state was entered); every later one
 * is pure arithmetic on the last round and how its wait ended
 * (../domain/handover-rounds.ts). `now` is the state's entered time, kept as
 * the round's start so an answer's decidedAt tells how long the wait lasted.
 */
import { NotFoundError } from '../../domain/errors';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import type { CustomerTaskPhase } from '../../repository/customer-task-repository';
import { stepHandler } from '../../shared/step-handler';
import { numberEnv, tableContext } from '../../customer-request/workflow/step-context';
import { DAY_SECONDS, elapsedSeconds, firstRound, nextRound, type HandoverRound, type HandoverWait, type WaitEnding } from '../domain/handover-rounds';
import { handoverTaskId } from '../domain/onboarding';
import { planOf } from './onboarding-messages';

/** A round as the workflow's state holds it at `$.round`. */
export type RoundState = HandoverRound & {
  /** The state's entered time when the round was planned: the start of its wait. */
  readonly startedAt: string;
  /** For a waiting round: its task and the phase it is offered in. */
  readonly taskId?: string;
  readonly phase?: CustomerTaskPhase;
};

export interface PlanRoundInput {
  readonly customerId: string;
  readonly caseId: string;
  /** `$$.State.EnteredTime`. */
  readonly now: string;
  /** The last round; absent for the first. */
  readonly round?: RoundState;
  /** How the last round's task ended: the field manager's answer, or `{outcome: 'expired'}`. */
  readonly answer?: { readonly outcome: string; readonly weeks?: unknown; readonly decidedAt?: unknown };
}

export async function planHandoverRound(input: PlanRoundInput): Promise<RoundState> {
  const next = input.round ? nextRound(waitingRound(input.round), endingOf(input.round, input.answer)) : firstRound(await periodSeconds(input), visitEverySeconds());
  if (next.action === 'handover') return { ...next, startedAt: input.now };
  return {
    ...next,
    startedAt: input.now,
    taskId: handoverTaskId(input.customerId, next.round),
    phase: next.message === 'visitReminder' ? 'reminder' : 'decisionNeeded',
  };
}

async function periodSeconds(input: PlanRoundInput): Promise<number> {
  const customer = await new DynamoCustomerRepository(tableContext()).getCustomer(input.customerId);
  if (!customer) throw new NotFoundError('customer', input.customerId);
  const plan = planOf(customer);
  // Handed over already (a re-run): nothing left to wait for.
  if (customer.lifecycle !== 'new' || plan.handedOverAt) return 0;
  return (Date.parse(plan.handoverAt) - Date.parse(input.now)) / 1000;
}

function visitEverySeconds(): number {
  return Math.round(numberEnv('JOINT_VISIT_EVERY_DAYS', 28) * DAY_SECONDS);
}

function waitingRound(round: RoundState): HandoverWait {
  if (round.action !== 'wait') throw new Error(`round ${round.round} did not wait; it has no next round`);
  return round;
}

function endingOf(round: RoundState, answer: PlanRoundInput['answer']): WaitEnding {
  switch (answer?.outcome) {
    case 'expired':
      return { kind: 'timeout' };
    case 'handover-now':
      return { kind: 'handover-now' };
    case 'extend':
      if (typeof answer.weeks !== 'number' || typeof answer.decidedAt !== 'string') throw new Error('an extension answer without weeks or decidedAt');
      return { kind: 'extend', weeks: answer.weeks, elapsedSeconds: elapsedSeconds(round.startedAt, answer.decidedAt, round.action === 'wait' ? round.waitSeconds : 0) };
    default:
      throw new Error(`not a handover task's ending: ${String(answer?.outcome)}`);
  }
}

export const handler = stepHandler('PlanHandoverRound', planHandoverRound);
