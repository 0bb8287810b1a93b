/**
 * POST /reassignments (admin): moves customers — named ones, or every
 * customer in a postcode range with the range's routing — to another
 * territory. Everything is checked before anything is written: unknown
 * customers → 400 naming them, a target without a complete tandem → 409, a
 * range no routing covers → 400, a territory left without postcodes → 409.
 * The routing of the range moves first (routing ranges it overlaps are cut at
 * its ends), so new customers there route to the target; then each customer moves
 * (one transaction with its `Reassigned` event) and its waiting tasks are
 * re-targeted to the new tandem (retarget-open-tasks.ts). The same
 * reassignmentId with the same body answers the same result again; with
 * another body, 409.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { isComplete } from '../../customer-request/domain/routing';
import { tableContext, tandemNotifier } from '../../customer-request/workflow/step-context';
import { ConflictError, ValidationError } from '../../domain/errors';
import type { Customer, Territory } from '../../domain/model';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import { batchGetAll } from '../../repository/document-client';
import { DynamoReassignments } from '../../repository/reassignment-repository';
import { fromItem, key } from '../../repository/table-layout';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import { httpHandler } from '../../shared/http-handler';
import { correlateWith } from '../../shared/correlation';
import { json, parseJsonBody } from '../../shared/http-response';
import { MAX_CUSTOMERS_IN_RANGE, parseReassignment, planRangeMove, type RangeMove, type Reassignment, type RoutedRange } from '../domain/reassignment';
import { retargetOpenTasks, type RetargetedTask } from './retarget-open-tasks';

export async function reassignCustomers(event: Pick<APIGatewayProxyEvent, 'body' | 'isBase64Encoded'>, now = new Date()) {
  const reassignment = parseReassignment(parseJsonBody(event.body, event.isBase64Encoded));
  correlateWith(reassignment.reassignmentId);
  const ctx = tableContext();
  const records = new DynamoReassignments(ctx);
  const fingerprint = createHash('sha256').update(JSON.stringify(reassignment)).digest('hex');
  const earlier = await records.get(reassignment.reassignmentId);
  if (earlier) {
    if (earlier.fingerprint !== fingerprint) throw new ConflictError(`reassignment ${reassignment.reassignmentId} was made with another body`);
    return json(200, earlier.result);
  }

  const territories = new DynamoTerritoryDirectory(ctx);
  const target = await territories.getTerritory(reassignment.toTerritoryId);
  if (!target) throw new ValidationError('reassignment', [{ field: 'toTerritoryId', problem: `territory ${reassignment.toTerritoryId} does not exist` }]);
  const tandem = await territories.getTandem(target.territoryId);
  if (!tandem || !isComplete(tandem)) throw new ConflictError(`territory ${target.territoryId} has no complete tandem; complete it (PUT /tandems/${target.territoryId}) before moving customers there`);

  const { customers, rangeMove, sourceTerritories } = reassignment.customerIds
    ? { customers: await namedCustomers(reassignment.customerIds), rangeMove: undefined, sourceTerritories: new Map<string, Territory>() }
    : await customersInRange(reassignment, target);

  const moves = new DynamoReassignments(ctx);
  if (rangeMove) await moves.moveRanges(rangeMove, new Map([...sourceTerritories, [target.territoryId, target]]));
  const at = now.toISOString();
  const moved: { customerId: string; fromTerritoryId: string }[] = [];
  const unchanged: string[] = [];
  const retargeted: RetargetedTask[] = [];
  for (const customer of customers) {
    if (!(await moves.moveCustomer(customer, target, { reassignmentId: reassignment.reassignmentId, reason: reassignment.reason, at }))) {
      unchanged.push(customer.customerId);
      continue;
    }
    moved.push({ customerId: customer.customerId, fromTerritoryId: customer.territoryId });
    retargeted.push(
      ...(await retargetOpenTasks(ctx, tandemNotifier(), customer.customerId, {
        because: `has passed to the new tandem of territory ${target.territoryId}; this link no longer decides`,
        caseId: reassignment.reassignmentId,
        at: now,
      })),
    );
  }
  const result = {
    reassignmentId: reassignment.reassignmentId,
    toTerritoryId: target.territoryId,
    moved,
    unchanged,
    reroutedRanges: rangeMove?.moved ?? [],
    retargetedTasks: retargeted,
  };
  await records.record({ reassignmentId: reassignment.reassignmentId, fingerprint, result, at });
  return json(200, result);

  async function namedCustomers(customerIds: readonly string[]): Promise<Customer[]> {
    const found = (await batchGetAll(ctx, customerIds.map((id) => key.customer(id)))).map((item) => fromItem<Customer>(item));
    const problems = customerIds.flatMap((id, i) => (found.some((c) => c.customerId === id) ? [] : [{ field: `customerIds.${i}`, problem: `customer ${id} does not exist` }]));
    if (problems.length > 0) throw new ValidationError('reassignment', problems);
    return customerIds.map((id) => found.find((c) => c.customerId === id)!);
  }

  async function customersInRange(r: Reassignment, to: Territory) {
    const range = r.postcodes!;
    const routing: RoutedRange[] = (await territories.listPostcodeRanges()).filter((x) => x.from.slice(0, 2) === range.from.slice(0, 2));
    const rangeMove: RangeMove = planRangeMove(range, routing, to.territoryId);
    const sourceIds = [...new Set(rangeMove.moved.map((m) => m.fromTerritoryId))];
    const { territories: sources } = await territories.getTerritoriesWithTandems(sourceIds);
    const repository = new DynamoCustomerRepository(ctx);
    const inRange = (await Promise.all(sourceIds.map((id) => repository.customersInTerritory(id))))
      .flat()
      .filter((c) => c.address.postcode >= range.from && c.address.postcode <= range.to);
    if (inRange.length > MAX_CUSTOMERS_IN_RANGE) {
      throw new ValidationError('reassignment', [{ field: 'postcodes', problem: `covers ${inRange.length} customers; move at most ${MAX_CUSTOMERS_IN_RANGE} at once (split the range)` }]);
    }
    return { customers: inRange, rangeMove, sourceTerritories: new Map(sources.map((t) => [t.territoryId, t])) };
  }
}

export const handler = httpHandler((event) => reassignCustomers(event));
