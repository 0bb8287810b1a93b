/**
 * The correlation id in every log line: the id of the business case a line
 * is about — the customer request's `requestId`, a lifecycle case's id
 * (onboarding, price request, follow-up), the territory of a tandem change —
 * the id ops search by (docs/operations.md, "Correlation id"). An API call
 * starts with the caller's `x-correlation-id` header, or else API Gateway's
 * request id, and switches to the case's id as soon as the handler knows it.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { logger } from './powertools';

export const CORRELATION_HEADER = 'x-correlation-id';

/** What a caller may send as correlation id: short, and no characters that could forge or break a log line. */
const SAFE_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

/** The caller's `x-correlation-id` when it is a safe id, else API Gateway's request id, else none. */
export function incomingCorrelationId(event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>): string | undefined {
  const headers = event.headers ?? {};
  const sent = Object.entries(headers).find(([name]) => name.toLowerCase() === CORRELATION_HEADER)?.[1];
  if (sent !== undefined && SAFE_ID.test(sent)) return sent;
  return event.requestContext?.requestId;
}

/** The id a step's logs are correlated by: the workflow's `correlationId` (lifecycle cases), else the customer request's id. */
export function stepCorrelationId(input: unknown): string | undefined {
  const { correlationId, requestId } = (input ?? {}) as { correlationId?: unknown; requestId?: unknown };
  if (typeof correlationId === 'string' && correlationId !== '') return correlationId;
  return typeof requestId === 'string' && requestId !== '' ? requestId : undefined;
}

/** From here on, the invocation's log lines carry `id` (a case's id the handler just learnt). */
export function correlateWith(id: string | undefined): void {
  if (id) logger.setCorrelationId(id);
}

/** The correlation id of a batch's own lines (a stream batch): the cases it is about, e.g. `T001+T017`. */
export function batchCorrelationId(caseIds: readonly string[]): string | undefined {
  const unique = [...new Set(caseIds.filter(Boolean))];
  return unique.length > 0 ? unique.join('+') : undefined;
}

/** For a line about one case among several handled at once (concurrent work in one invocation): its own correlation id. */
export function caseKeys(id: string): { correlation_id: string } {
  return { correlation_id: id };
}
