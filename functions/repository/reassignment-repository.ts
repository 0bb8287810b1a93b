/**
 * The writes of a reassignment. A customer moves in one transaction with its
 * audit event (the customer's territory and home store, and the territory
 * index); a postcode range's routing moves in one transaction with the range
 * lists of the territories it touches. The reassignment's record is written last and
 * makes a repeated request answer the same result.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { Customer, Territory } from '../domain/model';
import { customerEventItem } from './customer-history';
import type { TableContext } from './document-client';
import { key, territoryItem, toUtc } from './table-layout';
import type { RangeMove } from '../customer-lifecycle/domain/reassignment';

export interface ReassignmentRecord {
  readonly reassignmentId: string;
  readonly fingerprint: string;
  readonly result: Record<string, unknown>;
  readonly at: string;
}


export class DynamoReassignments {
  constructor(private readonly ctx: TableContext) {}

  async get(reassignmentId: string): Promise<ReassignmentRecord | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.reassignment(reassignmentId), ConsistentRead: true }));
    return out.Item as ReassignmentRecord | undefined;
  }

  async record(record: ReassignmentRecord): Promise<void> {
    try {
      await this.ctx.doc.send(
        new PutCommand({
          TableName: this.ctx.tableName,
          Item: { ...key.reassignment(record.reassignmentId), entity: 'Reassignment', ...record, at: toUtc(record.at) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Moves a customer unless it is in the target territory already (then false). */
  async moveCustomer(customer: Customer, to: Territory, change: { reassignmentId: string; reason: string; at: string }): Promise<boolean> {
    if (customer.territoryId === to.territoryId) return false;
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.ctx.tableName,
                Key: key.customer(customer.customerId),
                ConditionExpression: 'territoryId = :from',
                UpdateExpression: 'SET territoryId = :to, homeStoreId = :store, gsi1pk = :index',
                ExpressionAttributeValues: { ':from': customer.territoryId, ':to': to.territoryId, ':store': to.homeStoreId, ':index': `TERRITORY#${to.territoryId}` },
              },
            },
            {
              Put: {
                TableName: this.ctx.tableName,
                Item: customerEventItem({
                  customerId: customer.customerId,
                  caseId: change.reassignmentId,
                  at: change.at,
                  step: 'Reassigned',
                  detail: { fromTerritoryId: customer.territoryId, toTerritoryId: to.territoryId, reason: change.reason },
                }),
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new ConflictError(`customer ${customer.customerId} moved meanwhile; repeat the reassignment`, { cause: error });
      throw error;
    }
  }

  /**
   * Writes the routing after a range move: each new routing range (the piece
   * that keeps an old range's start replaces its item), and every touched
   * territory's list of ranges, all or nothing. A territory left without a
   * range is refused.
   */
  async moveRanges(move: RangeMove, territories: ReadonlyMap<string, Territory>): Promise<void> {
    if (move.moved.length === 0) return;
    const lists = new Map([...territories].map(([id, t]) => [id, t.postcodes.filter((p) => !move.moved.some((m) => p.from <= m.to && p.to >= m.from))]));
    for (const piece of move.routing) {
      const list = lists.get(piece.territoryId);
      if (!list) throw new Error(`territory ${piece.territoryId} of range ${piece.from} not loaded`);
      list.push({ from: piece.from, to: piece.to });
    }
    const emptied = [...lists].find(([, list]) => list.length === 0)?.[0];
    if (emptied) throw new ConflictError(`territory ${emptied} would keep no postcode range; give it another range first, or move its customers by id`);
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...move.routing.map((piece) => ({
              Put: { TableName: this.ctx.tableName, Item: { ...key.postcodeRange(piece.from), entity: 'PostcodeRange', from: piece.from, to: piece.to, territoryId: piece.territoryId } },
            })),
            ...[...lists].map(([id, list]) => ({
              Put: {
                TableName: this.ctx.tableName,
                Item: territoryItem({ ...territories.get(id)!, postcodes: [...list].sort((a, b) => a.from.localeCompare(b.from)) }),
                // The territory's ranges are as they were read: a concurrent change makes this a conflict to repeat.
                ConditionExpression: 'attribute_exists(pk)',
              },
            })),
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) throw new ConflictError('the routing changed meanwhile; repeat the reassignment', { cause: error });
      throw error;
    }
  }
}
