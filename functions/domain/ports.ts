/**
 * What the domain needs from storage, as small interfaces. DynamoDB implements
 * them in functions/repository; tests may implement them in memory.
 */
import type {
  AuditEvent,
  Customer,
  CustomerRequestRecord,
  DecisionRecord,
  Product,
  RequestStatus,
  StockLevel,
  Store,
  Tandem,
  Territory,
} from './model';

/** An inclusive ISO-8601 time window; either end may be open. */
export interface TimeWindow {
  readonly from?: string;
  readonly to?: string;
}

export interface NearbyStore {
  readonly storeId: string;
  readonly distanceKm: number;
}

export interface TerritoryDirectory {
  territoryForPostcode(postcode: string): Promise<Territory | undefined>;
  getTerritory(territoryId: string): Promise<Territory | undefined>;
  getTandem(territoryId: string): Promise<Tandem | undefined>;
}

export interface CustomerRepository {
  getCustomer(customerId: string): Promise<Customer | undefined>;
  putCustomer(customer: Customer): Promise<void>;
  customersInTerritory(territoryId: string): Promise<Customer[]>;
}

export interface StoreDirectory {
  getStore(storeId: string): Promise<Store | undefined>;
  listStores(): Promise<Store[]>;
  /** The `count` stores nearest to `storeId`, nearest first, excluding itself. */
  nearestStores(storeId: string, count: number): Promise<NearbyStore[]>;
  /** The territory's home store first, then the stores nearest to it. */
  nearestStoresToPostcode(postcode: string, count: number): Promise<NearbyStore[]>;
}

export interface CatalogueRepository {
  getProduct(sku: string): Promise<Product | undefined>;
  getProducts(skus: readonly string[]): Promise<Product[]>;
  productsInLine(productLine: string): Promise<Product[]>;
}

export interface StockRepository {
  /** Stock of one product in each of the given stores that carries it. */
  stockAcross(sku: string, storeIds: readonly string[]): Promise<StockLevel[]>;
  stockOfStore(storeId: string): Promise<StockLevel[]>;
}

export interface RequestRepository {
  /** Creates the record; a second create with the same id is a ConflictError. */
  createRequest(request: CustomerRequestRecord): Promise<void>;
  getRequest(requestId: string): Promise<CustomerRequestRecord | undefined>;
  updateStatus(requestId: string, status: RequestStatus, at: string, storeId?: string): Promise<void>;
  requestsByCustomer(customerId: string, window?: TimeWindow): Promise<CustomerRequestRecord[]>;
  requestsByTerritory(territoryId: string, window?: TimeWindow): Promise<CustomerRequestRecord[]>;
  requestsByStatus(status: RequestStatus, window?: TimeWindow): Promise<CustomerRequestRecord[]>;
  recordDecision(decision: DecisionRecord): Promise<void>;
  decisionsFor(requestId: string): Promise<DecisionRecord[]>;
  appendAuditEvent(event: AuditEvent): Promise<void>;
  auditTrail(requestId: string): Promise<AuditEvent[]>;
}
