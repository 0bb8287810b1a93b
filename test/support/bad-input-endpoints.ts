/**
 * What each public route of the product takes, for the bad-input proof: the
 * handler's own zod schema, a valid example built from the test's records,
 * the rules the schema cannot express (from each route's description in
 * docs/openapi.json) and its path parameters. The routes themselves come
 * from the template: the proof fails for a route without an entry here, and
 * for an entry whose route the template does not have.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { DECISION_REF_PATTERN, decisionSchema } from '../../functions/customer-request/domain/decision';
import { stockFeedSchema } from '../../functions/customer-request/domain/stock-feed';
import { customerRequestSubmissionSchema, requestIdSchema } from '../../functions/customer-request/domain/submission';
import { followUpActionSchema, followUpSubmissionSchema } from '../../functions/customer-lifecycle/domain/follow-up';
import { customerRegistrationSchema, handoverActionSchema } from '../../functions/customer-lifecycle/domain/onboarding';
import { priceRequestSchema } from '../../functions/customer-lifecycle/domain/price-request';
import { reassignmentSchema } from '../../functions/customer-lifecycle/domain/reassignment';
import { priceDecisionAnswerSchema } from '../../functions/customer-lifecycle/tasks/price-decision-task';
import { tandemChangeSchema } from '../../functions/directory/domain/tandem-change';
import { customerIdSchema, storeIdSchema, territoryIdSchema, type Customer, type Product, type Tandem } from '../../functions/domain/model';
import type { EndpointSpec } from './malformed-requests';

/** The records the examples are built from: the test's own customers, products and open tasks. */
export interface EndpointFacts {
  readonly now: Date;
  /** A customer with its tandem, and a product nobody has in stock (its request is escalated). */
  readonly customer: Customer;
  readonly tandem: Tandem;
  readonly product: Product;
  readonly otherProduct: Product;
  /** A product sold by the piece or case (whole quantities). */
  readonly wholeProduct: Product;
  readonly storeId: string;
  /** The escalated request and the reference of its decision link. */
  readonly requestId: string;
  readonly escalationRef: string;
  /** A customer registered by the test, with its open handover task. */
  readonly newCustomerId: string;
  readonly handoverRef: string;
  /** A price request's open decision. */
  readonly priceRef: string;
  /** A follow-up with its open task. */
  readonly followUp: { readonly customerId: string; readonly followUpId: string; readonly ref: string };
  /** Another territory with a complete tandem (a reassignment's target). */
  readonly otherTerritoryId: string;
}

const patternOf = (schema: z.ZodType): RegExp => {
  const { pattern } = z.toJSONSchema(schema) as { pattern?: string };
  if (pattern === undefined) throw new Error('the id schema has no pattern');
  return new RegExp(pattern);
};

const digits = (count: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: count, maxLength: count });
/** Ids of the right shape that no seed or test record has. */
const UNKNOWN = {
  requestId: digits(8).map((d) => `pb-unknown-${d}`),
  customerId: digits(5).map((d) => `C9${d}`),
  storeId: digits(2).map((d) => `S9${d}`),
  territoryId: digits(2).map((d) => `T9${d}`),
  ref: fc.stringMatching(DECISION_REF_PATTERN),
};

const dayIn = (now: Date, days: number): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date(now.getTime() + days * 86_400_000));
const hoursFrom = (now: Date, hours: number): string => new Date(now.getTime() + hours * 3_600_000).toISOString();

export function endpointSpecs(facts: EndpointFacts): EndpointSpec[] {
  const { customer, tandem, product, otherProduct, wholeProduct, now } = facts;
  const field = tandem.fieldManager.personId;
  const inside = tandem.insideManager.personId;
  const line = { sku: product.sku, quantity: 3, unit: product.unit };
  const submission = {
    requestId: 'pb-never-sent',
    customerId: customer.customerId,
    lines: [line, { sku: otherProduct.sku, quantity: 2, unit: otherProduct.unit }],
    neededBy: hoursFrom(now, 48),
    fulfilment: 'pickup',
    note: 'Für das Wochenende',
  };
  const stockFeed = { countedAt: hoursFrom(now, -1), levels: [{ sku: product.sku, available: 5 }, { sku: otherProduct.sku, available: 1 }] };
  const registration = {
    registrationId: 'pb-never-registered',
    business: 'Trattoria Prova',
    address: { street: 'Probestraße 1', postcode: customer.address.postcode, city: customer.address.city },
    contact: { name: 'Marta Prova', phone: '+4921112345678', email: 'marta@example.com' },
    menuFocus: ['italienisch'],
    expectedWeeklyVolumeEur: 900,
    registeredBy: field,
  };
  const priceRequest = {
    priceRequestId: 'pb-never-asked',
    customerId: customer.customerId,
    sku: product.sku,
    weeklyVolume: { min: 10, max: 12 },
    unit: product.unit,
    proposedPrice: 12.5,
    note: 'Neues Wochengericht',
    requestedBy: field,
  };
  const followUp = { followUpId: 'pb-never-scheduled', customerId: customer.customerId, dueOn: dayIn(now, 3), owner: 'field', topic: 'Neue Karte ansehen', createdBy: field };
  const reassignment = { reassignmentId: 'pb-never-moved', toTerritoryId: facts.otherTerritoryId, reason: 'territory split', customerIds: [customer.customerId] };
  const rangeReassignment = { ...reassignment, customerIds: undefined, postcodes: { from: customer.address.postcode, to: customer.address.postcode } };
  const snooze = { action: 'snooze', until: dayIn(now, 10) };
  const extend = { action: 'extend', weeks: 2 };
  const requestIdParameter = { pattern: patternOf(requestIdSchema) };

  return [
    {
      route: 'POST /requests',
      targets: [
        {
          label: 'a customer request',
          pathParameters: {},
          body: {
            schema: customerRequestSubmissionSchema,
            example: submission,
            rules: [
              { reason: 'neededBy in the past', body: { ...submission, neededBy: hoursFrom(now, -1) }, names: ['neededBy:'] },
              { reason: 'neededBy more than 60 days ahead', body: { ...submission, neededBy: hoursFrom(now, 24 * 61) }, names: ['neededBy:'] },
              { reason: 'an unknown customer', body: { ...submission, customerId: 'C999999' }, names: ['customerId:'] },
              { reason: 'a SKU not in the catalogue', body: { ...submission, lines: [{ ...line, sku: 'ZZZ-9999' }] }, names: ['lines.0.sku:'] },
              { reason: 'a unit the product is not sold in', body: { ...submission, lines: [{ ...line, unit: product.unit === 'kg' ? 'piece' : 'kg' }] }, names: ['lines.0.unit:'] },
              { reason: 'a SKU twice', body: { ...submission, lines: [line, line] }, names: ['lines.1.sku:'] },
              { reason: 'a part of a piece or case', body: { ...submission, lines: [{ sku: wholeProduct.sku, quantity: 1.5, unit: wholeProduct.unit }] }, names: ['lines.0.quantity:'] },
              { reason: 'four decimal places', body: { ...submission, lines: [{ ...line, quantity: 1.0005 }] }, names: ['lines.0.quantity:'] },
              { reason: 'both customerId and a prospect', body: { ...submission, prospect: { name: 'Neu', postcode: customer.address.postcode } }, names: ['prospect:'] },
              { reason: 'neither customerId nor a prospect', body: { ...submission, customerId: undefined }, names: ['customerId:'] },
              { reason: 'an unknown preferred store', body: { ...submission, preferredStoreId: 'S999' }, names: ['preferredStoreId:'] },
            ],
          },
        },
      ],
    },
    {
      route: 'GET /requests/{id}',
      targets: [{ label: 'the escalated request', pathParameters: { id: facts.requestId } }],
      parameters: { id: { ...requestIdParameter, unknown: UNKNOWN.requestId } },
    },
    {
      route: 'POST /stores/{storeId}/stock',
      targets: [
        {
          label: 'a stock feed',
          pathParameters: { storeId: facts.storeId },
          body: {
            schema: stockFeedSchema,
            example: stockFeed,
            rules: [
              { reason: 'counted an hour in the future', body: { ...stockFeed, countedAt: hoursFrom(now, 1) }, names: ['countedAt:'] },
              { reason: 'a SKU not in the catalogue', body: { ...stockFeed, levels: [{ sku: 'ZZZ-9999', available: 1 }] }, names: ['levels.0.sku:'] },
              { reason: 'a SKU twice', body: { ...stockFeed, levels: [{ sku: product.sku, available: 1 }, { sku: product.sku, available: 2 }] }, names: ['levels.1.sku:'] },
            ],
          },
        },
      ],
      parameters: { storeId: { pattern: patternOf(storeIdSchema), unknown: UNKNOWN.storeId } },
    },
    {
      route: 'GET /tasks/{ref}',
      targets: [{ label: 'a decision link', pathParameters: { ref: facts.escalationRef } }],
      parameters: {
        ref: {
          pattern: DECISION_REF_PATTERN,
          malformedNames: ['This is not a decision link: the reference '],
          unknown: UNKNOWN.ref,
          unknownNames: () => ['This decision link does not exist'],
        },
      },
    },
    {
      route: 'POST /tasks/{ref}/decision',
      targets: [
        { label: 'an escalation', pathParameters: { ref: facts.escalationRef }, body: { schema: decisionSchema, example: { outcome: 'alternative', sku: otherProduct.sku, quantity: 2, note: 'statt dessen' }, formNames: ['outcome:'] } },
        { label: 'a handover', pathParameters: { ref: facts.handoverRef }, body: { schema: handoverActionSchema, example: extend, formNames: ['action:'] } },
        { label: 'a price decision', pathParameters: { ref: facts.priceRef }, body: { schema: priceDecisionAnswerSchema, example: { outcome: 'counter', price: 13.9, note: 'ab 12 kg' }, formNames: ['outcome:'] } },
        { label: 'a follow-up', pathParameters: { ref: facts.followUp.ref }, body: { schema: followUpActionSchema, example: snooze, formNames: ['action:'] } },
      ],
      parameters: { ref: { pattern: DECISION_REF_PATTERN, malformedNames: ['path parameter ref'], unknown: UNKNOWN.ref, unknownNames: (ref) => [`decision reference ${ref} does not exist`] } },
    },
    {
      route: 'POST /customers',
      targets: [
        {
          label: 'a registration',
          pathParameters: {},
          body: {
            schema: customerRegistrationSchema,
            example: registration,
            rules: [
              { reason: 'registered by the inside manager', body: { ...registration, registeredBy: inside }, names: ['registeredBy:'] },
              { reason: 'registered by nobody known', body: { ...registration, registeredBy: 'P9999' }, names: ['registeredBy:'] },
            ],
          },
        },
      ],
    },
    {
      route: 'GET /customers/{id}',
      targets: [{ label: 'a customer', pathParameters: { id: customer.customerId } }],
      parameters: { id: { pattern: patternOf(customerIdSchema), unknown: UNKNOWN.customerId } },
    },
    {
      route: 'POST /customers/{id}/onboarding',
      targets: [{ label: 'a handover', pathParameters: { id: facts.newCustomerId }, body: { schema: handoverActionSchema, example: extend } }],
      parameters: { id: { pattern: patternOf(customerIdSchema), unknown: UNKNOWN.customerId } },
    },
    {
      route: 'POST /customers/{id}/follow-ups/{followUpId}/actions',
      targets: [
        {
          label: 'a follow-up action',
          pathParameters: { id: facts.followUp.customerId, followUpId: facts.followUp.followUpId },
          body: {
            schema: followUpActionSchema,
            example: snooze,
            rules: [
              { reason: 'snoozed into the past', body: { action: 'snooze', until: dayIn(now, -2) }, names: ['until:'] },
              { reason: 'snoozed more than a year ahead', body: { action: 'snooze', until: dayIn(now, 400) }, names: ['until:'] },
            ],
          },
        },
      ],
      parameters: {
        id: { pattern: patternOf(customerIdSchema), unknown: UNKNOWN.customerId, unknownNames: () => [`${facts.followUp.followUpId} does not exist`] },
        followUpId: { ...requestIdParameter, unknown: UNKNOWN.requestId },
      },
    },
    {
      route: 'POST /price-requests',
      targets: [
        {
          label: 'a price request',
          pathParameters: {},
          body: {
            schema: priceRequestSchema,
            example: priceRequest,
            rules: [
              { reason: 'an unknown customer', body: { ...priceRequest, customerId: 'C999999' }, names: ['customerId:'] },
              { reason: 'a SKU not in the catalogue', body: { ...priceRequest, sku: 'ZZZ-9999' }, names: ['sku:'] },
              { reason: 'a unit the product is not sold in', body: { ...priceRequest, unit: product.unit === 'kg' ? 'piece' : 'kg' }, names: ['unit:'] },
              { reason: 'asked by someone outside the tandem', body: { ...priceRequest, requestedBy: 'P9999' }, names: ['requestedBy:'] },
              { reason: 'a volume whose min is above its max', body: { ...priceRequest, weeklyVolume: { min: 12, max: 10 } }, names: ['weeklyVolume'] },
              { reason: 'a price in tenths of cents', body: { ...priceRequest, proposedPrice: 12.345 }, names: ['proposedPrice:'] },
            ],
          },
        },
      ],
    },
    {
      route: 'POST /follow-ups',
      targets: [
        {
          label: 'a follow-up',
          pathParameters: {},
          body: {
            schema: followUpSubmissionSchema,
            example: followUp,
            rules: [
              { reason: 'due in the past', body: { ...followUp, dueOn: dayIn(now, -2) }, names: ['dueOn:'] },
              { reason: 'due more than a year ahead', body: { ...followUp, dueOn: dayIn(now, 400) }, names: ['dueOn:'] },
              { reason: 'an unknown customer', body: { ...followUp, customerId: 'C999999' }, names: ['customerId:'] },
              { reason: 'created by someone outside the tandem', body: { ...followUp, createdBy: 'P9999' }, names: ['createdBy:'] },
            ],
          },
        },
      ],
    },
    {
      route: 'POST /reassignments',
      targets: [
        {
          label: 'a reassignment',
          pathParameters: {},
          body: {
            schema: reassignmentSchema,
            example: reassignment,
            rules: [
              { reason: 'an unknown customer', body: { ...reassignment, customerIds: ['C999999'] }, names: ['customerIds.0:'] },
              { reason: 'an unknown territory', body: { ...reassignment, toTerritoryId: 'T999' }, names: ['toTerritoryId:'] },
              { reason: 'customers and a postcode range', body: { ...reassignment, postcodes: { from: customer.address.postcode, to: customer.address.postcode } }, names: ['customerIds:'] },
              { reason: 'neither customers nor a postcode range', body: { ...reassignment, customerIds: undefined }, names: ['customerIds:'] },
              { reason: 'a customer twice', body: { ...reassignment, customerIds: [customer.customerId, customer.customerId] }, names: ['customerIds:'] },
            ],
          },
        },
        {
          label: 'a reassignment of a postcode range',
          pathParameters: {},
          body: {
            schema: reassignmentSchema,
            example: rangeReassignment,
            rules: [
              { reason: 'a range that ends before it starts', body: { ...rangeReassignment, postcodes: { from: '40210', to: '40200' } }, names: ['postcodes.to:'] },
              { reason: 'a range across two postcode regions', body: { ...rangeReassignment, postcodes: { from: '40000', to: '41000' } }, names: ['postcodes.to:'] },
            ],
          },
        },
      ],
    },
    {
      route: 'PUT /tandems/{territoryId}',
      targets: [
        {
          label: 'a tandem',
          pathParameters: { territoryId: tandem.territoryId },
          body: {
            schema: tandemChangeSchema,
            example: tandem,
            rules: [
              { reason: 'one person in both roles', body: { ...tandem, insideManager: { ...tandem.insideManager, personId: field } }, names: ['insideManager.personId:'] },
              { reason: 'another territory in the body', body: { ...tandem, territoryId: facts.otherTerritoryId }, names: ['territoryId:'] },
            ],
          },
        },
      ],
      // No unknown territories: the directory would take a new tandem for one.
      parameters: { territoryId: { pattern: patternOf(territoryIdSchema) } },
    },
    {
      route: 'GET /tandems/{territoryId}',
      targets: [{ label: 'a tandem', pathParameters: { territoryId: tandem.territoryId } }],
      parameters: { territoryId: { pattern: patternOf(territoryIdSchema), unknown: UNKNOWN.territoryId } },
    },
    {
      route: 'POST /tandems/{territoryId}/provisioning',
      targets: [{ label: 'a tandem', pathParameters: { territoryId: tandem.territoryId } }],
      parameters: { territoryId: { pattern: patternOf(territoryIdSchema), unknown: UNKNOWN.territoryId } },
    },
  ];
}
