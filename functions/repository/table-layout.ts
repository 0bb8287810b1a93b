/**
 * The single-table layout: every key format lives here and nowhere else.
 * docs/access-patterns.md explains each pattern; keep the two in step.
 *
 * Attribute names are fixed by the table definition in lib/data/tandem-table.ts:
 * pk/sk (table), gsi1pk/gsi1sk, gsi2pk/gsi2sk, gsi3pk/gsi3sk, and the TTL attribute expiresAt.
 */
import {
  auditEventSchema,
  customerRequestRecordSchema,
  customerSchema,
  decisionRecordSchema,
  productSchema,
  stockLevelSchema,
  storeSchema,
  tandemSchema,
  territorySchema,
  type AuditEvent,
  type Customer,
  type CustomerRequestRecord,
  type DecisionRecord,
  type Product,
  type StockLevel,
  type Store,
  type StoreNeighbour,
  type Tandem,
  type Territory,
} from '../domain/model';
import { validate } from '../domain/validate';
import { ValidationError } from '../domain/errors';

/**
 * Version of the item layout. Bump it when items gain or change attributes
 * (v2: stock items carry `free`; v3: person items of the directory; v4: products carry listPrice;
 * v5: customer lifecycle items — onboarding, tasks, prices, price requests, follow-ups, events),
 * so that kept local data is re-seeded.
 */
export const LAYOUT_VERSION = 5;

export const INDEX = { byParent: 'gsi1', byCustomer: 'gsi2', byStatus: 'gsi3' } as const;

/** Attributes that belong to the storage layout, not to the entity. */
const LAYOUT_ATTRIBUTES = [
  'pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entity', 'expiresAt',
  // derived or bookkeeping attributes: `free` = available − reserved; `fingerprint` of a submitted body;
  // `concludedAt`: the request's Outcome is written (once only, see DynamoRequestRepository.recordOutcome)
  'free', 'fingerprint', 'concludedAt',
];

export type Item = Record<string, unknown> & { pk: string; sk: string; entity: string };

export const key = {
  territory: (territoryId: string) => ({ pk: `TERRITORY#${territoryId}`, sk: 'TERRITORY' }),
  tandem: (territoryId: string) => ({ pk: `TERRITORY#${territoryId}`, sk: 'TANDEM' }),
  /** Which tandem a person belongs to: a person is in one tandem at most, and deputies are found by id. */
  person: (personId: string) => ({ pk: `PERSON#${personId}`, sk: 'PERSON' }),
  /** The SNS resources provisioned for a tandem (functions/notifications/provisioning). */
  provisioning: (territoryId: string) => ({ pk: `TERRITORY#${territoryId}`, sk: 'PROVISIONING' }),
  /** Ranges are grouped by two-digit region so a lookup reads one small partition. */
  postcodeRegion: (postcode: string) => `POSTREGION#${postcode.slice(0, 2)}`,
  postcodeRange: (from: string) => ({ pk: key.postcodeRegion(from), sk: `RANGE#${from}` }),
  customer: (customerId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: 'CUSTOMER' }),
  store: (storeId: string) => ({ pk: `STORE#${storeId}`, sk: 'STORE' }),
  /** Zero-padded distance makes the sort key order the neighbours nearest first. */
  neighbour: (storeId: string, distanceKm: number, neighbourId: string) => ({
    pk: `STORE#${storeId}`,
    sk: `NEAR#${distanceKm.toFixed(1).padStart(7, '0')}#${neighbourId}`,
  }),
  stock: (storeId: string, sku: string) => ({ pk: `STORE#${storeId}`, sk: `STOCK#${sku}` }),
  product: (sku: string) => ({ pk: `PRODUCT#${sku}`, sk: 'PRODUCT' }),
  request: (requestId: string) => ({ pk: `REQUEST#${requestId}`, sk: 'REQUEST' }),
  decision: (requestId: string, decidedAt: string) => ({ pk: `REQUEST#${requestId}`, sk: `DECISION#${decidedAt}` }),
  audit: (requestId: string, at: string, step: string) => ({ pk: `REQUEST#${requestId}`, sk: `EVENT#${at}#${step}` }),
  /**
   * Stock a request holds at one store, written in the same transaction as the stock updates: the
   * `initial` hold from the first check, and a `decided` one where a person's decision sourced the rest.
   */
  reservation: (requestId: string, hold: ReservationHold = 'initial') => ({ pk: `REQUEST#${requestId}`, sk: `RESERVATION#${hold}` }),
  /** The decision reference a person's link carries; it stands in for a Step Functions task token. */
  decisionRef: (ref: string) => ({ pk: `DECISIONREF#${ref}`, sk: 'DECISIONREF' }),
  /** A notification sent (or being sent) for a request: written before the publish, so a retried step sends once. */
  notification: (requestId: string, dedupeKey: string) => ({ pk: `REQUEST#${requestId}`, sk: `NOTIFICATION#${dedupeKey}` }),
  /** An escalated request waiting for a product, in the product's partition: the stock feed finds it there. */
  waitingFor: (sku: string, requestId: string) => ({ pk: `PRODUCT#${sku}`, sk: `WAITING#${requestId}` }),
  /** Who holds the decision of an escalated request right now. */
  escalation: (requestId: string) => ({ pk: `REQUEST#${requestId}`, sk: 'ESCALATION' }),
  // A customer's partition holds its lifecycle: what GET /customers/{id} shows is one Query.
  /** An event of the customer's audit trail (onboarding, prices, follow-ups, reassignments). */
  customerEvent: (customerId: string, at: string, step: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `EVENT#${toUtc(at)}#${step}` }),
  /** A task a person must answer about the customer (one per logical task; its phases share it), and its current link. */
  customerTask: (customerId: string, taskId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `TASK#${taskId}` }),
  /** A notification about one of the customer's cases. */
  customerNotification: (customerId: string, caseId: string, dedupeKey: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `NOTIFICATION#${caseId}#${dedupeKey}` }),
  /** The customer's agreed special price of a product, with its validity. */
  customerPrice: (customerId: string, sku: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `PRICE#${sku}` }),
  priceRequest: (customerId: string, priceRequestId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `PRICEREQUEST#${priceRequestId}` }),
  followUp: (customerId: string, followUpId: string) => ({ pk: `CUSTOMER#${customerId}`, sk: `FOLLOWUP#${followUpId}` }),
  /** A customer registration (POST /customers) by its idempotency key: the body's fingerprint and the answer. */
  registration: (registrationId: string) => ({ pk: `REGISTRATION#${registrationId}`, sk: 'REGISTRATION' }),
  /** The counter new customer ids are drawn from (atomic ADD). */
  customerIdCounter: () => ({ pk: 'COUNTER#CUSTOMERID', sk: 'COUNTER' }),
  /** A territory reassignment (POST /reassignments) by its idempotency key, with its result. */
  reassignment: (reassignmentId: string) => ({ pk: `REASSIGNMENT#${reassignmentId}`, sk: 'REASSIGNMENT' }),
  /** Sort key of a request in the time-ordered indexes; UTC milliseconds so text order is time order. */
  requestTime: (createdAt: string, requestId: string) => `REQUEST#${toUtc(createdAt)}#${requestId}`,
} as const;

export const RESERVATION_HOLDS = ['initial', 'decided'] as const;
export type ReservationHold = (typeof RESERVATION_HOLDS)[number];

export const STORES_PARTITION = 'STORES';
export const CATALOGUE_PARTITION = 'CATALOGUE';

export function territoryItem(input: Territory): Item {
  const t = validate(territorySchema, input, `territory ${label(input, 'territoryId')}`);
  return { ...key.territory(t.territoryId), entity: 'Territory', ...t };
}

/** One item per postcode range of a territory: the routing table. */
export function postcodeRangeItems(territory: Territory): Item[] {
  return territory.postcodes.map((range) => ({
    ...key.postcodeRange(range.from),
    entity: 'PostcodeRange',
    from: range.from,
    to: range.to,
    territoryId: territory.territoryId,
  }));
}

export function tandemItem(input: Tandem): Item {
  const t = validate(tandemSchema, input, `tandem ${label(input, 'territoryId')}`);
  if (t.fieldManager.personId === t.insideManager.personId) {
    throw new ValidationError(`tandem ${t.territoryId}`, [
      { field: 'insideManager.personId', problem: 'must be a different person from the field manager' },
    ]);
  }
  return { ...key.tandem(t.territoryId), entity: 'Tandem', ...t };
}

/** A person's place in the directory; the person's details live in their tandem item. */
export interface PersonPlacement {
  readonly personId: string;
  readonly territoryId: string;
  readonly role: 'field' | 'inside';
}

export function personItems(tandem: Tandem): Item[] {
  return [
    { ...key.person(tandem.fieldManager.personId), entity: 'Person', personId: tandem.fieldManager.personId, territoryId: tandem.territoryId, role: 'field' },
    { ...key.person(tandem.insideManager.personId), entity: 'Person', personId: tandem.insideManager.personId, territoryId: tandem.territoryId, role: 'inside' },
  ];
}

export function customerItem(input: Customer): Item {
  const c = validate(customerSchema, input, `customer ${label(input, 'customerId')}`);
  return {
    ...key.customer(c.customerId),
    gsi1pk: `TERRITORY#${c.territoryId}`,
    gsi1sk: `CUSTOMER#${c.customerId}`,
    entity: 'Customer',
    ...c,
  };
}

export function storeItem(input: Store): Item {
  const s = validate(storeSchema, input, `store ${label(input, 'storeId')}`);
  return { ...key.store(s.storeId), gsi1pk: STORES_PARTITION, gsi1sk: `STORE#${s.storeId}`, entity: 'Store', ...s };
}

export function neighbourItem(n: StoreNeighbour): Item {
  if (!(n.distanceKm >= 0 && n.distanceKm < 100_000)) {
    throw new ValidationError(`neighbour ${n.storeId}→${n.neighbourId}`, [
      { field: 'distanceKm', problem: 'must be a distance in km between 0 and 100000' },
    ]);
  }
  return { ...key.neighbour(n.storeId, n.distanceKm, n.neighbourId), entity: 'StoreNeighbour', ...n };
}

export function productItem(input: Product): Item {
  const p = validate(productSchema, input, `product ${label(input, 'sku')}`);
  return {
    ...key.product(p.sku),
    gsi1pk: CATALOGUE_PARTITION,
    gsi1sk: `LINE#${p.productLine}#${p.sku}`,
    entity: 'Product',
    ...p,
  };
}

export function stockItem(input: StockLevel): Item {
  const s = validate(stockLevelSchema, input, `stock ${label(input, 'storeId')}/${label(input, 'sku')}`);
  // UTC milliseconds, so that "is this count newer?" is a string comparison in a condition expression.
  // `free` (= available − reserved, negative when a count came out below the reservations) is derived and
  // kept by every writer of a stock item, because a condition expression cannot do arithmetic: a
  // reservation is then the single-item condition `free >= :q` (see reservation-repository.ts).
  return {
    ...key.stock(s.storeId, s.sku),
    entity: 'StockLevel',
    ...s,
    countedAt: toUtc(s.countedAt),
    free: s.available - s.reserved,
  };
}

export function requestItem(input: CustomerRequestRecord): Item {
  const r = validate(customerRequestRecordSchema, input, `request ${label(input, 'requestId')}`);
  const time = key.requestTime(r.createdAt, r.requestId);
  return {
    ...key.request(r.requestId),
    // A request joins the territory and customer indexes once routing has found them.
    ...(r.territoryId === undefined ? {} : { gsi1pk: `TERRITORY#${r.territoryId}`, gsi1sk: time }),
    ...(r.customerId === undefined ? {} : { gsi2pk: `CUSTOMER#${r.customerId}`, gsi2sk: time }),
    gsi3pk: `STATUS#${r.status}`,
    gsi3sk: time,
    entity: 'CustomerRequest',
    ...r,
  };
}

export function decisionItem(input: DecisionRecord): Item {
  const d = validate(decisionRecordSchema, input, `decision for ${label(input, 'requestId')}`);
  return { ...key.decision(d.requestId, d.decidedAt), entity: 'Decision', ...d };
}

export function auditItem(input: AuditEvent): Item {
  const e = validate(auditEventSchema, input, `audit event for ${label(input, 'requestId')}`);
  return { ...key.audit(e.requestId, e.at, e.step), entity: 'AuditEvent', ...e };
}

/** Strips the layout attributes, leaving the entity as the domain knows it. */
export function fromItem<T>(item: Record<string, unknown>): T {
  const entity: Record<string, unknown> = { ...item };
  for (const attribute of LAYOUT_ATTRIBUTES) delete entity[attribute];
  return entity as T;
}

/** Normalises an ISO-8601 date-time to UTC with milliseconds (`2026-11-27T08:00:00.000Z`). */
export function toUtc(dateTime: string): string {
  return new Date(dateTime).toISOString();
}

function label(input: unknown, field: string): string {
  const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' && value.length > 0 ? value : '(without id)';
}
