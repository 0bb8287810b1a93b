import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApiDocument, SUBMISSION_EXAMPLE } from '../../../functions/customer-request/domain/openapi';
import { parseSubmission } from '../../../functions/customer-request/domain/submission';

const PUBLISHED = join(__dirname, '..', '..', '..', 'docs', 'openapi.json');
const document = buildOpenApiDocument();

type Json = Record<string, unknown>;
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Json)[key] : undefined), value);

describe('the published OpenAPI document', () => {
  test('docs/openapi.json equals the document built from the schemas (run `npx tsx scripts/write-openapi.ts` after a schema change)', () => {
    const published: unknown = JSON.parse(readFileSync(PUBLISHED, 'utf8'));
    expect(published).toEqual(document);
  });

  test('is OpenAPI 3.1 with the five routes and the answers the store systems and tandems rely on', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(at(document, 'paths') as Json).sort()).toEqual(['/requests', '/requests/{id}', '/stores/{storeId}/stock', '/tasks/{ref}', '/tasks/{ref}/decision']);
    expect(Object.keys(at(document, 'paths', '/requests', 'post', 'responses') as Json)).toEqual(expect.arrayContaining(['202', '400', '409']));
    expect(Object.keys(at(document, 'paths', '/tasks/{ref}/decision', 'post', 'responses') as Json)).toEqual(
      expect.arrayContaining(['200', '400', '404', '409', '410']),
    );
  });

  test('store routes require SigV4; the decision route relies on its unguessable reference instead', () => {
    expect(at(document, 'components', 'securitySchemes', 'sigv4', 'x-amazon-apigateway-authtype')).toBe('awsSigv4');
    for (const [path, method] of [['/requests', 'post'], ['/requests/{id}', 'get'], ['/stores/{storeId}/stock', 'post']] as const) {
      expect(at(document, 'paths', path, method, 'security')).toEqual([{ sigv4: [] }]);
    }
    expect(at(document, 'paths', '/tasks/{ref}/decision', 'post', 'security')).toEqual([]);
    expect(at(document, 'paths', '/tasks/{ref}', 'get', 'security')).toEqual([]);
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
