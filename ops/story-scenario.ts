/**
 * The story's two requests as steps any caller can replay through a stage's
 * public interfaces: `npm start`'s demo (local/demo/story-demo.ts, which also
 * prints what the local outbox received) and the smoke test (ops/smoke.ts,
 * which checks every status). Stock is set through the public stock feed; the
 * table is only read (the customer's stores, what is already reserved, who
 * holds a decision and its reference), with the caller's AWS credentials.
 *
 * 1. Reserved nearby: the home store has too few, the nearest store has them.
 * 2. Escalated: none of the stores checked first has the product; the inside
 *    manager gets the decision, stock turns up in a store further away, and
 *    the decision "sourced there" is given through the decision link.
 */
import { DynamoCatalogueRepository } from '../functions/repository/catalogue-repository';
import { DynamoCustomerRepository } from '../functions/repository/customer-repository';
import type { TableContext } from '../functions/repository/document-client';
import { DynamoEscalationRepository } from '../functions/repository/escalation-repository';
import { DynamoStockRepository } from '../functions/repository/stock-repository';
import { DynamoStoreDirectory } from '../functions/repository/store-directory';
import { DynamoTerritoryDirectory } from '../functions/repository/territory-directory';
import { STORY_CUSTOMER_ID } from '../functions/seed/generate';
import { STORY_SKUS } from '../functions/seed/products';
import { OpsError } from './ops-error';
import type { ApiResponse, StoreApi } from './store-api';

/** The stores the CustomerRequest workflow checks first: the home store and its nearest others (stage setting candidateStores). */
const CANDIDATE_STORES = 6;
const POLL_MS = 200;

/** Who and what the story is about, read from the stage's reference data. */
export interface StoryCast {
  readonly customerId: string;
  readonly territoryId: string;
  readonly homeStore: string;
  /** The home store's nearest other store: it has the first request's goods. */
  readonly nearbyStore: string;
  /** The stores checked first for stock (home first); none has the second request's goods. */
  readonly candidates: readonly string[];
  /** The nearest store outside the candidates, where the second request's goods turn up. */
  readonly farStore: string;
  readonly reserveSku: string;
  readonly escalateSku: string;
  /** Each SKU's unit in the catalogue (a request line must use it). */
  readonly units: Readonly<Record<string, string>>;
}

export const STORY_DEFAULTS = { customerId: STORY_CUSTOMER_ID, reserveSku: STORY_SKUS.goose, escalateSku: STORY_SKUS.debonedChickenThighs } as const;

export interface RequestView {
  request: { requestId: string; status: string; storeId?: string; territoryId?: string; reason?: string };
  reservations: { hold: string; storeId: string; status?: string; lines: { sku: string; quantity: number }[]; expiresAt: string }[];
  notifications: { kind: string; personId: string; role?: string; channel: string; status: string; sentAt?: string; heldUntil?: string }[];
  decisions?: { outcome: string; decidedBy: string; storeId?: string; reason?: string }[];
  timeline: { step: string; at: string; detail: Record<string, unknown> }[];
}

export interface PendingDecision {
  readonly ref: string;
  readonly holderId: string;
  readonly role: string;
}

/** Finds the cast in the table: the customer's territory and home store, and the home store's neighbours nearest first. */
export async function findCast(table: TableContext, wanted: { customerId: string; reserveSku: string; escalateSku: string } = STORY_DEFAULTS): Promise<StoryCast> {
  const customer = await new DynamoCustomerRepository(table).getCustomer(wanted.customerId);
  if (!customer) throw new OpsError(`customer ${wanted.customerId} is not in table ${table.tableName}; is the seed loaded?`);
  const homeStore = customer.homeStoreId;
  const nearest = (await new DynamoStoreDirectory(table, new DynamoTerritoryDirectory(table)).nearestStores(homeStore, CANDIDATE_STORES)).map((n) => n.storeId);
  const farStore = nearest[CANDIDATE_STORES - 1];
  if (!farStore) throw new OpsError(`store ${homeStore} has ${nearest.length} neighbours in the table; the story needs ${CANDIDATE_STORES}`);
  const units: Record<string, string> = {};
  for (const sku of [wanted.reserveSku, wanted.escalateSku]) {
    const product = await new DynamoCatalogueRepository(table).getProduct(sku);
    if (!product) throw new OpsError(`product ${sku} is not in the catalogue of table ${table.tableName}`);
    units[sku] = product.unit;
  }
  return {
    customerId: wanted.customerId,
    territoryId: customer.territoryId,
    homeStore,
    nearbyStore: nearest[0]!,
    candidates: [homeStore, ...nearest.slice(0, CANDIDATE_STORES - 1)],
    farStore,
    reserveSku: wanted.reserveSku,
    escalateSku: wanted.escalateSku,
    units,
  };
}

export class StoryScenario {
  constructor(
    readonly api: StoreApi,
    private readonly table: TableContext,
    readonly cast: StoryCast,
  ) {}

  /** A stock count through the public feed that leaves `free` units beyond what requests already hold there. */
  async setFreeStock(storeId: string, sku: string, free: number): Promise<ApiResponse> {
    const held = await this.reserved(storeId, sku);
    return this.api.call('POST', `/stores/${storeId}/stock`, { countedAt: new Date().toISOString(), levels: [{ sku, available: free + held }] });
  }

  /** The first request: `quantity` of the reserve SKU (in its unit), for pickup. */
  reserveRequest(requestId: string, options: { quantity: number; neededBy: string; note?: string }) {
    return {
      requestId,
      customerId: this.cast.customerId,
      lines: [{ sku: this.cast.reserveSku, quantity: options.quantity, unit: this.cast.units[this.cast.reserveSku] }],
      neededBy: options.neededBy,
      fulfilment: 'pickup',
      ...(options.note ? { note: options.note } : {}),
    };
  }

  /** The second request: `quantity` of the escalate SKU (in its unit), delivered. */
  escalateRequest(requestId: string, options: { quantity: number; neededBy: string; note?: string }) {
    return {
      requestId,
      customerId: this.cast.customerId,
      lines: [{ sku: this.cast.escalateSku, quantity: options.quantity, unit: this.cast.units[this.cast.escalateSku] }],
      neededBy: options.neededBy,
      fulfilment: 'delivery',
      ...(options.note ? { note: options.note } : {}),
    };
  }

  submit(body: unknown): Promise<ApiResponse<{ requestId: string; status: string; statusUrl: string }>> {
    return this.api.call('POST', '/requests', body);
  }

  async view(requestId: string): Promise<RequestView | undefined> {
    const response = await this.api.call<RequestView>('GET', `/requests/${encodeURIComponent(requestId)}`, undefined, [404]);
    return response.status === 200 ? response.body : undefined;
  }

  /** Polls GET /requests/{id} until `done`; on timeout says where the request stood. */
  async until(requestId: string, done: (view: RequestView) => boolean, timeoutMs = 60_000): Promise<RequestView> {
    const deadline = Date.now() + timeoutMs;
    let last: RequestView | undefined;
    while (Date.now() < deadline) {
      last = await this.view(requestId);
      if (last && done(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    throw new OpsError(
      `request ${requestId} did not get there within ${timeoutMs / 1000} s; it is ${last?.request.status ?? 'not found'} after ${last?.timeline.map((e) => e.step).join(' → ') || 'nothing'}`,
    );
  }

  /** Who holds the request's open decision and the reference of their link (the table's ESCALATION item). */
  async pendingDecision(requestId: string): Promise<PendingDecision | undefined> {
    const escalation = await new DynamoEscalationRepository(this.table).getEscalation(requestId);
    if (escalation?.status !== 'OPEN') return undefined;
    return { ref: escalation.ref, holderId: escalation.holderId, role: escalation.role };
  }

  /** Units of a SKU already held at a store, so a count can leave exactly the free stock wanted. */
  private async reserved(storeId: string, sku: string): Promise<number> {
    const [level] = await new DynamoStockRepository(this.table).stockAcross(sku, [storeId]);
    return level?.reserved ?? 0;
  }
}

export const hasStep = (view: RequestView, step: string): boolean => view.timeline.some((e) => e.step === step);
