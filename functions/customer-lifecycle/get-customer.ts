/**
 * GET /customers/{id}: a customer's lifecycle — who owns it (field or inside
 * role, and the person now), its status (prospect, new, handed-over), the
 * onboarding plan, agreed special prices with their validity, price
 * requests, follow-ups, the tasks waiting for a person, who was notified, and
 * the audit trail of everything in time order. All of it lives in the
 * customer's own partition: one Query, read together.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { NotFoundError } from '../domain/errors';
import { customerIdSchema, type Customer } from '../domain/model';
import { validate } from '../domain/validate';
import { DynamoCustomerHistory } from '../repository/customer-history';
import type { CustomerTask } from '../repository/customer-task-repository';
import { createDocumentClient } from '../repository/document-client';
import type { NotificationRecord } from '../repository/notification-log';
import { fromItem } from '../repository/table-layout';
import { DynamoTerritoryDirectory } from '../repository/territory-directory';
import { requiredEnv } from '../shared/environment';
import { httpHandler } from '../shared/http-handler';
import { correlateWith } from '../shared/correlation';
import { json } from '../shared/http-response';

const ctx = { doc: createDocumentClient(), tableName: requiredEnv('TABLE_NAME') };

export async function getCustomer(event: Pick<APIGatewayProxyEvent, 'pathParameters'>, now = new Date()) {
  const customerId = validate(customerIdSchema, event.pathParameters?.id, 'path parameter id');
  correlateWith(customerId);
  const items = await new DynamoCustomerHistory(ctx).partition(customerId);
  const customerItem = items.find((item) => item.sk === 'CUSTOMER');
  if (!customerItem) throw new NotFoundError('customer', customerId);
  const customer = fromItem<Customer>(customerItem);
  const bySort = (prefix: string) => items.filter((item) => String(item.sk).startsWith(prefix)).map((item) => fromItem<Record<string, unknown>>(item));
  const tandem = await new DynamoTerritoryDirectory(ctx).getTandem(customer.territoryId);
  const ownerPerson = tandem ? (customer.owner === 'field' ? tandem.fieldManager : tandem.insideManager) : undefined;
  const today = now.toISOString().slice(0, 10);
  return json(200, {
    customer,
    owner: { role: customer.owner, territoryId: customer.territoryId, ...(ownerPerson ? { personId: ownerPerson.personId, name: ownerPerson.name } : {}) },
    status: customer.lifecycle,
    prices: bySort('PRICE#').map((price) => ({ ...price, valid: String(price.validFrom) <= today && today <= String(price.validUntil) })),
    priceRequests: bySort('PRICEREQUEST#'),
    followUps: bySort('FOLLOWUP#'),
    // The reference is the holder's credential: the API shows who holds a task, never the link.
    tasks: bySort('TASK#').map((task) => withoutRef(task as unknown as CustomerTask)),
    notifications: bySort('NOTIFICATION#').map((item) => item as unknown as NotificationRecord).sort((a, b) => a.claimedAt.localeCompare(b.claimedAt)),
    timeline: bySort('EVENT#'),
  });
}

function withoutRef(task: CustomerTask): Omit<CustomerTask, 'ref'> {
  return Object.fromEntries(Object.entries(task).filter(([name]) => name !== 'ref')) as Omit<CustomerTask, 'ref'>;
}

export const handler = httpHandler((event) => getCustomer(event));
