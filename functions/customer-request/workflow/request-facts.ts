/**
 * What every message or page about one request is made from: the request, its
 * customer, the territory's tandem and the products it names — read together.
 */
import { NotFoundError } from '../../domain/errors';
import type { Customer, CustomerRequestRecord, Product, Tandem } from '../../domain/model';
import { DynamoCatalogueRepository } from '../../repository/catalogue-repository';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import type { TableContext } from '../../repository/document-client';
import { DynamoRequestRepository } from '../../repository/request-repository';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import type { MessageLine } from '../domain/messages';

export interface RequestFacts {
  readonly request: CustomerRequestRecord;
  readonly customer: Customer;
  readonly tandem: Tandem;
  readonly products: ReadonlyMap<string, Product>;
}

/** The facts of a routed request, with the products of its lines and of `extraSkus`; NotFoundError when any is missing. */
export async function loadRequestFacts(ctx: TableContext, requestId: string, extraSkus: readonly string[] = []): Promise<RequestFacts> {
  const request = await new DynamoRequestRepository(ctx).getRequest(requestId);
  if (!request) throw new NotFoundError('request', requestId);
  if (!request.customerId || !request.territoryId) throw new NotFoundError('route of request', requestId);
  const [customer, tandem, products] = await Promise.all([
    new DynamoCustomerRepository(ctx).getCustomer(request.customerId),
    new DynamoTerritoryDirectory(ctx).getTandem(request.territoryId),
    new DynamoCatalogueRepository(ctx).getProducts([...request.lines.map((l) => l.sku), ...extraSkus]),
  ]);
  if (!customer) throw new NotFoundError('customer', request.customerId);
  if (!tandem) throw new NotFoundError('tandem of territory', request.territoryId);
  return { request, customer, tandem, products: new Map(products.map((p) => [p.sku, p])) };
}

/** The facts when the request, customer and tandem are already read (FulfilRequest routed it): only the products are read. */
export async function factsOfRouted(
  ctx: TableContext,
  parties: Pick<RequestFacts, 'request' | 'customer' | 'tandem'>,
  extraSkus: readonly string[] = [],
): Promise<RequestFacts> {
  const products = await new DynamoCatalogueRepository(ctx).getProducts([...new Set([...parties.request.lines.map((l) => l.sku), ...extraSkus])]);
  return { ...parties, products: new Map(products.map((p) => [p.sku, p])) };
}

/** Message lines with product names and units from the catalogue. */
export function messageLines(facts: Pick<RequestFacts, 'products'>, lines: readonly { sku: string; quantity: number }[]): MessageLine[] {
  return lines.map((line) => {
    const product = facts.products.get(line.sku);
    return { sku: line.sku, productName: product?.name ?? line.sku, quantity: line.quantity, unit: product?.unit ?? 'piece' };
  });
}
