/**
 * Workflow step ExpireDecision: nobody answered in time. Closes the field
 * manager's reference; if an answer was stored in the last moment, it is
 * returned and applied instead of giving up.
 */
import { DynamoEscalationRepository } from '../repository/escalation-repository';
import { stepHandler } from '../shared/step-handler';
import { decisionOutput } from './workflow/deliver-decision';
import { tableContext } from './workflow/step-context';

export async function expireDecision(input: { requestId: string; ref: string }, now = new Date()): Promise<Record<string, unknown>> {
  const closed = await new DynamoEscalationRepository(tableContext()).close(input.ref, 'EXPIRED', now.toISOString());
  return closed.outcome === 'decided' ? decisionOutput(closed.decided) : { outcome: 'none' };
}

export const handler = stepHandler('ExpireDecision', (input: { requestId: string; ref: string }) => expireDecision(input));
