/**
 * The published contract of the Tandem 360 API (docs/openapi.json), built from
 * the same zod schemas the handlers validate with, so the two cannot drift.
 * The customer-request routes are here; the customer-lifecycle routes come from
 * functions/customer-lifecycle/domain/openapi-paths.ts and are merged in.
 * `scripts/write-openapi.ts` writes it; a unit test fails when the file is stale.
 */
import { z } from 'zod';
import {
  auditEventSchema,
  CHANNELS,
  customerIdSchema,
  decisionRecordSchema,
  personIdSchema,
  REQUEST_STATUSES,
  ROLES,
  skuSchema,
  storeIdSchema,
  territoryIdSchema,
  isoDateTimeSchema,
} from '../../domain/model';
import { customerLifecycleApi, NOTIFICATION_STATUSES, type OpenApiKit } from '../../customer-lifecycle/domain/openapi-paths';
import { DECISION_OUTCOMES, DECISION_REF_PATTERN, decisionSchema } from './decision';
import { MESSAGE_KINDS } from './messages';
import { stockFeedSchema } from './stock-feed';
import { customerRequestSubmissionSchema, requestIdSchema, submissionLineSchema, type CustomerRequestSubmissionInput } from './submission';

// ---------------------------------------------------------------------------
// Response bodies: defined here because only the API needs them as schemas.
// ---------------------------------------------------------------------------

export const requestAcceptedSchema = z
  .object({
    requestId: requestIdSchema,
    status: z.enum(REQUEST_STATUSES),
    statusUrl: z.string().describe('Where to follow the request: GET /requests/{id}.'),
  })
  .describe('202 for a new request, and for a repeated identical submission (with the request\'s current status).');

export const problemSchema = z
  .object({
    error: z
      .enum(['ValidationError', 'NotFound', 'Conflict', 'Gone', 'InternalError'])
      .optional()
      .describe('The kind of problem; absent when API Gateway itself refused the request (e.g. a missing signature).'),
    message: z.string(),
    problems: z
      .array(z.object({ field: z.string().describe('Dotted path of the field, e.g. lines.0.quantity.'), problem: z.string() }))
      .optional(),
  })
  .describe('What was wrong, in words a person can act on.');

const holdLineSchema = z.object({ sku: skuSchema, quantity: z.number().positive() });

export const requestStatusViewSchema = z
  .object({
    request: z
      .object({
        requestId: requestIdSchema,
        customerId: customerIdSchema.optional(),
        territoryId: territoryIdSchema.optional(),
        status: z.enum(REQUEST_STATUSES),
        storeId: storeIdSchema.optional().describe('The store holding the goods, once chosen.'),
        reason: z.string().optional().describe('Why the request ended FAILED, UNFULFILLED or PARTIAL.'),
        lines: z.array(submissionLineSchema),
        neededBy: isoDateTimeSchema,
        fulfilment: z.enum(['pickup', 'delivery']),
        createdAt: isoDateTimeSchema,
        updatedAt: isoDateTimeSchema,
      })
      .loose(),
    reservations: z
      .array(
        z.object({
          hold: z.enum(['initial', 'decided']).describe('The first reservation, or the one a decision sourced.'),
          storeId: storeIdSchema,
          lines: z.array(holdLineSchema),
          status: z.enum(['HELD', 'RELEASED']),
          reservedAt: isoDateTimeSchema,
          expiresAt: isoDateTimeSchema.describe('Needed-by plus the grace period: then the hold lapses.'),
          releasedAt: isoDateTimeSchema.optional(),
          releaseReason: z.enum(['lapsed', 'cancelled', 'picked-up']).optional(),
        }).loose(),
      )
      .describe('What the request holds where.'),
    notifications: z
      .array(
        z.object({
          personId: personIdSchema,
          role: z.enum(ROLES),
          channel: z.enum(CHANNELS),
          kind: z.enum(MESSAGE_KINDS),
          status: z.enum(NOTIFICATION_STATUSES),
          heldUntil: isoDateTimeSchema.optional().describe("When a HELD SMS goes out: the end of the person's quiet hours."),
          onBehalfOf: personIdSchema.optional().describe('The absent person a deputy received this for.'),
          reason: z.string().optional().describe('Why a SUPPRESSED notification was not sent (e.g. the number opted out of SMS).'),
          claimedAt: isoDateTimeSchema,
          sentAt: isoDateTimeSchema.optional(),
        }).loose(),
      )
      .describe('Who was told what, on which channel, when.'),
    decisions: z.array(decisionRecordSchema),
    timeline: z.array(auditEventSchema).describe('One audit event per workflow step, oldest first.'),
  })
  .describe('Everything known about a customer request.');

export const stockFeedResultSchema = z.object({
  storeId: storeIdSchema,
  applied: z.number().int().min(0).describe('Levels that were newer than the stored ones.'),
  stale: z.number().int().min(0).describe('Levels not newer than the stored ones, ignored.'),
  shortfalls: z
    .array(z.object({ sku: skuSchema, shortfall: z.number().int().positive() }))
    .describe('Products whose count no longer covers their reservations.'),
  decisionHoldersTold: z.number().int().min(0).describe('Escalated requests whose decision holder was told that stock arrived here.'),
});

export const decisionAcceptedSchema = z.object({
  requestId: requestIdSchema,
  outcome: z.enum(DECISION_OUTCOMES),
  decidedBy: personIdSchema,
  accepted: z.literal(true),
});

/** The story's request (geese for a Düsseldorf restaurant); a unit test parses it with the real parser. */
export const SUBMISSION_EXAMPLE: CustomerRequestSubmissionInput = {
  requestId: 'S002-20261127-0042',
  customerId: 'C000475',
  lines: [{ sku: 'GEF-0001', quantity: 10, unit: 'piece' }],
  neededBy: '2026-11-28T08:00:00+01:00',
  fulfilment: 'pickup',
  note: 'Gänse für die Weihnachtsfeier am Samstag',
};

// ---------------------------------------------------------------------------
// The document
// ---------------------------------------------------------------------------

type JsonSchema = Record<string, unknown>;

/** Requests are described as the client writes them (before trimming), responses as the server writes them. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema;
  delete converted.$schema; // OpenAPI 3.1 already fixes the dialect
  return converted;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object, extra: object = {}) => ({ content: { 'application/json': { schema, ...extra } } });
const response = (description: string, schemaName = 'Problem') => ({ description, ...json(ref(schemaName)) });
const SIGV4 = [{ sigv4: [] }];

/** Path parameters carry the same pattern as the schema of the id they name. */
function patternOf(schema: z.ZodType): string {
  const { pattern } = jsonSchema(schema, 'input');
  if (typeof pattern !== 'string') throw new Error('the id schema has no pattern');
  return pattern;
}

const pathParameter = (name: string, pattern: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', pattern },
});

const KIT: OpenApiKit = { jsonSchema, ref, json, response, pathParameter, patternOf, sigv4: SIGV4 };

export function buildOpenApiDocument(): JsonSchema {
  const lifecycle = customerLifecycleApi(KIT);
  const taskAnswers = Object.values(lifecycle.taskAnswers);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tandem 360 API',
      version: '1.1.0',
      description:
        'One API for three kinds of callers, each signing with IAM credentials whose policy names the routes it may call: the ' +
        "wholesale stores' systems (customer requests, stock feeds), the tandem partners' app (customers, onboarding, " +
        "special prices, follow-ups) and the company's admins (reassignments). The decision link in tandem notifications " +
        'needs no signature: the reference in its path authorizes it. Generated from the zod schemas in ' +
        'functions/customer-request/domain and functions/customer-lifecycle by `npx tsx scripts/write-openapi.ts`; do not edit by hand.',
    },
    paths: {
      '/requests': {
        post: {
          operationId: 'submitCustomerRequest',
          summary: 'A customer needs products by a date',
          description:
            'Starts the CustomerRequest workflow; the execution name is derived from requestId, so a retried ' +
            'submission never starts a second one. Rules the schema cannot express: neededBy in the future and at ' +
            'most 60 days ahead; exactly one of customerId or prospect; whole quantities for piece and case; each SKU once.',
          security: SIGV4,
          requestBody: { required: true, ...json(ref('CustomerRequestSubmission'), { example: SUBMISSION_EXAMPLE }) },
          responses: {
            '202': response('Accepted: the workflow has started (or, for a repeated identical submission, had started).', 'RequestAccepted'),
            '400': response('The body is not valid JSON or breaks a rule; `problems` names each field.'),
            '403': response('Missing or invalid SigV4 signature.'),
            '409': response('The same requestId was submitted before with a different body.'),
          },
        },
      },
      '/requests/{id}': {
        get: {
          operationId: 'getCustomerRequest',
          summary: 'Status, chosen store, reservations, notifications, decision and timeline of a request',
          security: SIGV4,
          parameters: [pathParameter('id', patternOf(requestIdSchema), 'The requestId.')],
          responses: {
            '200': response('The request.', 'RequestStatusView'),
            '400': response('The id is not a requestId.'),
            '403': response('Missing or invalid SigV4 signature.'),
            '404': response('No request with this id.'),
          },
        },
      },
      '/stores/{storeId}/stock': {
        post: {
          operationId: 'postStockFeed',
          summary: "A batch of a store's counted stock levels",
          description:
            'Out-of-order or repeated batches never move stock backwards: per SKU the newest count wins, and ' +
            'reservations are kept. countedAt may be at most 5 minutes ahead of the receiving clock.',
          security: SIGV4,
          parameters: [pathParameter('storeId', patternOf(storeIdSchema), 'The store that counted.')],
          requestBody: { required: true, ...json(ref('StockFeed')) },
          responses: {
            '200': response('Applied; stale levels are counted, not rejected.', 'StockFeedResult'),
            '400': response('The body breaks a rule; `problems` names each field.'),
            '403': response('Missing or invalid SigV4 signature.'),
            '404': response('No store with this id.'),
          },
        },
      },
      '/tasks/{ref}': {
        get: {
          operationId: 'showTask',
          summary: 'The page of a decision link: what is asked, until when, and the choices',
          description:
            'An HTML page for a phone. Opening it never decides anything (mail scanners open links too); its form POSTs ' +
            'to /tasks/{ref}/decision. A used, handed-over or expired reference shows why, with 410.',
          security: [],
          parameters: [pathParameter('ref', DECISION_REF_PATTERN.source, 'The 22-character decision reference from the link.')],
          responses: {
            '200': { description: 'The page (text/html).', content: { 'text/html': { schema: { type: 'string' } } } },
            '404': { description: 'No task with this reference (text/html).', content: { 'text/html': { schema: { type: 'string' } } } },
            '410': { description: 'The reference no longer decides; the page says why (text/html).', content: { 'text/html': { schema: { type: 'string' } } } },
          },
        },
      },
      '/tasks/{ref}/decision': {
        post: {
          operationId: 'decideTask',
          summary: 'Answer a task from the link in a notification: an escalated request, or a customer task',
          description:
            'No SigV4: the unguessable, single-use reference (128 random bits) in the path is the authority. ' +
            'It expires with its task and stops working when the task passes to the partner or to a new tandem. The ' +
            'reference decides what it answers, and so which body applies: a Decision for an escalated customer ' +
            'request; for a customer task the answer of its kind (HandoverAction: hand over now or extend; ' +
            'PriceDecisionAnswer: approve, counter or reject a special price; PriceCounterAnswer: the customer accepts ' +
            'or declines a counter-offer; FollowUpAction: done, snooze or reassign). The page\'s form sends the ' +
            'same fields form-encoded (application/x-www-form-urlencoded) and gets the page back as the answer.',
          security: [],
          parameters: [pathParameter('ref', DECISION_REF_PATTERN.source, 'The 22-character decision reference from the link.')],
          requestBody: { required: true, ...json({ oneOf: [ref('Decision'), ...taskAnswers.map(ref)] }) },
          responses: {
            '200': { description: 'The answer is recorded and the workflow continues.', ...json({ oneOf: [ref('DecisionAccepted'), ref(lifecycle.taskAccepted)] }) },
            '400': response("The body breaks a rule or is not an answer of the reference's task; `problems` names each field."),
            '404': response('No task with this reference.'),
            '409': response(
              'The named store cannot give the missing goods now, or the customer\'s case no longer allows the answer ' +
                '(e.g. the price request was settled, the customer handed over); nothing is recorded and the reference stays as it was.',
            ),
            '410': response('The reference was used already or its task has expired or passed on.'),
          },
        },
      },
      ...lifecycle.paths,
    },
    components: {
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            "AWS Signature Version 4 (API Gateway IAM authorization) with the caller's credentials: the store systems', " +
            "the partners' app's or the admin role's, whose IAM policy must allow execute-api:Invoke on the route.",
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
      schemas: {
        CustomerRequestSubmission: jsonSchema(customerRequestSubmissionSchema, 'input'),
        StockFeed: jsonSchema(stockFeedSchema, 'input'),
        Decision: jsonSchema(decisionSchema, 'input'),
        RequestAccepted: jsonSchema(requestAcceptedSchema, 'output'),
        RequestStatusView: jsonSchema(requestStatusViewSchema, 'output'),
        StockFeedResult: jsonSchema(stockFeedResultSchema, 'output'),
        DecisionAccepted: jsonSchema(decisionAcceptedSchema, 'output'),
        Problem: jsonSchema(problemSchema, 'output'),
        ...lifecycle.schemas,
      },
    },
  };
}

