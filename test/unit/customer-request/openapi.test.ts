import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Method } from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';
import { followUpActionSchema, followUpSubmissionSchema, parseFollowUp, parseFollowUpAnswer } from '../../../functions/customer-lifecycle/domain/follow-up';
import { customerRegistrationSchema, handoverActionSchema, parseHandoverAnswer, parseRegistration } from '../../../functions/customer-lifecycle/domain/onboarding';
import { parsePriceRequest, priceRequestSchema } from '../../../functions/customer-lifecycle/domain/price-request';
import { parseReassignment, reassignmentSchema } from '../../../functions/customer-lifecycle/domain/reassignment';
import { priceCounterAnswerSchema } from '../../../functions/customer-lifecycle/tasks/price-counter-task';
import { priceDecisionAnswerSchema } from '../../../functions/customer-lifecycle/tasks/price-decision-task';
import { CUSTOMER_TASK_KINDS } from '../../../functions/repository/customer-task-repository';
import { decisionSchema } from '../../../functions/customer-request/domain/decision';
import { buildOpenApiDocument, SUBMISSION_EXAMPLE } from '../../../functions/customer-request/domain/openapi';
import { stockFeedSchema } from '../../../functions/customer-request/domain/stock-feed';
import { customerRequestSubmissionSchema, parseSubmission } from '../../../functions/customer-request/domain/submission';
import { ConflictError, NotFoundError, ValidationError } from '../../../functions/domain/errors';
import { errorResponse, GoneError } from '../../../functions/shared/http-response';
import { buildApp } from '../../../lib/app';

const ROOT = join(__dirname, '..', '..', '..');
const PUBLISHED = join(ROOT, 'docs', 'openapi.json');
const document = buildOpenApiDocument();

type Json = Record<string, unknown>;
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Json)[key] : undefined), value);

/** `METHOD /path` of every operation in the document. */
const documentRoutes = (): string[] =>
  Object.entries(at(document, 'paths') as Json).flatMap(([path, item]) => Object.keys(item as Json).map((method) => `${method.toUpperCase()} ${path}`));

/** A schema of the document with every `$ref` to a component replaced by the component. */
function resolved(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(resolved);
  if (schema === null || typeof schema !== 'object') return schema;
  const { $ref } = schema as { $ref?: unknown };
  if (typeof $ref === 'string') return resolved(at(document, 'components', 'schemas', $ref.replace('#/components/schemas/', '')));
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, resolved(value)]));
}

const requestBodySchema = (route: string): unknown => {
  const [method = '', path = ''] = route.split(' ');
  return at(document, 'paths', path, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'schema');
};

/**
 * The published request schema as a validator. zod's reading of JSON Schema drops a `required`
 * that stands without `properties` (the submission's oneOf of customerId or prospect), so it is
 * used here for the bodies it reads faithfully: the customer-lifecycle bodies and the task answers.
 */
const publishedValidator = (route: string): z.ZodType => z.fromJSONSchema(resolved(requestBodySchema(route)) as Parameters<typeof z.fromJSONSchema>[0]);

/** The schema each route's handler validates its body with. */
const HANDLER_SCHEMAS: Readonly<Record<string, z.ZodType>> = {
  'POST /requests': customerRequestSubmissionSchema,
  'POST /stores/{storeId}/stock': stockFeedSchema,
  'POST /tasks/{ref}/decision': z.union([decisionSchema, handoverActionSchema, priceDecisionAnswerSchema, priceCounterAnswerSchema, followUpActionSchema]),
  'POST /customers': customerRegistrationSchema,
  'POST /customers/{id}/onboarding': handoverActionSchema,
  'POST /price-requests': priceRequestSchema,
  'POST /follow-ups': followUpSubmissionSchema,
  'POST /customers/{id}/follow-ups/{followUpId}/actions': followUpActionSchema,
  'POST /reassignments': reassignmentSchema,
};

/**
 * The routes the product stack defines on its REST API: its Method constructs, which synthesize to the
 * template's AWS::ApiGateway::Method resources. The app is built with bundling skipped and not synthesized:
 * synthesis runs the cdk-nag packs (over ten seconds), which the infra project does.
 */
function stackRoutes(): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'tandem-openapi-routes-'));
  try {
    const { stack } = buildApp({ outdir, context: { stage: 'dev', 'aws:cdk:bundling-stacks': [] } });
    return stack.node.findAll().filter((c): c is Method => c instanceof Method).map((m) => `${m.httpMethod} ${m.resource.path}`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Admin routes of the tandem directory, on the API but not yet in the published contract. */
const NOT_YET_PUBLISHED = ['PUT /tandems/{territoryId}', 'GET /tandems/{territoryId}', 'POST /tandems/{territoryId}/provisioning'];

interface ReadmeRoute {
  readonly route: string;
  /** The code spans of the row's description, e.g. `{"action":"done"}` or `{ followUpId, customerId, … }`. */
  readonly spans: readonly string[];
}

/** The rows of README.md's "The store API" table. */
function readmeRoutes(): ReadmeRoute[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('The store API\n')) ?? '';
  return [...section.matchAll(/^\| `([A-Z]+ \/[^`]*)` \| (.*) \|$/gm)].map(([, route = '', text = '']) => ({
    route,
    spans: [...text.matchAll(/`([^`]+)`/g)].map(([, span = '']) => span),
  }));
}

/** The README writes what goes where a value goes: `1–4` stands for each end of the range, `YYYY-MM-DD` for a day. */
function withValues(body: string): string[] {
  const range = /(\d+)–(\d+)/.exec(body);
  if (range) return [range[1] ?? '', range[2] ?? ''].flatMap((end) => withValues(body.replace(range[0], end)));
  return [body.replace('YYYY-MM-DD', '2026-12-10')];
}

/** `{ a, b?, c \| d, e: [{ … }] }`: the top-level fields; an optional one (`?`) or one of alternatives (`\|`) is not required. */
function templateFields(template: string): { readonly name: string; readonly required: boolean }[] {
  const parts: string[] = [''];
  let depth = 0;
  for (const c of template.trim().slice(1, -1)) {
    if (c === ',' && depth === 0) parts.push('');
    else parts[parts.length - 1] += c;
    if (c === '[' || c === '{') depth += 1;
    if (c === ']' || c === '}') depth -= 1;
  }
  return parts.flatMap((part) => {
    const names = (part.split(':')[0] ?? '').split('\\|').map((name) => name.trim());
    return names.map((name) => ({ name: name.replace(/\?$/, ''), required: names.length === 1 && !name.endsWith('?') }));
  });
}

const isJsonBody = (span: string): boolean => span.startsWith('{"');
const isFieldTemplate = (span: string): boolean => /^\{ ?[a-zA-Z]/.test(span);

describe('the published OpenAPI document', () => {
  test('docs/openapi.json equals the document built from the schemas (run `npx tsx scripts/write-openapi.ts` after a schema change)', () => {
    const published: unknown = JSON.parse(readFileSync(PUBLISHED, 'utf8'));
    expect(published).toEqual(document);
  });

  test('is OpenAPI 3.1 with the routes and the answers the store systems, partners and admins rely on', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(at(document, 'paths') as Json).sort()).toEqual([
      '/customers',
      '/customers/{id}',
      '/customers/{id}/follow-ups/{followUpId}/actions',
      '/customers/{id}/onboarding',
      '/follow-ups',
      '/price-requests',
      '/reassignments',
      '/requests',
      '/requests/{id}',
      '/stores/{storeId}/stock',
      '/tasks/{ref}',
      '/tasks/{ref}/decision',
    ]);
    expect(Object.keys(at(document, 'paths', '/requests', 'post', 'responses') as Json)).toEqual(expect.arrayContaining(['202', '400', '409']));
    expect(Object.keys(at(document, 'paths', '/tasks/{ref}/decision', 'post', 'responses') as Json)).toEqual(
      expect.arrayContaining(['200', '400', '404', '409', '410']),
    );
  });

  test('every route requires SigV4 but the decision link, which relies on its unguessable reference instead', () => {
    expect(at(document, 'components', 'securitySchemes', 'sigv4', 'x-amazon-apigateway-authtype')).toBe('awsSigv4');
    for (const route of documentRoutes()) {
      const [method = '', path = ''] = route.split(' ');
      expect([route, at(document, 'paths', path, method.toLowerCase(), 'security')]).toEqual([route, path.startsWith('/tasks/{ref}') ? [] : [{ sigv4: [] }]]);
    }
  });

  test("the admin route says it needs the admin role's IAM policy", () => {
    expect(at(document, 'paths', '/reassignments', 'post', 'description')).toMatch(/admin role.*IAM policy/);
    expect(at(document, 'paths', '/reassignments', 'post', 'responses', '403', 'description')).toMatch(/admin role/);
  });

  test('every route the stack defines on the REST API is in the document, and the document has no other', () => {
    const defined = stackRoutes();
    expect(defined).toEqual(expect.arrayContaining(NOT_YET_PUBLISHED));
    expect(documentRoutes().sort()).toEqual(defined.filter((route) => !NOT_YET_PUBLISHED.includes(route)).sort());
  });

  test('each route with a body names the schema its handler validates with', () => {
    const withBody = documentRoutes().filter((route) => requestBodySchema(route) !== undefined);
    expect(withBody.sort()).toEqual(Object.keys(HANDLER_SCHEMAS).sort());
  });

  test('the decision link takes a request Decision or the answer of any customer task kind', () => {
    const answers = (at(requestBodySchema('POST /tasks/{ref}/decision'), 'oneOf') as { $ref: string }[]).map((r) => r.$ref.replace('#/components/schemas/', ''));
    expect(answers).toEqual(['Decision', 'HandoverAction', 'PriceDecisionAnswer', 'PriceCounterAnswer', 'FollowUpAction']);
    expect(CUSTOMER_TASK_KINDS).toHaveLength(answers.length - 1);
    expect(Object.keys(at(document, 'paths', '/tasks/{ref}/decision', 'post', 'responses') as Json)).toEqual(['200', '400', '404', '409', '410']);
  });

  test("the README's example bodies are valid for the route's published schema and its handler's, and refused with an unknown field", () => {
    const bodies = readmeRoutes().flatMap(({ route, spans }) => spans.filter(isJsonBody).flatMap(withValues).map((body) => ({ route, body: JSON.parse(body) as Json })));
    expect(bodies.map(({ route }) => route)).toEqual(expect.arrayContaining(['POST /customers/{id}/onboarding', 'POST /customers/{id}/follow-ups/{followUpId}/actions']));
    for (const { route, body } of bodies) {
      const handlerSchema = HANDLER_SCHEMAS[route];
      expect([route, body, handlerSchema !== undefined]).toEqual([route, body, true]);
      for (const schema of [publishedValidator(route), handlerSchema!]) {
        expect([route, body, schema.safeParse(body).success]).toEqual([route, body, true]);
        expect([route, body, schema.safeParse({ ...body, unknown: 1 }).success]).toEqual([route, body, false]);
      }
    }
  });

  test("the README's field lists name exactly the fields of the route's request schema, required where the README says so", () => {
    const templates = readmeRoutes().flatMap(({ route, spans }) => spans.filter(isFieldTemplate).map((template) => ({ route, template })));
    expect(templates.map(({ route }) => route)).toEqual(
      expect.arrayContaining(['POST /requests', 'POST /stores/{storeId}/stock', 'POST /customers', 'POST /price-requests', 'POST /follow-ups']),
    );
    for (const { route, template } of templates) {
      const schema = resolved(requestBodySchema(route)) as { properties: Json; required?: string[] };
      const fields = templateFields(template);
      expect([route, fields.map((f) => f.name).sort()]).toEqual([route, Object.keys(schema.properties).sort()]);
      expect([route, fields.filter((f) => f.required).map((f) => f.name).sort()]).toEqual([route, [...(schema.required ?? [])].sort()]);
    }
  });

  test('every error answer a handler gives fits the published Problem schema', () => {
    const problem = z.fromJSONSchema(resolved(at(document, 'components', 'schemas', 'Problem')) as Parameters<typeof z.fromJSONSchema>[0]);
    const errors = [
      new ValidationError('price request', [{ field: 'sku', problem: 'FIS-9999 is not in the catalogue' }]),
      new NotFoundError('customer', 'C000001'),
      new ConflictError('the handover period was extended once already'),
      new GoneError('decision reference Xq3vN8c1Zk7YpR2sT5wLbA was used already'),
      new Error('boom'),
    ];
    for (const error of errors) {
      const body = JSON.parse(errorResponse(error, 'request-1').body) as Json;
      expect([body, problem.safeParse(body).success]).toEqual([body, true]);
    }
    // API Gateway's own refusals (a missing signature) carry a message only.
    expect(problem.safeParse({ message: 'Missing Authentication Token' }).success).toBe(true);
  });

  test("each lifecycle route's example body passes the handler's own parser", () => {
    const example = (route: string) => {
      const [method = '', path = ''] = route.split(' ');
      return at(document, 'paths', path, method.toLowerCase(), 'requestBody', 'content', 'application/json', 'example');
    };
    expect(() => parseRegistration(example('POST /customers'))).not.toThrow();
    expect(() => parseHandoverAnswer(example('POST /customers/{id}/onboarding'))).not.toThrow();
    expect(() => parsePriceRequest(example('POST /price-requests'))).not.toThrow();
    expect(() => parseFollowUp(example('POST /follow-ups'), new Date('2026-11-27T10:00:00+01:00'))).not.toThrow();
    expect(() => parseFollowUpAnswer(example('POST /customers/{id}/follow-ups/{followUpId}/actions'))).not.toThrow();
    expect(() => parseReassignment(example('POST /reassignments'))).not.toThrow();
  });

  test('the request body is the JSON Schema of the submission schema: strict, with exactly one of customerId or prospect', () => {
    const schema = at(document, 'components', 'schemas', 'CustomerRequestSubmission') as Json;
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['requestId', 'lines', 'neededBy', 'fulfilment']);
    expect(schema.oneOf).toEqual([{ required: ['customerId'] }, { required: ['prospect'] }]);
    expect(at(schema, 'properties', 'lines', 'maxItems')).toBe(50);
    expect(at(schema, 'properties', 'lines', 'items', 'properties', 'quantity')).toEqual({ type: 'number', exclusiveMinimum: 0, maximum: 10_000 });
    expect(at(schema, 'properties', 'neededBy', 'format')).toBe('date-time');
  });

  test('the example in the document is a valid request for the story (parsed by the real parser)', () => {
    const example = at(document, 'paths', '/requests', 'post', 'requestBody', 'content', 'application/json', 'example');
    expect(example).toEqual(SUBMISSION_EXAMPLE);
    expect(() => parseSubmission(example, new Date('2026-11-27T10:00:00+01:00'))).not.toThrow();
  });
});
