import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { Customer } from '../domain/model';
import type { CustomerRepository } from '../domain/ports';
import { queryAll, type TableContext } from './document-client';
import { customerItem, fromItem, INDEX, key } from './table-layout';

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
}
