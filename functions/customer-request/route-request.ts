/**
 * Workflow step RouteRequest: customer → territory → tandem. A prospect is
 * found or recorded by postcode; a territory without a complete tandem throws
 * TandemIncompleteError, which the workflow records as FAILED and reports to ops.
 */
import { NotFoundError } from '../domain/errors';
import { DynamoCustomerRepository } from '../repository/customer-repository';
import { DynamoRequestRepository } from '../repository/request-repository';
import { DynamoTerritoryDirectory } from '../repository/territory-directory';
import { stepHandler } from '../shared/step-handler';
import { routeRequest } from './domain/routing';
import type { RouteResult } from './workflow/state';
import { tableContext } from './workflow/step-context';

export async function routeCustomerRequest(input: { requestId: string }, now = new Date()): Promise<RouteResult> {
  const ctx = tableContext();
  const requests = new DynamoRequestRepository(ctx);
  const request = await requests.getRequest(input.requestId);
  if (!request) throw new NotFoundError('request', input.requestId);
  const routed = await routeRequest(
    { customerId: request.customerId, prospect: request.prospect },
    { customers: new DynamoCustomerRepository(ctx), territories: new DynamoTerritoryDirectory(ctx), today: () => now.toISOString().slice(0, 10) },
  );
  const at = now.toISOString();
  await requests.assignRoute(request.requestId, { customerId: routed.customerId, territoryId: routed.territoryId }, at);
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
  return {
    ...routed,
    lines: request.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
    neededBy: request.neededBy,
    ...(request.preferredStoreId ? { preferredStoreId: request.preferredStoreId } : {}),
  };
}

export const handler = stepHandler('RouteRequest', (input: { requestId: string }) => routeCustomerRequest(input));
