/**
 * The data of a decision link's page, read from the table: the reference, its
 * request, customer, holder and the missing goods, rendered by
 * domain/decision-page.ts. Shared by GET /tasks/{ref} and the form POST.
 */
import { NotFoundError } from '../../domain/errors';
import type { TableContext } from '../../repository/document-client';
import { DynamoEscalationRepository, whyGone } from '../../repository/escalation-repository';
import { DynamoTandemDirectory } from '../../repository/tandem-directory';
import { renderDecisionPage } from '../domain/decision-page';
import { loadRequestFacts, messageLines } from './request-facts';

/** The page of a reference, with an optional notice (after a POST); undefined when the reference is unknown. */
export async function decisionPage(ctx: TableContext, ref: string, now: Date, notice?: string): Promise<{ status: number; body: string } | undefined> {
  const escalations = new DynamoEscalationRepository(ctx);
  const current = await escalations.getRef(ref);
  if (!current) return undefined;
  const escalation = await escalations.getEscalation(current.requestId);
  let facts;
  try {
    facts = await loadRequestFacts(ctx, current.requestId, escalation?.missing.map((l) => l.sku));
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
  const { request, customer, tandem } = facts;
  // One of the tandem, or the deputy the task was offered to.
  const holder = (await new DynamoTandemDirectory(ctx).personOf(tandem, current.holderId))?.person;
  const gone = whyGone(current, now.toISOString());
  const body = renderDecisionPage({
    ref,
    language: holder?.language ?? 'de',
    holderName: holder?.name ?? current.holderId,
    customerName: customer.name,
    requestId: request.requestId,
    neededBy: request.neededBy,
    answerBy: current.answerBy,
    missing: messageLines(facts, escalation?.missing ?? request.lines),
    ...(gone ? { gone } : {}),
    ...(notice ? { notice } : {}),
  });
  return { status: gone && !notice ? 410 : 200, body };
}
