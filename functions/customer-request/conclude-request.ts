/**
 * Workflow step ConcludeRequest, after an escalation: the request's final
 * status from what is held and decided (workflow/conclude.ts), then both
 * partners told (workflow/notify-outcome.ts) — one invocation, since telling
 * the tandem always follows the conclusion and both are safe to retry.
 */
import { stepHandler } from '../shared/step-handler';
import { concludeRequest } from './workflow/conclude';
import { notifyTandem } from './workflow/notify-outcome';
import type { ConcludedState } from './workflow/state';

export async function concludeAndNotify(input: { requestId: string }, now = new Date()): Promise<ConcludedState> {
  const outcome = await concludeRequest(input, now);
  // Its own time, after the Outcome's: the audit trail is ordered by time.
  const notified = await notifyTandem({ requestId: input.requestId, status: outcome.status }, new Date(Math.max(Date.now(), now.getTime() + 1)));
  return { requestId: input.requestId, outcome, notified };
}

export const handler = stepHandler('ConcludeRequest', (input: { requestId: string }) => concludeAndNotify(input));
