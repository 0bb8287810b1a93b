/**
 * How handlers behind API Gateway answer: JSON bodies, and the project's error
 * types mapped to status codes with a message that names the problem. Kept free
 * of middy and the SDK so it is unit-testable on its own.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../domain/errors';

/** A request the caller may not repeat successfully: the thing is gone for good (e.g. a used decision link). */
export class GoneError extends DomainError {}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** Maps an error to the answer the caller gets; anything unexpected is a 500 that reveals nothing internal. */
export function errorResponse(error: unknown, requestId: string): APIGatewayProxyResult {
  if (error instanceof ValidationError) {
    return json(400, { error: 'ValidationError', message: error.message, problems: error.problems });
  }
  if (error instanceof NotFoundError) return json(404, { error: 'NotFound', message: error.message });
  if (error instanceof ConflictError) return json(409, { error: 'Conflict', message: error.message });
  if (error instanceof GoneError) return json(410, { error: 'Gone', message: error.message });
  return json(500, { error: 'InternalError', message: `internal error; quote request id ${requestId}` });
}

/** Parses a JSON body; anything else is a ValidationError naming the body. */
export function parseJsonBody(body: string | null, isBase64Encoded = false): unknown {
  if (body === null || body === '') throw new ValidationError('request', [{ field: 'body', problem: 'is required' }]);
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ValidationError('request', [{ field: 'body', problem: 'is not valid JSON' }]);
  }
}
