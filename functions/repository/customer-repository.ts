import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { Customer } from '../domain/model';
import type { CustomerRepository } from '../domain/ports';
import { onboardedCustomerId, type RegistrationRecord } from '../customer-lifecycle/domain/onboarding';
import { queryAll, type TableContext } from './document-client';
import { customerItem, fromItem, INDEX, key, toUtc, type Item } from './table-layout';


export class DynamoCustomerRepository implements CustomerRepository {
  constructor(private readonly ctx: TableContext) {}

  async getCustomer(customerId: string): Promise<Customer | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.customer(customerId) }));
    return out.Item ? fromItem<Customer>(out.Item) : undefined;
  }

  async putCustomer(customer: Customer): Promise<void> {
    // Validation happens in customerItem, before anything is sent.
    await this.ctx.doc.send(new PutCommand({ TableName: this.ctx.tableName, Item: customerItem(customer) }));
  }

  /** Creates the customer unless one with the id exists (then a ConflictError); used for new prospects. */
  async createCustomer(customer: Customer): Promise<void> {
    try {
      await this.ctx.doc.send(
        new PutCommand({ TableName: this.ctx.tableName, Item: customerItem(customer), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConflictError(`customer ${customer.customerId} already exists`, { cause: error });
      }
      throw error;
    }
  }

  async customersInTerritory(territoryId: string): Promise<Customer[]> {
    const items = await queryAll(this.ctx, {
      IndexName: INDEX.byParent,
      KeyConditionExpression: 'gsi1pk = :territory AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':territory': `TERRITORY#${territoryId}`, ':prefix': 'CUSTOMER#' },
    });
    return items.map((item) => fromItem<Customer>(item));
  }

  /** The registration POST /customers recorded under this id, with its body's fingerprint. */
  async getRegistration(registrationId: string): Promise<RegistrationRecord | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.registration(registrationId), ConsistentRead: true }));
    // Read raw: `fingerprint` is a layout attribute that fromItem strips.
    return out.Item ? { registrationId: String(out.Item.registrationId), fingerprint: String(out.Item.fingerprint), answer: out.Item.answer as RegistrationRecord['answer'], registeredAt: String(out.Item.registeredAt) } : undefined;
  }

  /** The next id for a newly won customer, from one atomic counter: two registrations never share one. */
  async allocateCustomerId(): Promise<string> {
    const out = await this.ctx.doc.send(
      new UpdateCommand({
        TableName: this.ctx.tableName,
        Key: key.customerIdCounter(),
        UpdateExpression: 'ADD lastNumber :one SET entity = :entity',
        ExpressionAttributeValues: { ':one': 1, ':entity': 'Counter' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return onboardedCustomerId(Number(out.Attributes?.lastNumber));
  }

  /**
   * Records a newly won customer, its registration and its events in one
   * transaction. A registration id recorded meanwhile (a concurrent repeat)
   * writes nothing and returns that registration.
   */
  async registerNewCustomer(
    customer: Customer,
    registration: RegistrationRecord,
    events: readonly Item[],
  ): Promise<{ readonly outcome: 'created' } | { readonly outcome: 'registered-before'; readonly registration: RegistrationRecord }> {
    const registrationItem = {
      ...key.registration(registration.registrationId),
      entity: 'CustomerRegistration',
      ...registration,
      customerId: registration.answer.customerId,
      registeredAt: toUtc(registration.registeredAt),
    };
    const transaction = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: this.ctx.tableName, Item: registrationItem, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: this.ctx.tableName, Item: customerItem(customer), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...events.map((Item) => ({ Put: { TableName: this.ctx.tableName, Item } })),
      ],
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ctx.doc.send(transaction);
        return { outcome: 'created' };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // A concurrent repeat recorded it first (its condition failed, or the two transactions collided).
        const earlier = await this.getRegistration(registration.registrationId);
        if (earlier) return { outcome: 'registered-before', registration: earlier };
        const collided = error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict') ?? false;
        if (!collided || attempt >= 3) throw new ConflictError(`customer ${customer.customerId} of registration ${registration.registrationId} could not be recorded; send the registration again`, { cause: error });
      }
    }
  }

  /**
   * A newly won customer passes to the inside role — once: the update is
   * conditional on the customer still being `new`, and its event is written
   * with it or not at all.
   */
  async handOverToInside(customerId: string, at: string, event: Item): Promise<'handed-over' | 'was-handed-over'> {
    const when = toUtc(at);
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.ctx.tableName,
                Key: key.customer(customerId),
                ConditionExpression: 'lifecycle = :new AND attribute_exists(onboarding)',
                UpdateExpression: 'SET lifecycle = :handedOver, #owner = :inside, handedOverAt = :at, onboarding.handedOverAt = if_not_exists(onboarding.handedOverAt, :at)',
                ExpressionAttributeNames: { '#owner': 'owner' },
                ExpressionAttributeValues: { ':new': 'new', ':handedOver': 'handed-over', ':inside': 'inside', ':at': when },
              },
            },
            { Put: { TableName: this.ctx.tableName, Item: event } },
          ],
        }),
      );
      return 'handed-over';
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return 'was-handed-over';
      throw error;
    }
  }
}
