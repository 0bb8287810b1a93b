/**
 * Routing, the first part of FulfilRequest: customer → territory → tandem. A
 * prospect is found or recorded by postcode; a territory without a complete
 * tandem throws TandemIncompleteError, which the workflow records as FAILED
 * and reports to ops.
 */
import type { Customer, CustomerRequestRecord, Tandem } from '../../domain/model';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import { DynamoRequestRepository } from '../../repository/request-repository';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import { routeWithParties } from '../domain/routing';
import type { RouteResult } from './state';
import { tableContext } from './step-context';

/** Routes a request already read (FulfilRequest reads its partition once). */
export async function routeCustomerRequest(request: CustomerRequestRecord, now = new Date()): Promise<RouteResult> {
  return (await routeWithFacts(request, now)).route;
}

/** The route, and the request's facts for messages (customer, tandem) read on the way — kept out of the workflow state. */
export async function routeWithFacts(request: CustomerRequestRecord, now = new Date()): Promise<{ route: RouteResult; customer: Customer; tandem: Tandem }> {
  const ctx = tableContext();
  const requests = new DynamoRequestRepository(ctx);
  const { routed, customer, tandem } = await routeWithParties(
    { customerId: request.customerId, prospect: request.prospect },
    { customers: new DynamoCustomerRepository(ctx), territories: new DynamoTerritoryDirectory(ctx), today: () => now.toISOString().slice(0, 10) },
  );
  const at = now.toISOString();
  await requests.assignRoute(request, { customerId: routed.customerId, territoryId: routed.territoryId }, at);
  await requests.appendAuditEvent({
    requestId: request.requestId,
    at,
    step: 'Route',
    detail: {
      customerId: routed.customerId,
      territoryId: routed.territoryId,
      fieldManagerId: routed.fieldManagerId,
      insideManagerId: routed.insideManagerId,
      prospectRecorded: routed.prospectRecorded,
    },
  });
  const route: RouteResult = {
    ...routed,
    lines: request.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    neededBy: request.neededBy,
    ...(request.preferredStoreId ? { preferredStoreId: request.preferredStoreId } : {}),
  };
  return { route, customer, tandem };
}

