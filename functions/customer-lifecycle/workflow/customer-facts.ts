/**
 * What every lifecycle step about one customer starts from: the customer and
 * the tandem of its territory now (a reassignment changes both, so they are
 * read at every step, never carried in the workflow's state).
 */
import { NotFoundError } from '../../domain/errors';
import type { Customer, Tandem } from '../../domain/model';
import { DynamoCustomerRepository } from '../../repository/customer-repository';
import type { TableContext } from '../../repository/document-client';
import { DynamoTerritoryDirectory } from '../../repository/territory-directory';
import { TandemIncompleteError } from '../../customer-request/domain/routing';

export interface CustomerFacts {
  readonly customer: Customer;
  readonly tandem: Tandem;
}

export async function loadCustomerFacts(ctx: TableContext, customerId: string): Promise<CustomerFacts> {
  const customer = await new DynamoCustomerRepository(ctx).getCustomer(customerId);
  if (!customer) throw new NotFoundError('customer', customerId);
  const tandem = await new DynamoTerritoryDirectory(ctx).getTandem(customer.territoryId);
  if (!tandem) throw new TandemIncompleteError(customer.territoryId);
  return { customer, tandem };
}
