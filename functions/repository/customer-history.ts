/**
 * A customer's audit trail: every step of onboarding, price requests,
 * follow-ups and reassignments leaves an event in the customer's partition
 * (`EVENT#<at>#<step>`), next to the records it explains, so `GET
 * /customers/{id}` reads the customer, its prices, cases, tasks and history
 * with one Query. Events name person ids, never numbers or addresses.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { customerIdSchema, isoDateTimeSchema } from '../domain/model';
import { validate } from '../domain/validate';
import { queryAll, type TableContext } from './document-client';
import { key, toUtc, type Item } from './table-layout';

export const customerEventSchema = z.object({
  customerId: customerIdSchema,
  at: isoDateTimeSchema,
  step: z.string().regex(/^[A-Z][A-Za-z]+$/, 'must be a PascalCase step name'),
  /** The onboarding, price request, follow-up or reassignment the event belongs to. */
  caseId: z.string().min(1).max(120).optional(),
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type CustomerEvent = z.input<typeof customerEventSchema>;

export function customerEventItem(input: CustomerEvent): Item {
  const e = validate(customerEventSchema, input, `event of customer ${input.customerId}`);
  return { ...key.customerEvent(e.customerId, e.at, e.step), entity: 'CustomerEvent', ...e, at: toUtc(e.at) };
}

export class DynamoCustomerHistory {
  constructor(private readonly ctx: TableContext) {}

  async append(event: CustomerEvent): Promise<void> {
    await this.ctx.doc.send(new PutCommand({ TableName: this.ctx.tableName, Item: customerEventItem(event) }));
  }

  /** Everything in the customer's partition, in key order (the customer, events by time, follow-ups, notifications, prices, price requests, tasks). */
  async partition(customerId: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.ctx, { KeyConditionExpression: 'pk = :customer', ExpressionAttributeValues: { ':customer': key.customer(customerId).pk } });
  }
}
