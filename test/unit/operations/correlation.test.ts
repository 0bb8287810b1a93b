import { batchCorrelationId, incomingCorrelationId, stepCorrelationId } from '../../../functions/shared/correlation';

const api = (headers: Record<string, string>) => ({ headers, requestContext: { requestId: 'api-request-1' } as never });

describe('the correlation id', () => {
  test("an API call starts with the caller's x-correlation-id (any case), else API Gateway's request id", () => {
    expect(incomingCorrelationId(api({ 'X-Correlation-Id': 'store-42:order-7' }))).toBe('store-42:order-7');
    expect(incomingCorrelationId(api({}))).toBe('api-request-1');
  });

  test('a header that could forge or break a log line is ignored', () => {
    expect(incomingCorrelationId(api({ 'x-correlation-id': 'a\nb' }))).toBe('api-request-1');
    expect(incomingCorrelationId(api({ 'x-correlation-id': 'x'.repeat(129) }))).toBe('api-request-1');
    expect(incomingCorrelationId(api({ 'x-correlation-id': '' }))).toBe('api-request-1');
  });

  test("a workflow step is correlated by the case the workflow names, else the customer request's id", () => {
    expect(stepCorrelationId({ correlationId: 'PR-2026-0001', customerId: 'C1' })).toBe('PR-2026-0001');
    expect(stepCorrelationId({ requestId: 'R-1' })).toBe('R-1');
    expect(stepCorrelationId({ correlationId: '', requestId: 'R-1' })).toBe('R-1');
    expect(stepCorrelationId({ taskToken: 't' })).toBeUndefined();
    expect(stepCorrelationId(null)).toBeUndefined();
  });

  test("a stream batch's own lines name the territories it is about, each once", () => {
    expect(batchCorrelationId(['T001', 'T017', 'T001', ''])).toBe('T001+T017');
    expect(batchCorrelationId([''])).toBeUndefined();
  });
});
