/**
 * The data of a decision link's page, read from the table: the reference, its
 * request, customer, holder and the missing goods, rendered by
 * domain/decision-page.ts. Shared by GET /tasks/{ref} and the form POST.
 */
import { DynamoCatalogueRepository } from '../../repository/catalogue-repository';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import type { TableContext } from '../../repository/document-client';
import { DynamoEscalationRepository, whyGone } from '../../repository/escalation-repository';
import { DynamoRequestRepository } from '../../repository/request-repository';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import { renderDecisionPage } from '../domain/decision-page';

/** The page of a reference, with an optional notice (after a POST); undefined when the reference is unknown. */
export async function decisionPage(ctx: TableContext, ref: string, now: Date, notice?: string): Promise<{ status: number; body: string } | undefined> {
  const escalations = new DynamoEscalationRepository(ctx);
  const current = await escalations.getRef(ref);
  if (!current) return undefined;
  const request = await new DynamoRequestRepository(ctx).getRequest(current.requestId);
  if (!request?.customerId || !request.territoryId) return undefined;
  const [customer, tandem, escalation] = await Promise.all([
    new DynamoCustomerRepository(ctx).getCustomer(request.customerId),
    new DynamoTerritoryDirectory(ctx).getTandem(request.territoryId),
    escalations.getEscalation(current.requestId),
  ]);
  const missing = escalation?.missing ?? request.lines;
  const products = new Map((await new DynamoCatalogueRepository(ctx).getProducts(missing.map((l) => l.sku))).map((p) => [p.sku, p]));
  const holder = [tandem?.insideManager, tandem?.fieldManager].find((p) => p?.personId === current.holderId);
  const gone = whyGone(current, now.toISOString());
  const body = renderDecisionPage({
    ref,
    language: holder?.language ?? 'de',
    holderName: holder?.name ?? current.holderId,
    customerName: customer?.name ?? request.customerId,
    requestId: request.requestId,
    neededBy: request.neededBy,
    answerBy: current.answerBy,
    missing: missing.map((l) => ({ sku: l.sku, quantity: l.quantity, productName: products.get(l.sku)?.name ?? l.sku, unit: products.get(l.sku)?.unit ?? 'piece' })),
    ...(gone ? { gone } : {}),
    ...(notice ? { notice } : {}),
  });
  return { status: gone && !notice ? 410 : 200, body };
}

