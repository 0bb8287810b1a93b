/**
 * The customer-lifecycle half of the published contract (docs/openapi.json):
 * the partners' app registers customers, answers onboarding, asks for special
 * prices and schedules follow-ups; admins move customers between territories.
 * Built from the zod schemas the handlers validate with; the customer-request
 * module (functions/customer-request/domain/openapi.ts) lends its helpers and
 * merges these paths and schemas into the one document.
 */
import { z } from 'zod';
import { CHANNELS, customerIdSchema, customerSchema, isoDateSchema, isoDateTimeSchema, LIFECYCLES, personIdSchema, postcodeSchema, ROLES, skuSchema, territoryIdSchema, UNITS } from '../../domain/model';
import { PRICE_OUTCOMES, CUSTOMER_MESSAGE_KINDS } from '../../customer-request/domain/messages';
import { requestIdSchema } from '../../customer-request/domain/submission';
import { customerEventSchema } from '../../repository/customer-history';
import { CUSTOMER_TASK_KINDS, CUSTOMER_TASK_PHASES, type CustomerTask, type CustomerTaskKind } from '../../repository/customer-task-repository';
import type { FollowUpStage } from '../../repository/follow-up-repository';
import type { NotificationRecord } from '../../repository/notification-log';
import { PRICE_REQUEST_STATUSES } from '../../repository/price-repository';
import { priceCounterAnswerSchema } from '../tasks/price-counter-task';
import { priceDecisionAnswerSchema } from '../tasks/price-decision-task';
import { FOLLOW_UP_STATUSES, followUpActionSchema, followUpSubmissionSchema } from './follow-up';
import { customerRegistrationSchema, handoverActionSchema } from './onboarding';
import { priceRequestSchema, weeklyVolumeSchema } from './price-request';
import { TIER_NAMES, type ProposalJudgement } from './price-tiers';
import { reassignmentSchema } from './reassignment';

/** Every member of a union the code declares only as a type; the compiler checks the list both ways. */
const membersOf = <T extends string>(members: Record<T, true>) => Object.keys(members) as [T, ...T[]];

/** What a stored notification's status may be; the customer-request view shares it. */
export const NOTIFICATION_STATUSES = membersOf<NotificationRecord['status']>({ SENDING: true, SENT: true, SUPPRESSED: true, HELD: true });

// ---------------------------------------------------------------------------
// Response bodies: defined here because only the API needs them as schemas.
// ---------------------------------------------------------------------------

export const registrationAnswerSchema = z
  .object({
    customerId: customerIdSchema,
    territoryId: territoryIdSchema.describe('The territory whose routing covers the postcode.'),
    status: z.literal('new'),
    owner: z.literal('field'),
    handoverAt: isoDateTimeSchema.describe('When the customer passes to the inside role, unless the field manager hands over earlier or extends once.'),
  })
  .describe('201 for a new customer, 200 with the same answer for a repeated identical registration.');

/** The answer of the decision link, the onboarding route and the follow-up actions for a customer task. */
export const customerTaskAcceptedSchema = z.object({
  customerId: customerIdSchema,
  caseId: z.string().describe('The onboarding, price request or follow-up the task belongs to.'),
  kind: z.enum(CUSTOMER_TASK_KINDS),
  outcome: z.string().describe("The answer's action or outcome, e.g. extend, approve, snooze."),
  decidedBy: personIdSchema.describe('The person holding the task.'),
  accepted: z.literal(true),
});

const priceSuggestionSchema = z.object({
  tier: z.enum(TIER_NAMES),
  discountPercent: z.number().min(0),
  suggestedPrice: z.number().positive().describe('EUR per unit: list less the tier\'s discount.'),
  floorPrice: z.number().positive().describe('EUR per unit: the lowest price the inside manager may approve.'),
});

export const priceRequestAcceptedSchema = z
  .object({
    priceRequestId: requestIdSchema,
    customerId: customerIdSchema,
    sku: skuSchema,
    productName: z.string(),
    unit: z.enum(UNITS),
    weeklyVolume: weeklyVolumeSchema,
    proposedPrice: z.number().positive(),
    listPrice: z.number().positive().describe('The catalogue price when the request came in.'),
    status: z.enum(PRICE_REQUEST_STATUSES),
    suggestion: priceSuggestionSchema,
    judgement: z.enum(membersOf<ProposalJudgement>({ 'at-or-above-suggestion': true, 'within-floor': true, 'below-floor': true })),
  })
  .describe('201 for a new request; 200 for a repeated identical one, with the status it has now.');

/** A person's answer as a price request keeps it. */
const priceAnswerSchema = z
  .object({ outcome: z.string(), decidedBy: personIdSchema, decidedAt: isoDateTimeSchema, phase: z.enum(CUSTOMER_TASK_PHASES) })
  .loose();

const priceRequestRecordSchema = priceRequestAcceptedSchema
  .extend({
    requestedBy: personIdSchema,
    note: z.string().optional(),
    decision: priceAnswerSchema.optional().describe("The inside manager's answer."),
    counterPrice: z.number().positive().optional(),
    counterAnswer: priceAnswerSchema.optional().describe("The field manager's answer to the counter-offer."),
    outcome: z.enum(PRICE_OUTCOMES).optional(),
    agreedPrice: z.number().positive().optional(),
    validFrom: isoDateSchema.optional(),
    validUntil: isoDateSchema.optional(),
    reason: z.string().optional(),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
  })
  .loose()
  .describe('A price request with the answers given and its outcome.');

export const followUpRecordSchema = followUpSubmissionSchema
  .extend({
    status: z.enum(FOLLOW_UP_STATUSES),
    snoozed: z.boolean(),
    reassignedFrom: z.enum(ROLES).optional(),
    createdAt: isoDateTimeSchema,
    updatedAt: isoDateTimeSchema,
    round: z.number().int().positive().optional(),
    taskId: z.string().optional(),
    remindAt: isoDateTimeSchema.optional().describe("When this round reminds the owner: 08:00 Berlin on the due day, after the owner's quiet hours."),
    stage: z.enum(membersOf<FollowUpStage>({ scheduled: true, reminded: true, withPartner: true })).optional(),
    closedAt: isoDateTimeSchema.optional(),
    closedBy: personIdSchema.optional(),
  })
  .loose()
  .describe('A follow-up and where it stands.');

const customerTaskViewSchema = z
  .object({
    customerId: customerIdSchema,
    taskId: z.string(),
    kind: z.enum(CUSTOMER_TASK_KINDS),
    caseId: z.string(),
    holderId: personIdSchema,
    role: z.enum(ROLES),
    phase: z.enum(CUSTOMER_TASK_PHASES),
    status: z.enum(membersOf<CustomerTask['status']>({ ACTIVE: true, DECIDED: true, EXPIRED: true })),
    answerBy: isoDateTimeSchema,
    decided: z.object({ answer: z.object({ outcome: z.string() }).loose(), decidedBy: personIdSchema, decidedAt: isoDateTimeSchema }).optional(),
    updatedAt: isoDateTimeSchema,
  })
  .loose()
  .describe("A task waiting for (or answered by) a person; never its link's reference, which is the holder's credential.");

export const customerViewSchema = z
  .object({
    customer: customerSchema.loose(),
    owner: z
      .object({ role: z.enum(ROLES), territoryId: territoryIdSchema, personId: personIdSchema.optional(), name: z.string().optional() })
      .describe("The role owning the customer and the person holding it now (absent while the territory's tandem is not in the directory)."),
    status: z.enum(LIFECYCLES),
    prices: z
      .array(
        z
          .object({
            sku: skuSchema,
            productName: z.string(),
            unit: z.enum(UNITS),
            price: z.number().positive().describe('EUR per unit.'),
            listPrice: z.number().positive(),
            validFrom: isoDateSchema,
            validUntil: isoDateSchema,
            valid: z.boolean().describe('Whether today lies within validFrom–validUntil.'),
            priceRequestId: requestIdSchema,
            approvedBy: personIdSchema,
            acceptedBy: personIdSchema.optional(),
            agreedAt: isoDateTimeSchema,
          })
          .loose(),
      )
      .describe('The special price agreed per product (a later agreement replaces an earlier one).'),
    priceRequests: z.array(priceRequestRecordSchema),
    followUps: z.array(followUpRecordSchema),
    tasks: z.array(customerTaskViewSchema),
    notifications: z
      .array(
        z
          .object({
            caseId: z.string(),
            personId: personIdSchema,
            role: z.enum(ROLES),
            channel: z.enum(CHANNELS),
            kind: z.enum(CUSTOMER_MESSAGE_KINDS),
            status: z.enum(NOTIFICATION_STATUSES),
            heldUntil: isoDateTimeSchema.optional().describe('When a HELD SMS goes out: the end of the quiet hours.'),
            onBehalfOf: personIdSchema.optional().describe('The absent person a deputy received this for.'),
            reason: z.string().optional().describe('Why a SUPPRESSED notification was not sent.'),
            claimedAt: isoDateTimeSchema,
            sentAt: isoDateTimeSchema.optional(),
          })
          .loose(),
      )
      .describe('Who was told what about the customer, on which channel, when; oldest first.'),
    timeline: z.array(customerEventSchema).describe('One audit event per step of every case, oldest first.'),
  })
  .describe("Everything known about a customer's lifecycle; read from the customer's partition as stored.");

export const reassignmentResultSchema = z
  .object({
    reassignmentId: requestIdSchema,
    toTerritoryId: territoryIdSchema,
    moved: z.array(z.object({ customerId: customerIdSchema, fromTerritoryId: territoryIdSchema })),
    unchanged: z.array(customerIdSchema).describe('Customers already in the target territory.'),
    reroutedRanges: z
      .array(z.object({ from: postcodeSchema, to: postcodeSchema, fromTerritoryId: territoryIdSchema }))
      .describe('The postcode ranges whose routing moved to the target (a postcodes move only).'),
    retargetedTasks: z
      .array(z.object({ customerId: customerIdSchema, taskId: z.string(), fromHolderId: personIdSchema, toHolderId: personIdSchema }))
      .describe('Waiting tasks now held by the new tandem, with new links; the old links answer 410.'),
  })
  .describe('What moved; a repeat of the same reassignment answers the same result.');

// ---------------------------------------------------------------------------
// Examples: the unit test parses each with the handler's own parser.
// ---------------------------------------------------------------------------

export const REGISTRATION_EXAMPLE: z.input<typeof customerRegistrationSchema> = {
  registrationId: 'fm-app-2026-11-27-0001',
  business: 'Trattoria Da Marco',
  address: { street: 'Hafenstraße 1', postcode: '40213', city: 'Düsseldorf' },
  contact: { name: 'Marco Rossi', phone: '+4921112345678', email: 'marco@example.com' },
  menuFocus: ['italienisch', 'Fisch'],
  expectedWeeklyVolumeEur: 1800,
  registeredBy: 'P0317',
};

/** The story's "10–12 kg tuna a week, can we do something on price?". */
export const PRICE_REQUEST_EXAMPLE: z.input<typeof priceRequestSchema> = {
  priceRequestId: 'pr-2026-11-27-0007',
  customerId: 'C000475',
  sku: 'FIS-0002',
  weeklyVolume: { min: 10, max: 12 },
  unit: 'kg',
  proposedPrice: 39.5,
  note: 'Thunfisch als neues Wochengericht',
  requestedBy: 'P0317',
};

export const FOLLOW_UP_EXAMPLE: z.input<typeof followUpSubmissionSchema> = {
  followUpId: 'fu-2026-11-27-1',
  customerId: 'C000211',
  dueOn: '2026-12-03',
  owner: 'field',
  topic: 'Neue Speisekarte ansehen',
  createdBy: 'P0142',
};

export const REASSIGNMENT_EXAMPLE: z.input<typeof reassignmentSchema> = {
  reassignmentId: '2026-12-split-T159',
  toTerritoryId: 'T160',
  reason: 'territory split',
  customerIds: ['C000475'],
};

// ---------------------------------------------------------------------------
// The paths
// ---------------------------------------------------------------------------

type JsonSchema = Record<string, unknown>;

/** The document helpers of openapi.ts, lent so that both halves of the document are written one way. */
export interface OpenApiKit {
  readonly jsonSchema: (schema: z.ZodType, io: 'input' | 'output') => JsonSchema;
  readonly ref: (name: string) => { $ref: string };
  readonly json: (schema: object, extra?: object) => object;
  readonly response: (description: string, schemaName?: string) => object;
  readonly pathParameter: (name: string, pattern: string, description: string) => object;
  readonly patternOf: (schema: z.ZodType) => string;
  readonly sigv4: readonly object[];
}

export interface CustomerLifecycleApi {
  readonly paths: Record<string, object>;
  readonly schemas: Record<string, JsonSchema>;
  /** The component naming each task kind's answer: what the decision link takes besides a request's Decision. */
  readonly taskAnswers: Readonly<Record<CustomerTaskKind, string>>;
  /** The component of the answer to a customer task. */
  readonly taskAccepted: string;
}

const ADMIN =
  'Admin route: IAM-signed like every route, and meant for the company\'s admin role only — call it with credentials ' +
  'whose IAM policy allows execute-api:Invoke on it (the store systems\' and partners\' policies do not name it).';

export function customerLifecycleApi(kit: OpenApiKit): CustomerLifecycleApi {
  const { json, ref, response, pathParameter, patternOf, jsonSchema } = kit;
  const security = [...kit.sigv4];
  const customerId = pathParameter('id', patternOf(customerIdSchema), 'The customerId.');
  const unsigned = response('Missing or invalid SigV4 signature, or the caller\'s IAM policy does not allow this route.');
  const location = { Location: { description: 'GET /customers/{id} of the customer.', schema: { type: 'string' } } };

  return {
    taskAnswers: { handover: 'HandoverAction', priceDecision: 'PriceDecisionAnswer', priceCounter: 'PriceCounterAnswer', followUp: 'FollowUpAction' },
    taskAccepted: 'CustomerTaskAccepted',
    paths: {
      '/customers': {
        post: {
          operationId: 'registerCustomer',
          summary: 'The field manager registers a newly won customer',
          description:
            'The territory comes from the postcode; the customer is `new`, owned by the field role until the handover, ' +
            'and the CustomerOnboarding workflow starts (once per customer however often the registration is sent). ' +
            'Rules the schema cannot express: a territory must cover the postcode, and registeredBy must be its field manager.',
          security,
          requestBody: { required: true, ...json(ref('CustomerRegistration'), { example: REGISTRATION_EXAMPLE }) },
          responses: {
            '201': { ...response('Registered; the onboarding has started.', 'RegistrationAnswer'), headers: location },
            '200': { ...response('A repeat of an earlier identical registration: the same answer, nothing new started.', 'RegistrationAnswer'), headers: location },
            '400': response('The body breaks a rule, no territory covers the postcode, or registeredBy is not its field manager; `problems` names each field.'),
            '403': unsigned,
            '409': response('The registrationId was used for another registration, or the territory has no complete tandem.'),
          },
        },
      },
      '/customers/{id}': {
        get: {
          operationId: 'getCustomer',
          summary: "Owner, status, special prices, price requests, follow-ups, open tasks, notifications and audit trail of a customer",
          security,
          parameters: [customerId],
          responses: {
            '200': response('The customer.', 'CustomerView'),
            '400': response('The id is not a customer id.'),
            '403': unsigned,
            '404': response('No customer with this id.'),
          },
        },
      },
      '/customers/{id}/onboarding': {
        post: {
          operationId: 'answerOnboarding',
          summary: 'The field manager hands a new customer over early, or extends the handover period once',
          description:
            "The app's way to answer the customer's open handover task, with the same body as its link. The plan's rules " +
            'are checked first: after the handover, or for a second extension, the answer is a 409 whatever the task.',
          security,
          parameters: [customerId],
          requestBody: { required: true, ...json(ref('HandoverAction'), { example: { action: 'extend', weeks: 2 } }) },
          responses: {
            '200': response('The answer is recorded and the onboarding continues.', 'CustomerTaskAccepted'),
            '400': response('The body breaks a rule, or the period is over and can no longer be extended; `problems` names each field.'),
            '403': unsigned,
            '404': response('No customer with this id.'),
            '409': response(
              'Handed over already, extended once already, or no handover task open at this moment (between two reminders): try again in a minute.',
            ),
            '410': response('The open task stopped taking answers at this very moment (its deadline passed, or it passed to another person).'),
          },
        },
      },
      '/price-requests': {
        post: {
          operationId: 'submitPriceRequest',
          summary: "A tandem partner asks for a special price for a customer's weekly volume of one product",
          description:
            'Registered once under priceRequestId (across customers) with the volume-tier suggestion and the judgement of ' +
            'the proposed price; the PriceRequest workflow then asks the inside manager. Rules the schema cannot express: ' +
            "the customer and product exist, unit is the product's unit, and requestedBy is a partner of the customer's tandem " +
            '(or a deputy during an absence); each is a 400 naming the field, all in one answer.',
          security,
          requestBody: { required: true, ...json(ref('PriceRequest'), { example: PRICE_REQUEST_EXAMPLE }) },
          responses: {
            '201': response('Registered; the decision is asked for.', 'PriceRequestAccepted'),
            '200': response('A repeat of an earlier identical request, with its status now.', 'PriceRequestAccepted'),
            '400': response('The body breaks a rule or names an unknown customer, product, unit or person; `problems` names each field.'),
            '403': unsigned,
            '409': response("The priceRequestId was used with another body (or by another customer's request), or the customer's territory has no complete tandem."),
          },
        },
      },
      '/follow-ups': {
        post: {
          operationId: 'scheduleFollowUp',
          summary: 'A tandem partner schedules a follow-up for a customer on a day',
          description:
            'The owner is reminded at 08:00 Berlin time on the due day; the FollowUp workflow starts once per customer and ' +
            'followUpId. Rules the schema cannot express: dueOn today or later (Berlin) and at most 365 days ahead; the ' +
            'customer exists and createdBy is a partner of its tandem.',
          security,
          requestBody: { required: true, ...json(ref('FollowUpSubmission'), { example: FOLLOW_UP_EXAMPLE }) },
          responses: {
            '201': response('Scheduled.', 'FollowUp'),
            '200': response('A repeat of an earlier identical follow-up: as it stands now, nothing new started.', 'FollowUp'),
            '400': response('The body breaks a rule, or names an unknown customer or a person outside its tandem; `problems` names each field.'),
            '403': unsigned,
            '409': response("The followUpId was used for this customer with another body, or the customer's territory has no complete tandem."),
          },
        },
      },
      '/customers/{id}/follow-ups/{followUpId}/actions': {
        post: {
          operationId: 'actOnFollowUp',
          summary: 'Mark a follow-up done, snooze it once, or hand it to the partner once',
          description:
            "The app's way to answer the follow-up's open task, with the same body as its link, also before the due day. " +
            'A snooze moves the day later: until must be after the current due day, not in the past, at most 365 days ahead.',
          security,
          parameters: [customerId, pathParameter('followUpId', patternOf(requestIdSchema), 'The followUpId it was scheduled with.')],
          requestBody: { required: true, ...json(ref('FollowUpAction'), { example: { action: 'snooze', until: '2026-12-10' } }) },
          responses: {
            '200': response('The action is recorded and the follow-up continues (or ends, when done).', 'CustomerTaskAccepted'),
            '400': response('The body breaks a rule (e.g. until not after the due day); `problems` names each field.'),
            '403': unsigned,
            '404': response('No follow-up with this id for this customer.'),
            '409': response(
              'Done already, lapsed, snoozed or handed over once already, or no open task at this moment (between two steps): try again in a moment.',
            ),
            '410': response('The open task stopped taking answers at this very moment (its deadline passed, or it passed to another person).'),
          },
        },
      },
      '/reassignments': {
        post: {
          operationId: 'reassignCustomers',
          summary: 'Move customers, or every customer of a postcode range with its routing, to another territory',
          description:
            `${ADMIN} Rules the schema cannot express: exactly one of customerIds or postcodes; the range within one ` +
            'two-digit region. Everything is checked before anything is written. Waiting tasks follow to the new ' +
            'tandem with new links; the old links answer 410.',
          security,
          requestBody: { required: true, ...json(ref('Reassignment'), { example: REASSIGNMENT_EXAMPLE }) },
          responses: {
            '200': response('Moved; a repeat with the same reassignmentId and body answers the same result.', 'ReassignmentResult'),
            '400': response('The body breaks a rule, names unknown customers or territory, the range has no routing or too many customers; `problems` names each field.'),
            '403': response("Missing or invalid SigV4 signature, or not the admin role's IAM policy."),
            '409': response('The reassignmentId was used with another body, the target has no complete tandem, or a territory would keep no postcode.'),
          },
        },
      },
    },
    schemas: {
      CustomerRegistration: jsonSchema(customerRegistrationSchema, 'input'),
      HandoverAction: jsonSchema(handoverActionSchema, 'input'),
      PriceRequest: jsonSchema(priceRequestSchema, 'input'),
      PriceDecisionAnswer: jsonSchema(priceDecisionAnswerSchema, 'input'),
      PriceCounterAnswer: jsonSchema(priceCounterAnswerSchema, 'input'),
      FollowUpSubmission: jsonSchema(followUpSubmissionSchema, 'input'),
      FollowUpAction: jsonSchema(followUpActionSchema, 'input'),
      Reassignment: jsonSchema(reassignmentSchema, 'input'),
      RegistrationAnswer: jsonSchema(registrationAnswerSchema, 'output'),
      CustomerView: jsonSchema(customerViewSchema, 'output'),
      CustomerTaskAccepted: jsonSchema(customerTaskAcceptedSchema, 'output'),
      PriceRequestAccepted: jsonSchema(priceRequestAcceptedSchema, 'output'),
      FollowUp: jsonSchema(followUpRecordSchema, 'output'),
      ReassignmentResult: jsonSchema(reassignmentResultSchema, 'output'),
    },
  };
}
