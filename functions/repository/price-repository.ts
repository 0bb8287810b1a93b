/**
 * A customer's special prices, in the customer's partition next to its audit
 * trail (so `GET /customers/{id}` reads them with one Query):
 *
 * - `PRICEREQUEST#<id>`: a price request as submitted, with the volume-tier
 *   suggestion and judgement it got, the answers given (the inside manager's
 *   decision, the field manager's answer to a counter-offer) and its outcome.
 *   PENDING → APPROVED | REJECTED | EXPIRED | COUNTERED;
 *   COUNTERED → APPROVED (counter accepted) | COUNTER_DECLINED | COUNTER_LAPSED.
 * - `PRICE#<sku>`: the price agreed for the customer and product, with its
 *   validity; a later agreement for the same product replaces it (the audit
 *   trail keeps every one).
 *
 * Every change is written with its audit event in one transaction, and every
 * status change is conditional on the status it leaves, so a retried step
 * changes nothing twice.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../domain/errors';
import type { Unit } from '../domain/model';
import type { PriceSuggestion, ProposalJudgement, WeeklyVolume } from '../customer-lifecycle/domain/price-tiers';
import type { PriceOutcome } from '../customer-request/domain/messages';
import { customerEventItem, type CustomerEvent } from './customer-history';
import type { CustomerTaskPhase } from './customer-task-repository';
import type { TableContext } from './document-client';
import { fromItem, key, toUtc } from './table-layout';

export const PRICE_REQUEST_STATUSES = ['PENDING', 'COUNTERED', 'APPROVED', 'REJECTED', 'EXPIRED', 'COUNTER_DECLINED', 'COUNTER_LAPSED'] as const;
export type PriceRequestStatus = (typeof PRICE_REQUEST_STATUSES)[number];

/** A person's answer as the price request keeps it: the answer's fields, who gave it, when, and in which phase. */
export interface PriceAnswer {
  readonly outcome: string;
  readonly price?: number;
  readonly validUntil?: string;
  readonly note?: string;
  readonly reason?: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
  readonly phase: CustomerTaskPhase;
}

export interface PriceRequestRecord {
  readonly priceRequestId: string;
  readonly customerId: string;
  readonly sku: string;
  readonly productName: string;
  readonly unit: Unit;
  readonly weeklyVolume: WeeklyVolume;
  /** EUR per unit, what the partner asked for. */
  readonly proposedPrice: number;
  readonly note?: string;
  readonly requestedBy: string;
  /** The catalogue's list price when the request came in. */
  readonly listPrice: number;
  readonly suggestion: PriceSuggestion;
  readonly judgement: ProposalJudgement;
  readonly status: PriceRequestStatus;
  /** The answer to the price decision (approve, counter, reject). */
  readonly decision?: PriceAnswer;
  /** EUR per unit, the inside manager's counter-offer. */
  readonly counterPrice?: number;
  /** The field manager's answer to the counter-offer (accept, decline). */
  readonly counterAnswer?: PriceAnswer;
  readonly outcome?: PriceOutcome;
  /** EUR per unit, the price agreed (APPROVED). */
  readonly agreedPrice?: number;
  readonly validFrom?: string;
  readonly validUntil?: string;
  /** Why it was rejected or the counter-offer declined. */
  readonly reason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** The special price a customer pays for a product, and from when until when. */
export interface CustomerPrice {
  readonly customerId: string;
  readonly sku: string;
  readonly productName: string;
  readonly unit: Unit;
  /** EUR per unit. */
  readonly price: number;
  readonly listPrice: number;
  /** YYYY-MM-DD, both inclusive. */
  readonly validFrom: string;
  readonly validUntil: string;
  readonly priceRequestId: string;
  /** Who approved the price: the inside manager (or the field manager after a hand-over), or who made the counter-offer the customer accepted. */
  readonly approvedBy: string;
  /** For an accepted counter-offer: the field manager who brought the customer's yes. */
  readonly acceptedBy?: string;
  readonly agreedAt: string;
}

export type Registration =
  | { readonly outcome: 'created'; readonly request: PriceRequestRecord }
  | { readonly outcome: 'duplicate' | 'conflict'; readonly request: PriceRequestRecord };

/** What a settled request changes: its new status and the fields that go with it. */
export type Settlement = Partial<Pick<PriceRequestRecord, 'outcome' | 'counterPrice' | 'agreedPrice' | 'validFrom' | 'validUntil' | 'reason'>>;

type TransactItems = NonNullable<TransactWriteCommandInput['TransactItems']>;

/**
 * The items a person's answer writes with the answer itself (one transaction,
 * customer-task-repository.ts): the answer on the request — only while the
 * request is still in the status the answer is for — and its audit event.
 * A function of the table's name, because the task link's answer builds them
 * without a repository.
 */
export function priceAnswerItems(
  tableName: string,
  request: Pick<PriceRequestRecord, 'customerId' | 'priceRequestId'>,
  expected: PriceRequestStatus,
  field: 'decision' | 'counterAnswer',
  answer: PriceAnswer,
  event: CustomerEvent,
): TransactItems {
  return [
    {
      Update: {
        TableName: tableName,
        Key: key.priceRequest(request.customerId, request.priceRequestId),
        ConditionExpression: '#status = :expected',
        UpdateExpression: 'SET #answer = :answer, updatedAt = :at',
        ExpressionAttributeNames: { '#status': 'status', '#answer': field },
        ExpressionAttributeValues: { ':expected': expected, ':answer': answer, ':at': toUtc(answer.decidedAt) },
      },
    },
    { Put: { TableName: tableName, Item: customerEventItem(event) } },
  ];
}

export class DynamoPriceRepository {
  constructor(private readonly ctx: TableContext) {}

  async getRequest(customerId: string, priceRequestId: string): Promise<PriceRequestRecord | undefined> {
    const item = await this.storedRequest(customerId, priceRequestId);
    return item ? fromItem<PriceRequestRecord>(item) : undefined;
  }

  async getPrice(customerId: string, sku: string): Promise<CustomerPrice | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.customerPrice(customerId, sku), ConsistentRead: true }));
    return out.Item ? fromItem<CustomerPrice>(out.Item) : undefined;
  }

  /**
   * Records a new request with its `PriceRequested` event, once: the same id
   * again is a `duplicate` when its fingerprint matches, else a `conflict`;
   * either way nothing is written.
   */
  async register(request: PriceRequestRecord, fingerprint: string, event: CustomerEvent): Promise<Registration> {
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.ctx.tableName,
                Item: { ...key.priceRequest(request.customerId, request.priceRequestId), entity: 'PriceRequest', ...request, fingerprint },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.ctx.tableName, Item: customerEventItem(event) } },
          ],
        }),
      );
      return { outcome: 'created', request };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const existing = await this.storedRequest(request.customerId, request.priceRequestId);
      if (!existing) throw new ConflictError(`price request ${request.priceRequestId} was written at the same moment; send it again`, { cause: error });
      return { outcome: existing.fingerprint === fingerprint ? 'duplicate' : 'conflict', request: fromItem<PriceRequestRecord>(existing) };
    }
  }

  /**
   * Takes back a request this call registered and whose workflow could not
   * start (its id turned out to be another customer's): the request and its
   * event go, as long as nothing has happened to it.
   */
  async withdraw(request: PriceRequestRecord, fingerprint: string, eventAt: string): Promise<void> {
    try {
      await this.ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.ctx.tableName,
                Key: key.priceRequest(request.customerId, request.priceRequestId),
                ConditionExpression: 'fingerprint = :fingerprint AND #status = :pending',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':fingerprint': fingerprint, ':pending': 'PENDING' },
              },
            },
            { Delete: { TableName: this.ctx.tableName, Key: key.customerEvent(request.customerId, eventAt, 'PriceRequested') } },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      // Already gone, or a workflow works on it after all: either way it stays as it is.
    }
  }

  /**
   * Moves the request from `from` to `to` with the fields of its outcome, the
   * agreed price (if any) and the event, all or nothing. `already` when a
   * previous attempt of the same step did it.
   */
  async settle(
    request: Pick<PriceRequestRecord, 'customerId' | 'priceRequestId'>,
    change: { readonly from: PriceRequestStatus; readonly to: PriceRequestStatus; readonly set: Settlement; readonly at: string },
    price: CustomerPrice | undefined,
    event: CustomerEvent,
  ): Promise<'settled' | 'already'> {
    const fields = Object.entries(change.set).filter(([, value]) => value !== undefined);
    const names: Record<string, string> = { '#status': 'status' };
    const values: Record<string, unknown> = { ':from': change.from, ':to': change.to, ':at': toUtc(change.at) };
    fields.forEach(([field, value], i) => {
      names[`#f${i}`] = field;
      values[`:v${i}`] = value;
    });
    const items: TransactItems = [
      {
        Update: {
          TableName: this.ctx.tableName,
          Key: key.priceRequest(request.customerId, request.priceRequestId),
          ConditionExpression: '#status = :from',
          UpdateExpression: `SET ${['#status = :to', 'updatedAt = :at', ...fields.map((_, i) => `#f${i} = :v${i}`)].join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      ...(price ? [{ Put: { TableName: this.ctx.tableName, Item: { ...key.customerPrice(price.customerId, price.sku), entity: 'CustomerPrice', ...price } } }] : []),
      { Put: { TableName: this.ctx.tableName, Item: customerEventItem(event) } },
    ];
    try {
      await this.ctx.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'settled';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const latest = await this.getRequest(request.customerId, request.priceRequestId);
      if (latest?.status === change.to) return 'already';
      throw new ConflictError(`price request ${request.priceRequestId} is ${latest?.status ?? 'gone'}, not ${change.from}; it cannot become ${change.to}`, { cause: error });
    }
  }

  private async storedRequest(customerId: string, priceRequestId: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.ctx.doc.send(new GetCommand({ TableName: this.ctx.tableName, Key: key.priceRequest(customerId, priceRequestId), ConsistentRead: true }));
    return out.Item;
  }
}
