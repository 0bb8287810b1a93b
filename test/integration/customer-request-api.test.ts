/**
 * The customer-request routes of the store API, through the local cloud:
 * the synthesized product stack, its bundled handlers, IAM-signed requests.
 */
import { DynamoRequestRepository } from '../../functions/repository/request-repository';
import { startProductCloud, type ProductCloud } from '../support/product-cloud';
import { signedFetch } from '../support/signed-fetch';
import { storyRequest } from '../support/story-request';

let product: ProductCloud;
let requests: DynamoRequestRepository;

beforeAll(async () => {
  product = await startProductCloud();
  // The product table is shared by every test file that starts the product stack in the same DynamoDB Local,
  // so this file uses request ids no other file uses.
  requests = new DynamoRequestRepository(product.cloud.tableContext('Data'));
  const request = storyRequest('api-test-1');
  await requests.createRequest(request);
  await requests.appendAuditEvent({ requestId: 'api-test-1', at: '2026-11-27T08:00:01Z', step: 'Route', detail: { territoryId: request.territoryId } });
});

afterAll(async () => {
  await product?.stop();
});

describe('GET /requests/{id}', () => {
  test('a signed request gets the request with its decisions and timeline', async () => {
    const response = await signedFetch(new URL(`${product.storeApiUrl}/requests/api-test-1`), { method: 'GET' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { request: { requestId: string; status: string }; timeline: { step: string }[]; decisions: unknown[] };
    expect(body.request).toMatchObject({ requestId: 'api-test-1', status: 'RECEIVED' });
    expect(body.timeline.map((e) => e.step)).toEqual(['Route']);
    expect(body.decisions).toEqual([]);
  });

  test('an unknown request id is a 404 naming it', async () => {
    const response = await signedFetch(new URL(`${product.storeApiUrl}/requests/never-submitted`), { method: 'GET' });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'NotFound', message: 'request never-submitted does not exist' });
  });

  test('a malformed request id is a 400 naming the path parameter', async () => {
    const response = await signedFetch(new URL(`${product.storeApiUrl}/requests/%24%24`), { method: 'GET' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { message: string };
    expect(body.message).toMatch(/^path parameter id is invalid/);
  });

  test('an unsigned request is refused before any handler runs', async () => {
    const response = await fetch(`${product.storeApiUrl}/requests/api-test-1`);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });
});
